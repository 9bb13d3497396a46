"""CDS Hooks in context: draft orders reviewed with the patient's active medicines, from the
prefetch or from a FHIR server on 127.0.0.1; no noise; FHIR R4 suggestions."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from fhirclient.models.servicerequest import ServiceRequest

from api.cds import fetch
from tests.cds_payloads import SIGN, active_bundle, bundle, call, coding, drug_ids, order

TOKEN = "ehr-granted-token"
DULOXETINE = order("new", coding("596930", "duloxetine 30 MG Delayed Release Oral Capsule"))
TAMOXIFEN = order("old", coding("313195", "tamoxifen 20 MG Oral Tablet"))


class FhirServer:
    """A small FHIR endpoint: the active-medication search, in pages, slow or failing on demand."""

    def __init__(self):
        self.requests, self.pages, self.delay, self.status = [], [], 0.0, 200
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's name
                url = urlparse(self.path)
                server.requests.append({"path": url.path, "query": parse_qs(url.query),
                                        "auth": self.headers.get("Authorization")})
                time.sleep(server.delay)
                page = int(parse_qs(url.query).get("page", ["0"])[0])
                body = json.dumps(server.pages[page]).encode()
                self.send_response(server.status)
                self.send_header("Content-Type", "application/fhir+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_port}/fhir"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def serve(self, *bundles):
        """Serve the bundles as pages linked by `next`."""
        self.pages = [dict(b) for b in bundles]
        for i, page in enumerate(self.pages[:-1]):
            page["link"] = [{"relation": "next",
                             "url": f"{self.base}/MedicationRequest?page={i + 1}"}]


@pytest.fixture
def fhir():
    server = FhirServer()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


def _sign(client, *drafts, **extra):
    response = client.post(SIGN, json=call("order-sign", {"draftOrders": bundle(*drafts)},
                                           **extra))
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["cards"]


def _with_server(fhir):
    return {"fhirServer": fhir.base,
            "fhirAuthorization": {"access_token": TOKEN, "token_type": "Bearer",
                                  "expires_in": 300, "scope": "user/MedicationRequest.read",
                                  "subject": "ossa"}}


def _interaction(cards):
    [card] = [c for c in cards if c["source"]["topic"]["code"] == "drug-interaction"]
    return card


def test_duloxetine_for_a_patient_on_tamoxifen_warns_with_the_prefetch(client):
    cards = _sign(client, DULOXETINE,
                  prefetch={"activeMedications": active_bundle(TAMOXIFEN)})
    card = _interaction(cards)
    assert card["indicator"] == "warning"
    assert "Duloxetine" in card["summary"] and "tamoxifen (already active)" in card["summary"]
    assert sorted(drug_ids([card])) == ["duloxetine", "tamoxifen"]
    pair = next(i for i in client.get("/v1/drugs/duloxetine").get_json()["interactions"]
                if i["drug_id"] == "tamoxifen")
    assert pair["clinician"] in card["detail"]
    assert len(cards) == 1  # duloxetine has nothing else to act on; tamoxifen is not ordered


def test_without_prefetch_the_fhir_server_is_read_with_the_token(client, fhir):
    fhir.serve(active_bundle(TAMOXIFEN))
    cards = _sign(client, DULOXETINE, **_with_server(fhir))
    assert _interaction(cards)["indicator"] == "warning"
    [seen] = fhir.requests
    assert seen["auth"] == f"Bearer {TOKEN}"
    assert seen["path"] == "/fhir/MedicationRequest"
    assert seen["query"] == {"patient": ["1288992"], "status": ["active"],
                             "_include": ["MedicationRequest:medication"]}


def test_next_pages_are_followed_a_bounded_number_of_times(client, fhir):
    empty = {"resourceType": "Bundle", "type": "searchset", "entry": []}
    fhir.serve(*[empty] * 8, active_bundle(TAMOXIFEN))
    cards = _sign(client, DULOXETINE, **_with_server(fhir))
    assert len(fhir.requests) == fetch.MAX_PAGES
    assert cards == []  # tamoxifen sat on a page past the bound

    fhir.serve(empty, empty, active_bundle(TAMOXIFEN))
    fhir.requests.clear()
    assert _interaction(_sign(client, DULOXETINE, **_with_server(fhir)))
    assert len(fhir.requests) == 3


def test_a_null_prefetch_falls_back_to_the_server(client, fhir):
    fhir.serve(active_bundle(TAMOXIFEN))
    cards = _sign(client, DULOXETINE, prefetch={"activeMedications": None}, **_with_server(fhir))
    assert _interaction(cards) and fhir.requests


def test_the_prefetch_wins_over_the_server(client, fhir):
    fhir.serve(active_bundle(TAMOXIFEN))
    _sign(client, DULOXETINE, prefetch={"activeMedications": active_bundle()},
          **_with_server(fhir))
    assert fhir.requests == []


@pytest.mark.parametrize("failure", ["unreachable", "slow", "error", "not a bundle"])
def test_a_failing_server_still_gives_the_draft_only_cards_and_says_why(client, fhir, failure,
                                                                       monkeypatch):
    monkeypatch.setattr(fetch, "TIMEOUT", 0.5)
    fhir.serve(active_bundle(TAMOXIFEN))
    extra = _with_server(fhir)
    if failure == "unreachable":
        extra["fhirServer"] = "http://127.0.0.1:9/fhir"
    elif failure == "slow":
        fhir.delay = 1.0
    elif failure == "error":
        fhir.status = 401
    else:
        fhir.pages = [{"resourceType": "OperationOutcome"}]
    started = time.monotonic()
    letrozole = order("l", coding("72965", "letrozole"))
    cards = _sign(client, DULOXETINE, letrozole, **extra)
    assert time.monotonic() - started < 0.5 + 0.4  # the timeout holds
    assert drug_ids(cards) == ["letrozole"]  # no interaction seen: nothing active was read
    assert "could not be read" in cards[0]["detail"]


def test_an_unlisted_fhir_server_is_not_read(make_app, fhir):
    client = make_app(CDS_FHIR_SERVERS="https://ehr.example.org/fhir").test_client()
    fhir.serve(active_bundle(TAMOXIFEN))
    letrozole = order("l", coding("72965", "letrozole"))
    cards = _sign(client, letrozole, **_with_server(fhir))
    assert fhir.requests == [] and "allowlist" in cards[0]["detail"]


def test_stacked_bone_loss_with_active_prednisone_and_goserelin(client):
    active = active_bundle(order("p", coding(display="prednisone 5 MG Oral Tablet")),
                           order("g", coding(display="Zoladex")))
    cards = _sign(client, order("ai", coding("84857", "anastrozole")),
                  prefetch={"activeMedications": active})
    [card] = cards
    assert card["indicator"] == "warning"
    assert "additive BMD loss with prednisone (already active)" in card["summary"]
    assert "Additive bone loss" in card["detail"]
    assert "prednisone (already active), goserelin (already active)" in card["detail"]


def test_zoledronic_acid_for_a_patient_on_denosumab_names_both(client):
    active = active_bundle(order("x", coding("1046399", "Xgeva")))
    [card] = _sign(client, order("z", text="Zometa"), prefetch={"activeMedications": active})
    assert card["indicator"] == "warning"
    assert "denosumab (already active)" in card["summary"]


@pytest.mark.parametrize("name", ["acetaminophen", "Tylenol 325 MG Oral Tablet"])
def test_ordering_acetaminophen_alone_is_silent(client, name):
    assert _sign(client, order("1", text=name)) == []


def test_a_medicine_already_active_gets_no_card_of_its_own(client):
    cards = _sign(client, order("ai", text="letrozole"),
                  prefetch={"activeMedications": active_bundle(order("t", text="Femara"))})
    assert drug_ids(cards) == ["letrozole"]


@pytest.mark.parametrize(("name", "order_code"), [
    ("anastrozole", "312681000"), ("Zoladex", "312681000"),
    ("Zometa", "34043003"), ("Prolia", "34043003")])
def test_starting_a_drug_suggests_its_step_as_a_valid_fhir_r4_service_request(client, name,
                                                                             order_code):
    cards = _sign(client, order("1", text=name))
    suggestions = [s for c in cards for s in c.get("suggestions", [])]
    [suggestion] = [s for s in suggestions
                    if s["actions"][0]["resource"]["code"]["coding"][0]["code"] == order_code]
    resource = suggestion["actions"][0]["resource"]
    assert suggestion["actions"][0]["type"] == "create"
    request = ServiceRequest(resource, strict=True)  # raises on anything R4 does not allow
    assert (request.status, request.intent) == ("draft", "proposal")
    assert request.subject.reference == "Patient/1288992"
    assert request.code.coding[0].system == "http://snomed.info/sct"


def test_no_step_is_suggested_for_a_drug_the_patient_already_takes(client):
    cards = _sign(client, order("1", text="anastrozole"),
                  prefetch={"activeMedications": active_bundle(order("2", text="Arimidex"))})
    assert all("suggestions" not in c for c in cards)
