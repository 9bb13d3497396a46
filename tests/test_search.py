"""GET /v1/search (typeahead)."""

import pytest

from tests.conftest import assert_problem


def search(client, q, **query):
    return client.get("/v1/search", query_string={"q": q, **query})


@pytest.mark.parametrize(("q", "first"), [
    ("ibr", "Ibrance"), ("neul", "Neulasta"), ("arim", "Arimidex"), ("tamox", "tamoxifen"),
    ("Zometa", "Zometa"), ("T-D", "T-DM1"),
])
def test_typeahead_ranks_the_expected_name_first(client, q, first):
    results = search(client, q).get_json()["results"]
    assert results[0]["name"] == first


def test_zol_finds_both_zoladex_and_zoledronic_acid_before_substring_matches(client):
    results = search(client, "zol").get_json()["results"]
    top = {r["drug_id"] for r in results[:2]}
    assert top == {"goserelin", "zoledronic-acid"}
    assert results[0]["score"] >= results[-1]["score"]


def test_one_row_per_drug_with_the_name_that_matched(client):
    results = search(client, "peg", limit=50).get_json()["results"]
    ids = [r["drug_id"] for r in results]
    assert len(ids) == len(set(ids))
    assert all("peg" in r["name"].lower() for r in results)
    assert {r["name_type"] for r in results} <= {"generic", "brand", "synonym", "id"}


def test_no_match_is_an_empty_200(client):
    response = search(client, "xyzq")
    assert response.status_code == 200
    assert response.get_json() == {"query": "xyzq", "results": []}


def test_limit_caps_the_results(client):
    assert len(search(client, "a", limit=3).get_json()["results"]) == 3


@pytest.mark.parametrize("query", [{"q": ""}, {"q": "a", "limit": "51"}, {"q": "a" * 201}])
def test_bad_search_parameters_are_400(client, query):
    assert_problem(client.get("/v1/search", query_string=query), 400)
