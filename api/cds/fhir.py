"""Read medication orders out of whatever FHIR an EHR sends: leniently, and never raising."""

import re

from db.codes import ATC_ANY_CASE, RXCUI

RXNORM = {"http://www.nlm.nih.gov/research/umls/rxnorm", "urn:oid:2.16.840.1.113883.6.88"}
ATC = {"http://www.whocc.no/atc", "urn:oid:2.16.840.1.113883.6.73"}
# DSTU2 called a medication order MedicationOrder; STU3 and later, MedicationRequest.
ORDER_TYPES = {"MedicationRequest", "MedicationOrder"}
VOID_STATUSES = {"cancelled", "entered-in-error"}
ACTIVE_STATUSES = {"active", ""}  # an active-medication search result may omit the status
MAX_NAME = 200
# RxNorm names a branded drug "... [Brand]" and a clinical drug "ingredient 1 MG Oral Tablet".
BRACKETED = re.compile(r"\[([^\]]+)\]")
BEFORE_STRENGTH = re.compile(r"^([^0-9\[]+?)\s+[0-9]")


def _dict(value):
    return value if isinstance(value, dict) else {}


def _list(value):
    """Return value as a list: real payloads send one object where FHIR wants an array."""
    if isinstance(value, list):
        return value
    return [value] if isinstance(value, dict) else []


def _text(value):
    return value.strip() if isinstance(value, str) else ""


def resources(value):
    """Yield (resource, full_url) from a Bundle (with or without `type`), a list or a resource."""
    for item in map(_dict, _list(value)):
        if item.get("resourceType") == "Bundle" or ("entry" in item and "resourceType" not in item):
            entries = map(_dict, _list(item.get("entry")))
        elif "resource" in item and "resourceType" not in item:
            entries = [item]  # a bare Bundle entry
        else:
            entries = [{"resource": item}]
        # Nested Bundles are not followed: real payloads never nest them, and depth stays bounded.
        for entry in entries:
            resource = _dict(entry.get("resource"))
            if _text(resource.get("resourceType")) not in ("", "Bundle"):
                yield resource, _text(entry.get("fullUrl"))


def index(*containers):
    """Map `Type/id` and each entry's fullUrl to its resource, for resolving references."""
    found = {}
    for container in containers:
        for resource, full_url in resources(container):
            kind, rid = _text(resource.get("resourceType")), resource.get("id")
            if isinstance(rid, str | int) and kind:
                found.setdefault(f"{kind}/{rid}", resource)
            if full_url:
                found.setdefault(full_url, resource)
    return found


def medication_orders(value, prefetch=None, *, context=(), active_only=False):
    """Return {ref, alternatives} for each medication order, in the order sent.

    References resolve against value, the prefetch and any other `context` containers;
    `active_only` keeps the orders an active-medication search should hold (status active).
    """
    known = index(value, *_dict(prefetch).values(), *context)
    orders = []
    for resource, _ in resources(value):
        if resource.get("resourceType") not in ORDER_TYPES:
            continue
        status = _text(resource.get("status"))
        if status in VOID_STATUSES or (active_only and status not in ACTIVE_STATUSES):
            continue
        rid = resource.get("id")
        ref = f"{resource['resourceType']}/{rid}" if isinstance(rid, str | int) else None
        orders.append({"ref": ref, "alternatives": alternatives(resource, known)})
    return orders


def _medication(resource, known):
    """Return the CodeableConcepts that name the medicine of one order."""
    r5 = _dict(resource.get("medication"))  # R5 wraps both forms in `medication`
    concepts = [_dict(resource.get("medicationCodeableConcept")), _dict(r5.get("concept"))]
    for reference in (_dict(resource.get("medicationReference")), _dict(r5.get("reference"))):
        target = _resolve(_text(reference.get("reference")), resource, known)
        concepts.append(_dict(target.get("code")))
        concepts.append({"text": reference.get("display")})
    return [c for c in concepts if c]


def _resolve(reference, resource, known):
    """Find a Medication: contained (#id), in the bundle or prefetch, by full URL or Type/id."""
    if not reference:
        return {}
    if reference.startswith("#"):
        contained = [_dict(c) for c in _list(resource.get("contained"))]
        return next((c for c in contained if str(c.get("id")) == reference[1:]), {})
    tail = "/".join(reference.rstrip("/").split("/")[-2:])
    return _dict(known.get(reference) or known.get(tail))


def alternatives(resource, known):
    """Return the queries to try for one order: codes first, then names from the display text."""
    codes, names = [], []
    for concept in _medication(resource, known):
        for coding in (_dict(c) for c in _list(concept.get("coding"))):
            codes += _code(coding)
            names.append(_text(coding.get("display")))
        names.append(_text(concept.get("text")))
    names += [part for name in names for part in _name_parts(name)]
    queries = codes + [{"name": name} for name in names if 0 < len(name) <= MAX_NAME]
    return list({tuple(q.items()): q for q in queries}.values())  # unique, first seen first


def _code(coding):
    """Return an RxCUI or ATC query for a coding; other systems (NDC, SNOMED …) give none."""
    system = _text(coding.get("system")).lower().rstrip("/").replace("https://", "http://")
    code = coding.get("code")
    code = str(code).strip() if isinstance(code, str | int) and not isinstance(code, bool) else ""
    if system in RXNORM and RXCUI.match(code):
        return [{"rxcui": code}]
    if system in ATC and ATC_ANY_CASE.match(code):
        return [{"atc": code.upper()}]
    return []


def _name_parts(name):
    """Return the brand in [brackets] and the ingredient before the strength of an RxNorm name."""
    parts = [m.group(1).strip() for m in BRACKETED.finditer(name)]
    before = BEFORE_STRENGTH.match(name)
    return parts + ([before.group(1).strip()] if before else [])
