"""Classes, management strategies, guidance topics and /v1/meta."""

import pytest

from tests.conftest import assert_problem


def test_classes_list_members_with_their_risk(client):
    page = client.get("/v1/classes?limit=100").get_json()
    assert page["total"] == len(page["items"]) >= 20
    members = {m["id"] for c in page["items"] for m in c["members"]}
    assert len(members) == client.get("/v1/drugs").get_json()["total"]


def test_a_class_explains_its_mechanism_with_sources(client):
    cls = client.get("/v1/classes/g-csf").get_json()
    drugs = client.get("/v1/drugs?drug_class=g-csf&limit=100").get_json()["items"]
    assert {m["id"] for m in cls["members"]} == {d["id"] for d in drugs}
    assert {"filgrastim", "pegfilgrastim"} <= {m["id"] for m in cls["members"]}
    assert cls["mechanism"] and cls["sources"] and cls["citations"]


@pytest.mark.parametrize(("query", "expected"), [
    ({"cause": "bone_metastasis"}, {"radiation-therapy", "radiofrequency-ablation"}),
    ({"cause": "aromatase_inhibitor"}, {"acupuncture", "switch-hormonal-therapy"}),
    ({"kind": "drug", "pain_type": "joint"}, {"duloxetine-for-joint-pain", "nsaids"}),
])
def test_management_filters(client, query, expected):
    items = client.get("/v1/management", query_string={**query, "limit": 100}).get_json()["items"]
    ids = {i["id"] for i in items}
    assert expected <= ids
    for key, value in query.items():
        field = {"cause": "causes", "pain_type": "pain_types", "kind": "kind"}[key]
        assert all(value == i[field] or value in i[field] for i in items)


def test_management_strategy_names_the_drugs_it_uses(client):
    strategy = client.get("/v1/management/duloxetine-for-joint-pain").get_json()
    assert strategy["drugs"] == [{"id": "duloxetine", "generic_name": "duloxetine"}]
    assert "tamoxifen" in strategy["detail"].lower()


@pytest.mark.parametrize("topic", ["bone-vs-joint-pain", "treatment-vs-metastasis-pain",
                                   "describing-pain"])
def test_guidance_topics_exist_with_sections(client, topic):
    body = client.get(f"/v1/guidance/{topic}").get_json()
    assert body["sections"] and all(s["points"] for s in body["sections"])
    assert body["sources"][0]["id"] == "lbbc-bone-joint-pain"


@pytest.mark.parametrize("url", ["/v1/classes/nope", "/v1/management/nope",
                                 "/v1/guidance/nope"])
def test_unknown_catalog_ids_are_404(client, url):
    assert_problem(client.get(url), 404)


def test_meta_reports_version_counts_sources_and_disclaimer(client):
    meta = client.get("/v1/meta").get_json()
    assert meta["dataset_version"] == client.get("/readyz").get_json()["dataset_version"]
    assert meta["counts"]["drugs"] == client.get("/v1/drugs").get_json()["total"]
    assert "lbbc-bone-joint-pain" in meta["sources"]
    assert meta["counts"]["sources"] == len(meta["sources"])
    assert "care team" in meta["disclaimer"] and "on your own" in meta["disclaimer"]
    assert meta["rxnorm_release"] == "2025-10-06"
