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


def test_results_say_which_part_of_the_name_matched(client):
    result = search(client, "acid").get_json()["results"][0]
    start, end = result["span"]["start"], result["span"]["end"]
    assert result["name"][start:end].lower() == "acid"


@pytest.mark.parametrize(("q", "drug_id", "tier"), [
    ("Zometa", "zoledronic-acid", 1.0),      # exact
    ("anastro", "anastrozole", 0.9),         # prefix
    ("dxd", "fam-trastuzumab-deruxtecan", 0.8),  # word prefix
    ("trozole", "letrozole", 0.6),           # substring
])
def test_tiers_score_exact_over_prefix_over_word_prefix_over_substring(client, q, drug_id, tier):
    results = search(client, q, limit=50).get_json()["results"]
    hit = next(r for r in results if r["drug_id"] == drug_id)
    assert hit["score"] == tier
    assert [r["score"] for r in results] == sorted((r["score"] for r in results), reverse=True)


def test_misspellings_fall_back_to_fuzzy_matches_ranked_below_substrings(client):
    results = search(client, "anastrazole").get_json()["results"]
    assert results[0]["drug_id"] == "anastrozole"
    assert 0 < results[0]["score"] < 0.6
    assert results[0]["span"] is None


def test_rxnorm_product_names_are_searchable(client):
    results = search(client, "anastrozole 1 mg", limit=5).get_json()["results"]
    assert results[0]["drug_id"] == "anastrozole"
    assert results[0]["name_type"] == "product"
