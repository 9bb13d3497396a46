"""Review a medication list: resolve every entry, then combine the bone and joint flags."""

from db import NotFound, dataset_info
from db.drugs import get_drugs
from db.lookup import lookup_code, lookup_name
from db.review_content import STATUSES, get_review_notes

RISKS = ("none", "low", "moderate", "high")  # lowest first
SEVERITIES = ("minor", "moderate", "major")


def resolve(conn, alternatives):
    """Return (query, lookup) for the first alternative that resolves; else raise NotFound."""
    first_error = None
    for query in alternatives:
        try:
            return query, _lookup(conn, query)
        except NotFound as exc:
            first_error = first_error or exc
    raise first_error or NotFound("Nothing to resolve.")


def _lookup(conn, query):
    if "name" in query:
        return lookup_name(conn, query["name"])
    if "rxcui" in query:
        return lookup_code(conn, "rxnorm", query["rxcui"])
    return lookup_code(conn, "atc", query["atc"].upper())


def review_medications(conn, medications, menopausal_status=None):
    """Review medications (each a list of alternative queries) for one patient."""
    notes = get_review_notes(conn)
    status = menopausal_status if menopausal_status in STATUSES else None
    resolved, unresolved = [], []
    for index, alternatives in enumerate(medications):
        try:
            query, found = resolve(conn, alternatives)
        except NotFound as exc:
            unresolved.append({"index": index, "input": alternatives[0], "reason": str(exc),
                               "suggestions": exc.suggestions})
            continue
        resolved.append({"index": index, "input": query, "match": found["match"],
                         "drugs": [drug_flags(d, status, notes) for d in _drugs(conn, found)]})
    drugs = list({d["id"]: d for item in resolved for d in item["drugs"]}.values())
    return {
        "menopausal_status": status or "unknown",
        "medications": resolved,
        "unresolved": unresolved,
        "combined": combine(drugs, notes),
        "disclaimer": dataset_info(conn)["disclaimer"],
    }


def _drugs(conn, found):
    """Return every drug a lookup names: a combination product's match lists them all."""
    contains = found["match"].get("contains")
    return (get_drugs(conn, contains) if contains else []) or [found["drug"]]


def drug_flags(drug, status, notes):
    """Return the flags of one drug for a menopausal status (None when unknown)."""
    by_status = drug["bone_loss"]["by_menopausal_status"]
    effects = set(by_status.values())
    if status:
        effect = by_status[status]
    else:
        effect = effects.pop() if len(effects) == 1 else "depends"
    bone_loss = {"warning": effect == "increased" or (effect == "depends"
                                                      and "increased" in effects),
                 "effect": effect, "by_menopausal_status": by_status}
    if effect == "depends":
        words = notes["bone_loss"]["effects"]
        bone_loss["note"] = notes["bone_loss"]["depends_on_menopause"].format(
            drug=drug["generic_name"], **{s: words[by_status[s]] for s in STATUSES})
    return {
        "id": drug["id"], "generic_name": drug["generic_name"],
        "drug_class": drug["drug_class"], "therapy_type": drug["therapy_type"],
        "roles": drug["roles"], "risk": drug["bone_joint"]["risk"],
        "pain_types": drug["bone_joint"]["pain_types"],
        "bone_loss": bone_loss, "onj": {"warning": drug["onj"]["warning"]},
        "record": drug,  # the whole record, for the CDS cards; never sent by /v1/reviews
    }


def combine(drugs, notes):
    """Combine the flags of distinct drugs into one answer for the whole list."""
    return {
        "highest_risk": _highest_risk(drugs),
        "bone_loss": _bone_loss(drugs, notes),
        "onj": _onj(drugs),
        "interactions": interactions(drugs),
        "management": _management(drugs),
    }


def _highest_risk(drugs):
    risk = max((d["risk"] for d in drugs), key=RISKS.index, default="none")
    return {"risk": risk, "drug_ids": [d["id"] for d in drugs if d["risk"] == risk]}


def _bone_loss(drugs, notes):
    contributors = [d for d in drugs if d["bone_loss"]["warning"]]
    stacked = len(contributors) >= 2
    texts = []
    if stacked:
        names = ", ".join(d["generic_name"] for d in contributors)
        texts.append(notes["bone_loss"]["stacked"].format(drugs=names))
    texts += [d["bone_loss"]["note"] for d in contributors if "note" in d["bone_loss"]]
    return {
        "warning": bool(contributors),
        "contributors": [d["id"] for d in contributors],
        "stacked": stacked,
        "depends_on_menopausal_status": [d["id"] for d in drugs
                                         if d["bone_loss"]["effect"] == "depends"],
        "protective": [d["id"] for d in drugs if d["bone_loss"]["effect"] == "decreased"],
        "notes": texts,
    }


def _onj(drugs):
    contributors = [d for d in drugs if d["onj"]["warning"]]
    prevention, seen = [], set()
    for drug in contributors:
        text = drug["record"]["onj"]["prevention"]
        if text and text not in seen:
            seen.add(text)
            prevention.append({"drug_id": drug["id"], "text": text})
    return {"warning": bool(contributors), "contributors": [d["id"] for d in contributors],
            "prevention": prevention}


def interactions(drugs):
    """Return one entry per interacting pair of drugs, in the order the drugs were listed."""
    names = {d["id"]: d["generic_name"] for d in drugs}
    pairs = {}
    for drug in drugs:
        for found in drug["record"]["interactions"]:
            other = found["drug_id"]
            if other not in names or other == drug["id"]:
                continue
            pair = pairs.setdefault(frozenset((drug["id"], other)), {
                "drug_ids": [drug["id"], other], "drug_names": [names[drug["id"]], names[other]],
                "severity": found["severity"], "detail": found["detail"], "sources": []})
            # The two records may rate a pair differently: keep the more severe rating.
            pair["severity"] = max(pair["severity"], found["severity"], key=SEVERITIES.index)
            pair["sources"] += [s for s in found["sources"] if s not in pair["sources"]]
    return list(pairs.values())


def _management(drugs):
    """Return each suggested strategy once, with the drugs that suggest it, in first-seen order."""
    strategies = {}
    for drug in drugs:
        for item in drug["record"]["management"]:
            entry = strategies.setdefault(item["id"], {
                "id": item["id"], "title": item["title"], "kind": item["kind"], "drug_ids": []})
            entry["drug_ids"].append(drug["id"])
    return list(strategies.values())
