"""api.cds.fhir: medication orders read from any JSON, and every real-client payload shape."""

import pytest

from api.cds.fhir import alternatives, medication_orders
from tests.cds_payloads import (
    PRESCRIBE,
    RXNORM,
    RXNORM_OID,
    bundle,
    call,
    coding,
    drug_ids,
    order,
    sign,
)

ORDER = {"resourceType": "MedicationRequest", "id": "1"}


@pytest.mark.parametrize("value", [
    None, 0, True, "Bundle", [], [None, 1, "x"], {}, {"entry": "x"},
    {"resourceType": "Bundle", "entry": [None, 5, {"resource": 7}, {"resource": {}}]},
    {"resourceType": "Bundle", "entry": {"resource": {"resourceType": "Bundle", "entry": []}}},
    {**ORDER, "medicationCodeableConcept": "anastrozole"},
    {**ORDER, "medicationCodeableConcept": {"coding": "x", "text": 5}},
    {**ORDER, "medicationCodeableConcept": {"coding": [None, {"code": {"a": 1}}]}},
    {**ORDER, "medicationReference": {"reference": 5}},
    {**ORDER, "medicationReference": {"reference": "#x"}, "contained": "nope"},
    {**ORDER, "medication": [1, 2]},
])
def test_junk_never_raises_and_names_no_medicine(value):
    assert all(order["alternatives"] == [] for order in medication_orders(value, {"x": value}))


def test_codes_come_before_names_and_rxnorm_names_are_split_into_brand_and_ingredient():
    resource = {**ORDER, "medicationCodeableConcept": {
        "coding": [{"system": "http://snomed.info/sct", "code": "108774000", "display": "x"},
                   {"system": RXNORM, "code": "151124",
                    "display": "anastrozole 1 MG Oral Tablet [Arimidex]"}],
        "text": "Arimidex 1 mg"}}
    assert alternatives(resource, {}) == [
        {"rxcui": "151124"}, {"name": "x"}, {"name": "anastrozole 1 MG Oral Tablet [Arimidex]"},
        {"name": "Arimidex 1 mg"}, {"name": "Arimidex"}, {"name": "anastrozole"}]


def test_a_bare_list_of_entries_and_a_single_resource_are_read():
    entry = {"fullUrl": "urn:uuid:1", "resource": {**ORDER, "medicationCodeableConcept": {
        "coding": [{"system": RXNORM, "code": 84857}]}}}
    for value in ([entry], entry, entry["resource"]):
        [order] = medication_orders(value)
        assert order == {"ref": "MedicationRequest/1", "alternatives": [{"rxcui": "84857"}]}


def test_every_order_sent_is_read_for_the_limits_to_judge():
    orders = [{**ORDER, "id": str(i)} for i in range(150)]
    assert len(medication_orders(orders)) == 150


SANDBOX_SHAPES = {
    "category as an object": (
        [order("1", coding("151124", "anastrozole 1 MG Oral Tablet [Arimidex]"),
               category={"coding": [{"code": "outpatient"}]})], {}, ["anastrozole"]),
    "RxNorm by OID": ([order("1", coding("10324", system=RXNORM_OID))], {}, ["tamoxifen"]),
    "https and a trailing slash": (
        [order("1", coding("10324", system="https://www.nlm.nih.gov/research/umls/rxnorm/"))],
        {}, ["tamoxifen"]),
    "display only": ([order("1", coding(display="Femara"))], {}, ["letrozole"]),
    "text only": ([order("1", text="Arimidex")], {}, ["anastrozole"]),
    "unknown code, product display": (
        [order("1", coding("99999999", "tamoxifen 20 MG Oral Tablet"))], {}, ["tamoxifen"]),
    "unknown code, branded display": (
        [order("1", coding("99999999", "Oral Tablet [Femara]"))], {}, ["letrozole"]),
    "ATC coding": ([order("1", coding("L02BG03", system="http://www.whocc.no/atc"))], {},
                   ["anastrozole"]),
    "contained Medication": ([{
        "resourceType": "MedicationRequest", "id": "1", "medicationReference": {"reference": "#m"},
        "contained": [{"resourceType": "Medication", "id": "m",
                       "code": {"coding": [coding("1046399", "Xgeva")]}}]}], {}, ["denosumab"]),
    "Medication in the bundle": ([
        {"resourceType": "MedicationRequest", "id": "1",
         "medicationReference": {"reference": "Medication/m1"}},
        {"resourceType": "Medication", "id": "m1", "code": {"coding": [coding("58328")]}}],
        {}, ["goserelin"]),
    "Medication in prefetch": ([
        {"resourceType": "MedicationRequest", "id": "1",
         "medicationReference": {"reference": "https://fhir.example.org/r4/Medication/m2"}}],
        {"prefetch": {"meds": bundle({"resourceType": "Medication", "id": "m2",
                                      "code": {"text": "Zometa"}})}}, ["zoledronic-acid"]),
    "R5 medication.concept": ([{"resourceType": "MedicationRequest", "id": "1", "medication": {
        "concept": {"coding": [coding("84857")]}}}], {}, ["anastrozole"]),
    "a cancelled order is ignored": (
        [order("1", coding("10324")), order("2", coding("84857"), status="cancelled")], {},
        ["tamoxifen"]),
}


@pytest.mark.parametrize("shape", SANDBOX_SHAPES)
def test_real_client_payload_shapes_resolve(client, shape):
    resources, extra, expected = SANDBOX_SHAPES[shape]
    assert drug_ids(sign(client, *resources, **extra)) == expected


def test_dstu2_medication_orders_work_on_the_deprecated_hook(client):
    medication_order = {
        "resourceType": "MedicationOrder", "id": "1", "status": "draft",
        "patient": {"reference": "Patient/1288992"},
        "medicationCodeableConcept": {"coding": [coding("1046402")]}}
    for medications in ([medication_order], bundle(medication_order), medication_order):
        response = client.post(PRESCRIBE, json=call("medication-prescribe",
                                                     {"medications": medications}))
        [card] = response.get_json()["cards"]
        assert card["indicator"] == "warning" and drug_ids([card]) == ["denosumab"]
