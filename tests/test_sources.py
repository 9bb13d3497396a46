"""Sources as records: every citation anywhere resolves to a source a client can follow."""

import pytest

from tests.conftest import assert_problem


def _all(client, url):
    """Return every item of a paginated list."""
    items, offset = [], 0
    while True:
        page = client.get(f"{url}{'&' if '?' in url else '?'}limit=100&offset={offset}").get_json()
        items += page["items"]
        offset += page["limit"]
        if offset >= page["total"]:
            return items


def _citations(value):
    """Yield every citation object anywhere inside a served record."""
    if isinstance(value, dict):
        if set(value) >= {"source", "section"} and isinstance(value["source"], str):
            yield value
        for item in value.values():
            yield from _citations(item)
    elif isinstance(value, list):
        for item in value:
            yield from _citations(item)


def test_a_source_says_what_was_read_and_where(client):
    source = client.get("/v1/sources/fda-label-letrozole").get_json()
    assert source["kind"] == "label"
    assert source["url"].startswith("http") and source["retrieved"]
    assert "letrozole" in source["drugs"]
    if source["set_id"]:
        assert source["dailymed_url"].endswith(f"setid={source['set_id']}")


def test_sources_filter_by_kind_and_page(client):
    labels = client.get("/v1/sources?kind=label&limit=2").get_json()
    assert labels["limit"] == 2 and len(labels["items"]) == 2
    assert labels["total"] > 2
    assert {s["kind"] for s in labels["items"]} == {"label"}
    terminology = client.get("/v1/sources?kind=terminology").get_json()["items"]
    assert {s["id"] for s in terminology} >= {"rxnorm-2025-10-06", "who-atc-2026-04-25"}


def test_sources_filter_by_the_drug_that_cites_them(client):
    cited = {s["id"] for s in _all(client, "/v1/sources?drug_id=letrozole")}
    record = client.get("/v1/drugs/letrozole").get_json()
    assert cited == {s["id"] for s in record["sources"]}
    assert "fda-label-letrozole" in cited and "fda-label-anastrozole" not in cited


def test_an_unknown_source_is_a_404_with_suggestions(client):
    body = assert_problem(client.get("/v1/sources/fda-label-letrozol"), 404)
    assert "fda-label-letrozole" in body["suggestions"]


@pytest.mark.parametrize("url", ["/v1/drugs", "/v1/classes", "/v1/management", "/v1/guidance"])
def test_every_citation_of_every_record_resolves(client, url):
    known = {s["id"] for s in _all(client, "/v1/sources")}
    records = _all(client, url)
    citations = [c for record in records for c in _citations(record)]
    assert records and citations
    unresolved = {c["source"] for c in citations} - known
    assert not unresolved, f"citations of unknown sources: {sorted(unresolved)}"
    assert all(c["section"].strip() for c in citations)


def test_each_block_cites_a_section_of_every_source_it_lists(client):
    for drug in _all(client, "/v1/drugs"):
        for name in ("bone_joint", "bone_loss", "onj", "clinician"):
            block = drug[name]
            cited = {c["source"] for c in _citations(block)}
            missing = set(block["sources"]) - cited
            assert not missing, f"{drug['id']}.{name} lists {missing} without a section"
