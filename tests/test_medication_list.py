"""A real-world medication list (tests/data/medication_list.csv): at least 95 % of its strings
resolve to the right record, or to `not_covered` for recognised medicines without one."""

import csv

from db import ROOT

LIST = ROOT / "tests" / "data" / "medication_list.csv"


def _entries():
    with LIST.open(newline="") as fh:
        return list(csv.DictReader(line for line in fh if not line.startswith("#")))


def _answer(client, name):
    response = client.get("/v1/lookup", query_string={"name": name})
    body = response.get_json()
    if response.status_code == 200:
        return body["drug"]["id"]
    return body["code"]


def test_the_list_is_a_real_one():
    entries = _entries()
    assert len(entries) >= 100
    assert sum(e["expected"] != "not_covered" for e in entries) >= 80


def test_at_least_95_percent_resolve_to_the_right_record(client):
    entries = _entries()
    wrong = {e["input"]: (e["expected"], got) for e in entries
             if (got := _answer(client, e["input"])) != e["expected"]}
    assert len(wrong) <= 0.05 * len(entries), wrong


def test_a_review_of_the_whole_list_tells_not_covered_from_unresolved(client):
    entries = _entries()[:100]
    body = client.post("/v1/reviews", json={"medications": [
        {"name": e["input"]} for e in entries]}).get_json()
    not_covered = {m["index"] for m in body["not_covered"]}
    assert {i for i, e in enumerate(entries) if e["expected"] == "not_covered"} <= not_covered
    assert len(body["unresolved"]) <= 5
    assert all(m["reason"] and m["detail"] for m in body["not_covered"])
