"""CDS Hooks: discovery, cards from payloads shaped like real EHRs send them, feedback, errors."""

import uuid

import pytest

from tests.cds_payloads import (
    PRESCRIBE,
    RXNORM,
    SELECT,
    SIGN,
    bundle,
    call,
    coding,
    drug_ids,
    order,
    sign,
)
from tests.conftest import assert_outcome


def test_discovery_lists_one_service_per_hook_with_the_active_medication_prefetch(client):
    body = client.get("/cds-services").get_json()
    assert body["version"] == "2.0.1"
    services = {s["id"]: s for s in body["services"]}
    assert {s["hook"] for s in services.values()} == {"order-select", "order-sign",
                                                       "medication-prescribe"}
    for service_id, service in services.items():
        assert service["title"] and service["description"]
        query = service["prefetch"]["activeMedications"]
        assert query.startswith("MedicationRequest?patient={{context.patientId}}&status=active")
        assert "_include=MedicationRequest:medication" in query
        assert client.post(f"/cds-services/{service_id}", json={}).status_code == 400


def test_order_sign_with_a_product_rxcui_and_no_bundle_type_or_intent_is_about_anastrozole(
        client):
    cards = sign(client, order("1", coding("199224", "anastrozole 1 MG Oral Tablet")))
    [card] = cards
    assert card["summary"].startswith("Anastrozole")
    assert card["links"][0]["url"] == "http://localhost/v1/drugs/anastrozole"
    record = client.get("/v1/drugs/anastrozole").get_json()
    assert record["clinician"]["summary"] in card["detail"]
    assert record["bone_joint"]["summary"] not in card["detail"]  # the patient voice stays out
    assert card["source"]["topic"]["code"] == "bone-joint-effects"


def test_tamoxifen_and_duloxetine_orders_give_a_warning_card_naming_both(client):
    cards = sign(client, order("t", coding("313195", "tamoxifen 20 MG Oral Tablet")),
                 order("d", coding("596930", "duloxetine 30 MG Delayed Release Oral Capsule")))
    [warning] = [c for c in cards if c["source"]["topic"]["code"] == "drug-interaction"]
    assert warning["indicator"] == "warning"
    assert "Tamoxifen" in warning["summary"] and "duloxetine" in warning["summary"]
    assert sorted(drug_ids([warning])) == ["duloxetine", "tamoxifen"]
    # duloxetine has nothing of its own to act on: no card of its own (no noise)
    assert drug_ids([c for c in cards if c is not warning]) == ["tamoxifen"]


@pytest.mark.parametrize("medication", [
    {"medicationCodeableConcept": {"coding": [{"system": RXNORM}]}},
    {"medicationCodeableConcept": {}},
    {"medicationReference": {"reference": "Medication/missing"}},
    {},
])
def test_a_medication_with_no_code_and_no_display_gives_no_cards(client, medication):
    resource = {"resourceType": "MedicationRequest", "id": "x", "status": "draft", **medication}
    assert sign(client, resource) == []


@pytest.mark.parametrize("context", [{}, {"draftOrders": None}, {"draftOrders": bundle()},
                                     {"selections": [], "draftOrders": bundle()}])
def test_order_select_before_anything_is_ordered_gives_no_cards(client, context):
    response = client.post(SELECT, json=call("order-select", context))
    assert response.get_json() == {"cards": []}


@pytest.mark.parametrize(("path", "payload"), [
    (SIGN, "not json"),
    (SIGN, {"hookInstance": str(uuid.uuid4()), "context": {}}),
    (SIGN, {"hook": "order-sign", "context": {}}),
    (SIGN, {"hook": "order-sign", "hookInstance": str(uuid.uuid4())}),
    (SIGN, {"hook": "order-select", "hookInstance": str(uuid.uuid4()), "context": {}}),
    (SELECT, {"hook": "order-sign", "hookInstance": str(uuid.uuid4()), "context": {}}),
    (SIGN, {"hook": "order-sign", "hookInstance": "not-a-uuid", "context": {}}),
    (SIGN, {"hook": "order-sign", "hookInstance": f"{{{uuid.uuid4()}}}", "context": {}}),
    (SIGN, {"hook": "order-sign", "hookInstance": f"urn:uuid:{uuid.uuid4()}", "context": {}}),
    (SIGN, {"hook": "order-sign", "hookInstance": f"{uuid.uuid4()}\n", "context": {}}),
    (SIGN, {"hook": "order-sign", "hookInstance": str(uuid.uuid4()), "context": []}),
    (SIGN, {"hook": "order-sign", "hookInstance": str(uuid.uuid4()),
            "context": {"userId": 7}}),
    (SELECT, {"hook": "order-select", "hookInstance": str(uuid.uuid4()),
              "context": {"selections": "MedicationRequest/1"}}),
    (PRESCRIBE, ["hook", "order-sign"]),
])
def test_a_malformed_call_is_400_with_an_operation_outcome(client, path, payload):
    if isinstance(payload, str):
        response = client.post(path, data=payload, content_type="application/json")
    else:
        response = client.post(path, json=payload)
    assert_outcome(response, 400)


