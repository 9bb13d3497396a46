"""Turn validated content into the rows of every table: records expanded as the API serves them."""

import json

from db import DatabaseError
from db.checks import DRUG_BLOCKS
from db.text import infer_tty, normalize
from db.uncovered import uncovered_rows

RISK_RANK = {"none": 0, "low": 1, "moderate": 2, "high": 3}
RXNORM_RELEASE = "2025-10-06"
ATC_RELEASE = "2026-04-25"
CODE_CITATIONS = {
    "rxnorm": {"source": "rxnorm-2025-10-06", "section": "RXNCONSO: ingredient, brand and "
                                                          "product concepts"},
    "atc": {"source": "who-atc-2026-04-25", "section": "ATC index: level-5 codes"},
}
DAILYMED = "https://dailymed.nlm.nih.gov/dailymed/drugInfo.cfm?setid={}"
PRODUCT_TTYS = {"SCD", "SBD", "SCDC", "SBDC", "SCDF", "SBDF", "SCDG", "SBDG", "GPCK", "BPCK"}


def table_rows(content, version):
    """Return {table: rows} for a validated content set."""
    sources = {s["id"]: s for s in content.sources}
    classes = {c["id"]: c for c in content.classes}
    strategies = {m["id"]: _cited(m) for m in content.management}
    drugs = {d["id"]: d for d in content.drugs}
    pairs = interaction_pairs(content.interactions, sources)
    # Concepts with a scope are other products (local forms …): not covered, see db.uncovered.
    covered = [c for c in content.concepts if not c.get("scope")]
    bodies = [_drug_body(d, classes, strategies, sources, drugs, pairs) for d in content.drugs]
    names = _name_rows(content.drugs, content.abbreviations, covered)
    return {
        "dataset": _dataset_rows(content, version),
        "sources": [_source_row(s) for s in sources.values()],
        "source_drugs": [{"source_id": s["id"], "drug_id": body["id"]}
                         for body in bodies for s in body["sources"]],
        "classes": [_class_row(c, content.drugs, sources) for c in content.classes],
        "drugs": [_drug_row(body) for body in bodies],
        "names": names,
        "codes": _code_rows(content.drugs, covered),
        "uncovered": uncovered_rows(content.concepts, drug_ids_by_name(content.drugs),
                                    _single_drug_names(names)),
        "management": [_management_row(strategies[m["id"]], sources, drugs)
                       for m in content.management],
        "guidance": [{"id": g["id"], "body": dumps(_expand_sources(_cited(g), sources))}
                     for g in content.guidance],
        "review_notes": [{"section": key, "body": dumps(value)}
                         for key, value in content.review_notes.items()],
    }


