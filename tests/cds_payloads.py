"""CDS Hooks payloads shaped like the public sandbox and real EHRs send them."""

import uuid

RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
RXNORM_OID = "urn:oid:2.16.840.1.113883.6.88"
SIGN = "/cds-services/ossa-order-sign"
SELECT = "/cds-services/ossa-order-select"
PRESCRIBE = "/cds-services/ossa-medication-prescribe"


def coding(code=None, display=None, system=RXNORM):
    return {k: v for k, v in (("system", system), ("code", code), ("display", display)) if v}


def order(rid, *codings, text=None, **extra):
    """A MedicationRequest as the public sandbox sends it: no `intent`, status draft."""
    concept = {"coding": list(codings)} if codings else {}
    if text:
        concept["text"] = text
    return {"resourceType": "MedicationRequest", "id": rid, "status": "draft",
            "subject": {"reference": "Patient/1288992"},
            "medicationCodeableConcept": concept, **extra}


def bundle(*resources):
    """A draftOrders Bundle without `type`, as the sandbox sends it."""
    return {"resourceType": "Bundle", "entry": [{"resource": r} for r in resources]}


def call(hook, context, **extra):
    return {"hook": hook, "hookInstance": str(uuid.uuid4()), "fhirServer":
            "https://fhir.example.org/r4", "context": {"userId": "Practitioner/example",
                                                      "patientId": "1288992", **context}, **extra}


def sign(client, *resources, **extra):
    response = client.post(SIGN, json=call("order-sign", {"draftOrders": bundle(*resources)},
                                           **extra))
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["cards"]


def drug_ids(cards):
    """Return the drug ids the cards link to, in card order."""
    return [link["url"].rsplit("/", 1)[1] for card in cards for link in card["links"]
            if "/v1/drugs/" in link["url"]]


def active_bundle(*resources):
    """An active-medication search result (what the prefetch or the FHIR server returns)."""
    return {"resourceType": "Bundle", "type": "searchset",
            "entry": [{"resource": {**r, "status": "active"}} for r in resources]}
