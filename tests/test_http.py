"""HTTP behaviour shared by every route: ETags, 304, problem+json errors, 405 with Allow."""

import json

import pytest
import yaml

from db import ROOT
from tests.conftest import assert_problem

SPEC = yaml.safe_load((ROOT / "openapi.yaml").read_text())
EXAMPLE_PARAMS = {"drug_id": "anastrozole", "rxcui": "84857", "code": "L02BG04",
                  "class_id": "taxane", "strategy_id": "exercise", "topic_id": "describing-pain",
                  "filename": "ossa-docs.js", "source_id": "fda-label-letrozole"}
GET_URLS = [
    path.format(**EXAMPLE_PARAMS) + ("?name=Arimidex" if path == "/v1/lookup" else "")
    + ("?q=ana" if path == "/v1/search" else "")
    for path, item in SPEC["paths"].items() if "get" in item
]


@pytest.mark.parametrize("url", GET_URLS)
def test_every_get_has_an_etag_and_answers_304_when_it_matches(client, url):
    first = client.get(url)
    assert first.status_code == 200
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.headers["ETag"] == etag and not again.get_data()
    stale = client.get(url, headers={"If-None-Match": '"stale"'})
    assert stale.status_code == 200


def test_data_responses_are_publicly_cacheable_and_compact_json(client):
    response = client.get("/v1/drugs/anastrozole")
    assert response.headers["Cache-Control"].startswith("public, max-age=")
    assert response.mimetype == "application/json"
    data = response.get_data()
    assert json.dumps(json.loads(data), ensure_ascii=False, separators=(",", ":")).encode() == data


def _counting(monkeypatch, module, name):
    """Count the calls a view makes to one data function."""
    calls, real = [], getattr(module, name)

    def counted(*args, **kwargs):
        calls.append(args[1:])
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def test_a_cached_answer_is_served_without_running_the_view_again(client, monkeypatch):
    import api.lookup

    calls = _counting(monkeypatch, api.lookup, "lookup_name")
    first, second = client.get("/v1/lookup?name=Femara"), client.get("/v1/lookup?name=Femara")
    assert len(calls) == 1
    assert first.get_data() == second.get_data()
    assert first.headers["ETag"] == second.headers["ETag"]


def test_unknown_query_parameters_make_no_new_cache_entries(client, monkeypatch):
    import api.drugs

    calls = _counting(monkeypatch, api.drugs, "fetch_drugs")
    for url in ("/v1/drugs?limit=5", "/v1/drugs?limit=5&x=1", "/v1/drugs?limit=5&x=2&y=3",
                "/v1/drugs?limit=005", "/v1/drugs?x=9&limit=5"):
        assert client.get(url).status_code == 200
    assert len(calls) == 1  # the known parameters, normalized, are the whole key


def test_the_same_query_string_on_another_route_or_id_is_a_different_question(client):
    """Each process remembers what a query string loads to; the route and path stay in it."""
    drugs = client.get("/v1/drugs?limit=5").get_json()
    management = client.get("/v1/management?limit=5").get_json()
    assert drugs["items"] != management["items"]
    assert client.get("/v1/search?q=ana").status_code == 200
    assert_problem(client.get("/v1/lookup?q=ana"), 400)  # lookup takes `name`, not `q`
    first = client.get("/v1/drugs/anastrozole").get_json()
    assert client.get("/v1/drugs/letrozole").get_json()["id"] != first["id"]
    for _ in range(2):  # a bad value stays a 400, however often it is sent
        assert_problem(client.get("/v1/drugs?limit=0"), 400)


def test_the_cache_keeps_recent_answers_when_it_prunes(make_app, monkeypatch):
    import api.drugs

    client = make_app(CACHE_THRESHOLD=4).test_client()
    calls = _counting(monkeypatch, api.drugs, "fetch_drug")
    for drug_id in ("anastrozole", "letrozole", "exemestane", "tamoxifen", "goserelin",
                    "paclitaxel"):
        client.get(f"/v1/drugs/{drug_id}")
    before = len(calls)
    client.get("/v1/drugs/goserelin")  # pruning drops the oldest, not every entry
    assert len(calls) == before


def test_a_new_code_version_changes_etags_and_keys(client, monkeypatch):
    import api.http

    url = "/v1/drugs/anastrozole"
    before = client.get(url)
    monkeypatch.setattr(api.http, "CODE_VERSION", "a-new-deploy")
    after = client.get(url)
    assert after.get_data() == before.get_data()
    assert after.headers["ETag"] != before.headers["ETag"]


@pytest.mark.parametrize("url", ["/v1/drugs/anastrozole", "/healthz", "/docs"])
def test_a_weak_etag_sent_back_still_revalidates(client, url):
    etag = client.get(url).headers["ETag"]
    for sent in (f"W/{etag}", f'"other", W/{etag}', "*"):
        response = client.get(url, headers={"If-None-Match": sent})
        assert response.status_code == 304, sent
        assert response.headers["ETag"] == etag


def test_with_any_origin_allowed_answers_never_vary_by_origin(client):
    plain = client.get("/v1/drugs/anastrozole")
    browser = client.get("/v1/drugs/anastrozole", headers={"Origin": "https://app.example"})
    for response in (plain, browser):
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert "Origin" not in response.headers.get("Vary", "")


def test_with_listed_origins_every_answer_says_it_varies_by_origin(make_app):
    client = make_app(CORS_ORIGINS="https://app.example").test_client()
    plain = client.get("/v1/drugs/anastrozole")
    allowed = client.get("/v1/drugs/anastrozole", headers={"Origin": "https://app.example"})
    assert "Origin" in plain.headers["Vary"] and "Origin" in allowed.headers["Vary"]
    assert "Access-Control-Allow-Origin" not in plain.headers
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://app.example"


def test_unknown_route_is_problem_json(client):
    body = assert_problem(client.get("/v2/anything"), 404)
    assert body["code"] == "not_found"


def test_wrong_method_is_405_with_allow(client):
    response = client.delete("/v1/drugs/anastrozole")
    assert_problem(response, 405)
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "HEAD"}


def test_errors_are_never_cached(client):
    response = client.get("/v1/drugs/nope")
    assert response.headers["Cache-Control"] == "no-store"
