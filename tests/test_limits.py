"""A work budget per request: the costliest request inside the contract's limits stays under
100 ms of CPU (measured in process), and a CDS call past the matching budget is a 422."""

import random
import string
import time

import pytest

from api import create_app
from db.reviews import MAX_WORK
from tests.conftest import assert_outcome

CPU_BUDGET = 0.100  # seconds of CPU one request may cost, at most
RNG = random.Random(20261202)
WORDS = ["anastrozole", "tablet", "mg", "oral", "zoladex", "pertuzumab", "trastuzumab", "a",
         "hyaluronidase", "1", "and", "acid"]


def _random(length, alphabet=string.ascii_lowercase + " "):
    return "".join(RNG.choice(alphabet) for _ in range(length))


# Names of the contract's longest length (200) that cost the most to match: random text (the
# fuzzy scan and the dictionary look-up run), many covered words (many phrases, combination
# answers), one-letter words (many word positions), fuzzy-length strings.
HARD_NAMES = {
    "random text": lambda: _random(200),
    "covered words": lambda: " ".join(RNG.choice(WORDS) for _ in range(60))[:200],
    "one-letter words": lambda: ("a " * 100)[:200],
    "misspelling-length": lambda: _random(45, string.ascii_lowercase),
}


@pytest.fixture
def client(database):
    """The app alone: the suite's usual client also validates every answer against the
    contract inside the request, which would count openapi-core's time as the request's."""
    return create_app({"TESTING": True, "DATABASE": str(database),
                       "ACCESS_LOG": False}).test_client()


def _cpu(call, repeat=3):
    """Return the least CPU time of a few runs of call (in seconds), and its last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.process_time()
        result = call()
        best = min(best, time.process_time() - started)
    return best, result


@pytest.mark.parametrize("kind", HARD_NAMES)
def test_the_costliest_review_stays_under_100_ms_of_cpu(client, kind):
    body = {"medications": [{"name": HARD_NAMES[kind]()} for _ in range(100)]}  # the maximum
    cpu, response = _cpu(lambda: client.post("/v1/reviews", json=body))
    print(f"review of 100 names ({kind}): {cpu * 1000:.1f} ms CPU")  # the README quotes it
    assert response.status_code == 200
    assert cpu < CPU_BUDGET, f"{cpu * 1000:.0f} ms"


def _order(i, names):
    codings = [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                "code": str(900_000_000 + i * 20 + k), "display": name}
               for k, name in enumerate(names)]
    return {"resourceType": "MedicationRequest", "id": str(i), "status": "draft",
            "medicationCodeableConcept": {"coding": codings}}


def _call(orders):
    return {"hook": "order-sign", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
            "context": {"patientId": "1", "draftOrders": {
                "resourceType": "Bundle", "entry": [{"resource": o} for o in orders]}}}


# Each order: 6 unknown codes (0.25 each) and 6 display names that match nothing (1 each).
ORDER_COST = 6 * 0.25 + 6


def test_the_costliest_cds_call_within_the_budget_stays_under_100_ms_of_cpu(client):
    orders = [_order(i, [_random(200) for _ in range(6)])
              for i in range(int(MAX_WORK // ORDER_COST))]
    cpu, response = _cpu(lambda: client.post("/cds-services/ossa-order-sign",
                                              json=_call(orders)))
    print(f"CDS call of {len(orders)} orders at the budget: {cpu * 1000:.1f} ms CPU")
    assert response.status_code == 200 and response.get_json() == {"cards": []}
    assert cpu < CPU_BUDGET, f"{cpu * 1000:.0f} ms"


def test_a_cds_call_past_the_matching_budget_is_refused_at_once(client):
    orders = [_order(i, [_random(200) for _ in range(6)])
              for i in range(int(MAX_WORK // ORDER_COST) + 2)]
    cpu, response = _cpu(lambda: client.post("/cds-services/ossa-order-sign",
                                              json=_call(orders)))
    body = assert_outcome(response, 422)
    assert body["issue"][0]["code"] == "too-costly"
    assert cpu < CPU_BUDGET