def dumps(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def source_record(source):
    """Return a source as the API serves it: with a DailyMed link when the set id is known."""
    record = {k: v for k, v in source.items() if k != "set_id"}
    record["set_id"] = source["set_id"]
    record["dailymed_url"] = DAILYMED.format(source["set_id"]) if source["set_id"] else None
    return record


def _source_row(source):
    return {"id": source["id"], "kind": source["kind"], "body": dumps(source_record(source))}


def citation(cite):
    """Return a citation as served: source and section, and the copy read when it differs."""
    served = {"source": cite["source"], "section": cite["section"]}
    if cite.get("url"):
        served["url"] = cite["url"]
    return served


def _cited(block):
    """Return a copy of a block whose citations (its own, its incidences', its actions') are
    served ones: the evidence notes stay in the content files."""
    out = {**block, "citations": [citation(c) for c in block["citations"]]}
    if "incidence" in block:
        out["incidence"] = [{**row, "citation": citation(row["citation"])}
                            for row in block["incidence"]]
    if "actions" in block:
        out["actions"] = [{**a, "citations": [citation(c) for c in a["citations"]]}
                          for a in block["actions"]]
    return out


def _expand_sources(record, sources):
    """Return a copy of record whose `sources` ids are replaced by the source records."""
    return {**record, "sources": [source_record(sources[s]) for s in record["sources"]]}


def interaction_pairs(interactions, sources):
    """Return {drug id: [interaction as seen from that drug]} for every described pair."""
    pairs = {}
    for item in interactions:
        first, second = item["between"]
        for a in first:
            for b in second:
                own = _own_evidence(item, {a, b}, sources)
                pairs.setdefault(a, []).append({"drug_id": b, **own})
                pairs.setdefault(b, []).append({"drug_id": a, **own})
    return pairs


def _own_evidence(item, pair, sources):
    """Keep the sources and citations of a pair: non-labels, and the labels of its two drugs."""
    def keep(source_id):
        source = sources[source_id]
        return source["kind"] != "label" or not source["drugs"] or pair & set(source["drugs"])

    kept = [s for s in item["sources"] if keep(s)]
    return {"severity": item["severity"], "do_not_combine": item["do_not_combine"],
            "detail": item["detail"], "clinician": item["clinician"], "sources": kept,
            "citations": [citation(c) for c in item["citations"] if c["source"] in kept]}


def _drug_body(drug, classes, strategies, sources, drugs, pairs):
    """Expand a drug's references into the record the API returns."""
    body = {k: v for k, v in drug.items() if k != "name_exclusions"}
    for name in DRUG_BLOCKS:
        body[name] = _cited(drug[name])
    cls = classes[drug["drug_class"]]
    body["drug_class"] = {"id": cls["id"], "name": cls["name"]}
    body["management"] = [
        {k: strategies[m][k] for k in ("id", "title", "kind", "detail", "sources", "citations")}
        for m in drug["management"]
    ]
    body["interactions"] = [{"drug_id": i["drug_id"],
                             "drug_name": drugs[i["drug_id"]]["generic_name"],
                             **{k: v for k, v in i.items() if k != "drug_id"}}
                            for i in pairs.get(drug["id"], [])]
    body["codes"] = {**drug["codes"], "rxnorm_release": RXNORM_RELEASE, "atc_release": ATC_RELEASE}
    code_citations = [CODE_CITATIONS[system] for system, present in
                      (("rxnorm", drug["codes"]["rxcui"] or drug["codes"]["brands"]),
                       ("atc", drug["codes"]["atc"])) if present]
    blocks = [body[name] for name in DRUG_BLOCKS] + body["interactions"]
    body["citations"] = _unique([c for b in blocks for c in _all_citations(b)] + code_citations)
    ids = _unique([s for b in blocks for s in b["sources"]]
                  + [c["source"] for c in code_citations])
    body["sources"] = [source_record(sources[s]) for s in ids]
    body["name_exclusions"] = drug["name_exclusions"]  # for the matcher; never served
    return body


def _all_citations(block):
    return ([*block["citations"]] + [r["citation"] for r in block.get("incidence", [])]
            + [c for a in block.get("actions", []) for c in a["citations"]])


def _unique(items):
    seen, out = set(), []
    for item in items:
        key = dumps(item)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def _drug_row(body):
    return {
        "id": body["id"],
        "generic_name": body["generic_name"],
        "drug_class": body["drug_class"]["id"],
        "therapy_type": body["therapy_type"],
        "risk": body["bone_joint"]["risk"],
        "risk_rank": RISK_RANK[body["bone_joint"]["risk"]],
        "bone_loss": int(body["bone_loss"]["warning"]),
        "onj": int(body["onj"]["warning"]),
        "body": dumps(body),
    }


def _class_row(cls, drugs, sources):
    members = [
        {"id": d["id"], "generic_name": d["generic_name"], "brand_names": d["brand_names"],
         "risk": d["bone_joint"]["risk"]}
        for d in drugs if d["drug_class"] == cls["id"]
    ]
    body = {**_expand_sources(_cited(cls), sources), "members": members}
    return {"id": cls["id"], "name": cls["name"], "therapy_type": cls["therapy_type"],
            "body": dumps(body)}


def _management_row(item, sources, drugs):
    body = _expand_sources(item, sources)
    body["drugs"] = [{"id": d, "generic_name": drugs[d]["generic_name"]} for d in item["drug_ids"]]
    del body["drug_ids"]
    return {"id": item["id"], "kind": item["kind"], "body": dumps(body)}


def name_row(name, drug_id, name_type):
    """Return a `names` row: the name as written, its matching keys, its drug and kind."""
    norm = normalize(name)
    return {"name": name, "norm": norm, "squash": norm.replace(" ", ""), "drug_id": drug_id,
            "name_type": name_type}


def _name_rows(drugs, abbreviations, concepts):
    """Return one row per (normalized name, drug, name type)."""
    named = []
    for drug in drugs:
        named.append((drug["generic_name"], drug["id"], "generic"))
        named += [(b, drug["id"], "brand") for b in drug["brand_names"]]
        named += [(s, drug["id"], "synonym") for s in drug["synonyms"]]
        named.append((drug["id"], drug["id"], "id"))
    for item in abbreviations:
        named += [(item["name"], d, "abbreviation") for d in item["drug_ids"]]
    ids = drug_ids_by_name(drugs)
    # Single-ingredient product names ("anastrozole 1 MG Oral Tablet") help typeahead;
    # combination products would list one drug under another's name, so they stay codes only.
    named += [(c["name"], ids[normalize(c["drug"])], "product") for c in concepts
              if c["is_combination"] != "true" and (c["tty"] or "SCD") in PRODUCT_TTYS]
    # A combination brand (Percocet) names each covered drug it holds: a lookup lists them all.
    # One that is a record of its own (Phesgo, Herceptin Hylecta) stays that record's name.
    owned = {normalize(name) for name, _, kind in named if kind != "product"}
    named += [(c["name"], ids[normalize(c["drug"])], "combination") for c in concepts
              if c["is_combination"] == "true" and c["tty"] == "BN"
              and normalize(c["name"]) not in owned]
    rows = {}
    for name, drug_id, name_type in named:
        row = name_row(name, drug_id, name_type)
        rows.setdefault((row["norm"], drug_id, name_type), row)
    return list(rows.values())


def _single_drug_names(names):
    """Map each normalized brand, generic or synonym that names one drug only to that drug."""
    drugs = {}
    for row in names:
        if row["name_type"] in ("generic", "brand", "synonym", "id"):
            drugs.setdefault(row["norm"], set()).add(row["drug_id"])
    return {norm: ids.pop() for norm, ids in drugs.items() if len(ids) == 1}


def drug_ids_by_name(drugs):
    """Map every normalized id, generic name and synonym to its drug id."""
    return {normalize(n): d["id"] for d in drugs for n in (d["id"], d["generic_name"],
                                                          *d["synonyms"])}


def _code_rows(drugs, concepts):
    """Return RxNorm and ATC code rows: the drugs' own codes, then the concept list."""
    rows = {}

    def add(system, code, drug_id, tty=None, name=None, retired=0, release=None):
        row = rows.setdefault((system, code, drug_id), {
            "system": system, "code": code, "drug_id": drug_id,
            "tty": tty, "name": name, "retired": retired, "release": release})
        row["tty"] = row["tty"] or tty
        row["name"] = row["name"] or name
        row["release"] = row["release"] or release

    for drug in drugs:
        codes = drug["codes"]
        if codes["rxcui"]:
            add("rxnorm", codes["rxcui"], drug["id"], None, drug["generic_name"], 0, RXNORM_RELEASE)
        for brand in codes["brands"]:
            if brand["rxcui"]:
                add("rxnorm", brand["rxcui"], drug["id"], "BN", brand["name"], 0, RXNORM_RELEASE)
        for atc in codes["atc"]:
            add("atc", atc, drug["id"], None, drug["generic_name"], 0, ATC_RELEASE)
        for atc in codes["atc_retired"]:
            add("atc", atc, drug["id"], None, drug["generic_name"], 1, ATC_RELEASE)
    by_name = drug_ids_by_name(drugs)
    for concept in concepts:
        drug_id = by_name.get(normalize(concept["drug"]))
        if drug_id is None:
            raise DatabaseError(f"rxnorm_concepts.csv: unknown drug `{concept['drug']}`")
        tty = concept["tty"] or infer_tty(concept["name"], concept["drug"])
        add("rxnorm", concept["rxcui"], drug_id, tty, concept["name"], 0,
            concept["release"] or None)
    return list(rows.values())


def _dataset_rows(content, version):
    reviewed = max(d["last_reviewed"] for d in content.drugs)
    return [
        {"key": "version", "value": version},
        {"key": "last_reviewed", "value": reviewed},
        {"key": "rxnorm_release", "value": RXNORM_RELEASE},
        {"key": "atc_release", "value": ATC_RELEASE},
        {"key": "disclaimer", "value": content.about["disclaimer"]},
        {"key": "license", "value": content.about["license"]},
    ]
