"""Review a medication list: resolve every entry, then combine the bone and joint flags.

Menopausal status decides what several drugs do to bone. A drug that puts the ovaries out of
action (a GnRH agonist, ovary removal: the classes review_notes.yaml names) induces menopause, so
every other drug on the list is read at `postmenopausal`; the suppressing drug itself is read at
the patient's own status, or `premenopausal` when it is not given (it is only used while the
ovaries work). Bone loss is "stacked" only when two or more drugs each increase it at the status
they are read at.
"""

from db import NotCovered, NotFound, WorkLimitExceeded, dataset_info
from db.drugs import get_drugs
from db.lookup import lookup_code, lookup_name
from db.review_content import STATUSES, get_review_notes

RISKS = ("none", "low", "moderate", "high")  # lowest first
# The matching work one review may do: a name lookup costs 1 (about 0.15 ms of CPU at worst,
# measured), a code lookup 0.25. A /v1/reviews list (at most 100 entries, one query each) stays
# far below; a CDS call whose orders offer many codings and texts that match nothing can reach
# it, and is refused (422) rather than allowed to buy seconds of CPU.
MAX_WORK = 300


class Budget:
    """Count the matching work of one request; raise WorkLimitExceeded past the limit."""

    def __init__(self, limit=MAX_WORK):
        self.limit, self.spent = limit, 0.0

    def spend(self, query):
        self.spent += 1 if "name" in query else 0.25
        if self.spent > self.limit:
            raise WorkLimitExceeded(f"The request needs more than {self.limit} name lookups; "
                                    "send fewer medicines or fewer codings per medicine.")


def resolve(conn, alternatives, *, suggest=False, budget=None):
    """Return (query, lookup) for the first alternative that resolves.

    A recognised medicine without a record (NotCovered) is an answer too and ends the search;
    when nothing resolves, the first alternative's NotFound is raised, with suggestions only
    when the caller shows them.
    """
    first_error, budget = None, budget or Budget()
    for n, query in enumerate(alternatives):
        budget.spend(query)
        try:
            return query, _lookup(conn, query, suggest=suggest and n == 0)
        except NotCovered:
            raise
        except NotFound as exc:
            first_error = first_error or exc
    raise first_error or NotFound("Nothing to resolve.")


def _lookup(conn, query, suggest):
    if "name" in query:
        return lookup_name(conn, query["name"], suggest=suggest)
    if "rxcui" in query:
        return lookup_code(conn, "rxnorm", query["rxcui"])
    return lookup_code(conn, "atc", query["atc"].upper())


def review_medications(conn, medications, menopausal_status=None, *, suggest=True):
    """Review medications (each a list of alternative queries) for one patient.

    Entries that name a recognised medicine without a record land in `not_covered`, entries
    that name nothing known in `unresolved` (with suggestions when `suggest`).
    """
    notes = get_review_notes(conn)
    status = menopausal_status if menopausal_status in STATUSES else None
    resolved, unresolved, not_covered, budget = [], [], [], Budget()
    for index, alternatives in enumerate(medications):
        try:
            query, found = resolve(conn, alternatives, suggest=suggest, budget=budget)
        except NotCovered as exc:
            not_covered.append({"index": index, "input": alternatives[0], "detail": str(exc),
                                **exc.recognized})
            continue
        except NotFound as exc:
            unresolved.append({"index": index, "input": alternatives[0], "reason": str(exc),
                               "suggestions": exc.suggestions})
            continue
        resolved.append({"index": index, "input": query, "match": found["match"],
                         "records": _drugs(conn, found)})
    records = list({d["id"]: d for item in resolved for d in item["records"]}.values())
    basis = status_basis(records, status, notes)
    flags = {d["id"]: drug_flags(d, basis["by_drug"][d["id"]], notes) for d in records}
    for item in resolved:
        item["drugs"] = [flags[d["id"]] for d in item.pop("records")]
    return {
        "menopausal_status": status or "unknown",
        "status_basis": {k: v for k, v in basis.items() if k != "by_drug"},
        "medications": resolved,
        "not_covered": not_covered,
        "unresolved": unresolved,
        "combined": combine(list(flags.values()), notes, induced=basis["reason"] ==
                            "induced_menopause"),
        "disclaimer": dataset_info(conn)["disclaimer"],
    }


