"""HTTP behaviour shared by every route: ETags, 304, problem+json errors, 405 with Allow."""

import json

import pytest
import yaml

from api import database
from api.http import cache
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


def test_answers_are_cached_as_finished_bytes_and_served_identically(app, client):
    url = "/v1/lookup?name=Femara"
    first = client.get(url)
    with app.app_context():
        key = f"{database.version()}:{url}"
        assert cache.get(key) == (first.get_data(), first.headers["ETag"].strip('"'))
    second = client.get(url)
    assert first.get_data() == second.get_data()
    assert first.headers["ETag"] == second.headers["ETag"]


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