def test_outcome_issues_name_each_invalid_field(client):
    body = assert_outcome(client.post(SIGN, json={"hook": "order-select"}), 400)
    assert {i["expression"][0] for i in body["issue"]} == {"hook", "hookInstance", "context"}


def test_an_unknown_service_is_404_and_a_wrong_method_405_as_operation_outcomes(client):
    assert assert_outcome(client.post("/cds-services/nope", json={}), 404)["issue"][0][
        "code"] == "not-found"
    response = client.get(SIGN)
    assert_outcome(response, 405)
    assert "POST" in response.headers["Allow"]
    assert_outcome(client.delete("/cds-services"), 405)


def test_415_and_a_lone_surrogate_get_operation_outcomes_too(client):
    assert_outcome(client.post(SIGN, data="{}", content_type="text/plain"), 415)
    data = '{"hook": "order-sign", "hookInstance": "\\udfff", "context": {}}'
    assert_outcome(client.post(SIGN, data=data, content_type="application/json"), 400)


def test_an_oversized_call_is_413_as_an_operation_outcome(make_app):
    client = make_app(MAX_CONTENT_LENGTH=1024).test_client()
    payload = call("order-sign", {"draftOrders": bundle(order("1", text="x" * 2000))})
    assert_outcome(client.post(SIGN, json=payload), 413)


def test_order_select_advises_on_the_selections_only(client):
    orders = bundle(order("t", coding("10324")), order("a", coding("84857")),
                    order("d", text="duloxetine"))
    for selections in (["MedicationRequest/t"], ["t"]):
        response = client.post(SELECT, json=call("order-select", {
            "selections": selections, "draftOrders": orders}))
        cards = response.get_json()["cards"]
        # tamoxifen's own card, and its interactions with orders that are not selected
        # (anastrozole: a pair the labels say never to combine; duloxetine); nothing about
        # anastrozole or duloxetine alone
        assert drug_ids(cards[:1]) == ["tamoxifen"]
        pairs = {tuple(sorted(drug_ids([card]))): card["indicator"] for card in cards[1:]}
        assert pairs == {("anastrozole", "tamoxifen"): "critical",
                         ("duloxetine", "tamoxifen"): "warning"}


def test_feedback_is_stored_and_counted_across_workers(make_app, tmp_path):
    """Two apps on one state file stand for two gunicorn workers."""
    state = tmp_path / "state.db"
    first, second = (make_app(STATE_FILE=str(state)) for _ in range(2))
    [card] = sign(first.test_client(), order("1", text="Femara"))
    entry = {"card": card["uuid"], "outcome": "accepted",
             "outcomeTimestamp": "2026-01-15T10:30:00.123+01:00"}
    for app, outcome in ((first, "accepted"), (second, "overridden"), (second, "accepted")):
        response = app.test_client().post(f"{SIGN}/feedback", json={"feedback": [
            {**entry, "outcome": outcome, "overrideReason": {"userComment": "known"}}]})
        assert response.get_json() == {"received": 1}
    counts = make_app(STATE_FILE=str(state)).extensions["ossa_state"].feedback_counts()
    assert counts == {"ossa-order-sign": {"accepted": 2, "overridden": 1}}


def test_the_feedback_command_prints_the_counts(make_app, tmp_path):
    app = make_app(STATE_FILE=str(tmp_path / "state.db"))
    app.extensions["ossa_state"].record_feedback("ossa-order-sign", ["accepted", "accepted"])
    result = app.test_cli_runner().invoke(args=["cds", "feedback"])
    assert result.exit_code == 0
    assert "ossa-order-sign" in result.output and "accepted 2" in result.output


@pytest.mark.parametrize("entry", [
    {"outcome": "accepted", "outcomeTimestamp": "2026-01-15T10:30:00Z"},
    {"card": "card-1", "outcome": "accepted", "outcomeTimestamp": "2026-01-15T10:30:00Z"},
    {"card": str(uuid.uuid4()), "outcome": "ignored", "outcomeTimestamp": "2026-01-15T10:30:00Z"},
    {"card": str(uuid.uuid4()), "outcome": "accepted", "outcomeTimestamp": "yesterday"},
    {"card": str(uuid.uuid4()), "outcome": "accepted", "outcomeTimestamp": "2026-01-15"},
])
def test_malformed_feedback_is_400(client, entry):
    assert_outcome(client.post(f"{SELECT}/feedback", json={"feedback": [entry]}), 400)
    assert_outcome(client.post(f"{SELECT}/feedback", json={"feedback": []}), 400)


@pytest.mark.parametrize(("drafts", "codings"), [(51, 1), (1, 13)])
def test_a_call_past_the_work_bounds_is_422_too_costly(client, drafts, codings):
    orders = [order(str(i), *(coding(str(100 + c), f"name {c}") for c in range(codings)))
              for i in range(drafts)]
    response = client.post(SIGN, json=call("order-sign", {"draftOrders": bundle(*orders)}))
    body = assert_outcome(response, 422)
    assert body["issue"][0]["code"] == "too-costly"