def _drugs(conn, found):
    """Return every drug a lookup names: a combination product's match lists them all."""
    contains = found["match"].get("contains")
    return (get_drugs(conn, contains) if contains else []) or [found["drug"]]


def status_basis(drugs, status, notes):
    """Return the status each drug is read at, and why (induced menopause, given or unknown)."""
    rule = notes["induced_menopause"]
    suppressors = [d for d in drugs if d["drug_class"]["id"] in rule["classes"]]
    if not suppressors or status == "postmenopausal":  # nothing left for them to change
        reason = "given" if status else "unknown"
        return {"effective": status or "unknown", "reason": reason, "drug_ids": [],
                "note": rule["notes"][reason], "by_drug": {d["id"]: status for d in drugs}}
    own = status or "premenopausal"
    names = ", ".join(d["generic_name"] for d in suppressors)
    return {"effective": "postmenopausal", "reason": "induced_menopause",
            "drug_ids": [d["id"] for d in suppressors],
            "note": _sentence(rule["notes"]["induced_menopause"].format(suppressors=names)),
            "by_drug": {d["id"]: own if d in suppressors else "postmenopausal" for d in drugs}}


def _sentence(text):
    return text[:1].upper() + text[1:]


def drug_flags(drug, status, notes):
    """Return the flags of one drug read at a menopausal status (None when unknown)."""
    by_status = drug["bone_loss"]["by_menopausal_status"]
    effects = set(by_status.values())
    if status:
        effect = by_status[status]
    else:
        effect = next(iter(effects)) if len(effects) == 1 else "depends"
    bone_loss = {"warning": effect == "increased" or (effect == "depends"
                                                      and "increased" in effects),
                 "effect": effect, "status": status or "unknown", "by_menopausal_status": by_status}
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


def combine(drugs, notes, induced=False):
    """Combine the flags of distinct drugs into one answer for the whole list."""
    return {
        "highest_risk": _highest_risk(drugs),
        "bone_loss": _bone_loss(drugs, notes, induced),
        "onj": _onj(drugs),
        "interactions": interactions(drugs),
        "management": _management(drugs),
    }


def _highest_risk(drugs):
    risk = max((d["risk"] for d in drugs), key=RISKS.index, default="none")
    return {"risk": risk, "drug_ids": [d["id"] for d in drugs if d["risk"] == risk]}


def _bone_loss(drugs, notes, induced):
    contributors = [d for d in drugs if d["bone_loss"]["warning"]]
    increasing = [d for d in drugs if d["bone_loss"]["effect"] == "increased"]
    protective = [d for d in drugs if d["bone_loss"]["effect"] == "decreased"]
    stacked = len(increasing) >= 2
    words, texts = notes["bone_loss"], []
    if stacked:
        texts.append(words["stacked"].format(drugs=_names(increasing)))
    # Under ovarian suppression a drug that would add to bone loss before menopause can
    # offset it instead (tamoxifen, ABCSG-12): say so, as the stacking note's counterpart.
    offsetting = [d for d in protective
                  if d["bone_loss"]["by_menopausal_status"]["premenopausal"] != "decreased"]
    if induced and offsetting:
        texts.append(_sentence(words["offsets_suppression"].format(drugs=_names(offsetting))))
    texts += [d["bone_loss"]["note"] for d in contributors if "note" in d["bone_loss"]]
    return {
        "warning": bool(contributors),
        "contributors": [d["id"] for d in contributors],
        "stacked": stacked,
        "stacked_drug_ids": [d["id"] for d in increasing] if stacked else [],
        "depends_on_menopausal_status": [d["id"] for d in drugs
                                         if d["bone_loss"]["effect"] == "depends"],
        "protective": [d["id"] for d in protective],
        "notes": texts,
    }


def _names(drugs):
    return ", ".join(d["generic_name"] for d in drugs)


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
            key = frozenset((drug["id"], other))
            if other not in names or key in pairs:
                continue  # each pair is described once, with the same text from both sides
            pairs[key] = {"drug_ids": [drug["id"], other],
                          "drug_names": [names[drug["id"]], names[other]],
                          **{k: found[k] for k in ("severity", "do_not_combine", "detail",
                                                   "clinician", "sources", "citations")}}
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
