"""Security headers, request ids, the access log, CORS, rate limits and the production profile."""

import json

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm

from api import create_app
from api.profiles import UnsafeConfiguration
from tests.conftest import assert_problem

URLS = ["/v1/drugs/anastrozole", "/v1/lookup?name=nope", "/nowhere", "/healthz", "/openapi.yaml"]


@pytest.mark.parametrize("url", URLS)
def test_every_response_carries_the_security_headers_and_a_request_id(client, url):
    response = client.get(url)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert len(response.headers["X-Request-ID"]) == 32


def test_the_docs_page_gets_a_policy_that_lets_its_own_assets_load(client):
    csp = client.get("/docs").headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp and "http" not in csp


def test_a_sane_request_id_is_echoed_and_a_hostile_one_replaced(client):
    assert client.get("/healthz", headers={"X-Request-ID": "abc-123"}).headers[
        "X-Request-ID"] == "abc-123"
    replaced = client.get("/healthz", headers={"X-Request-ID": "<script>" + "x" * 200})
    assert replaced.headers["X-Request-ID"] != "<script>" and len(
        replaced.headers["X-Request-ID"]) == 32


def test_one_json_access_log_line_per_request_without_query_or_tokens(client, capsys):
    capsys.readouterr()
    client.get("/v1/lookup?name=Arimidex+secret+diagnosis",
               headers={"Authorization": "Bearer sekret", "X-Request-ID": "r1"})
    logged = capsys.readouterr().err
    lines = [json.loads(line) for line in logged.splitlines()]
    assert len(lines) == 1
    assert lines[0]["path"] == "/v1/lookup" and lines[0]["request_id"] == "r1"
    assert lines[0]["status"] == 200
    assert "secret" not in logged and "sekret" not in logged


@pytest.mark.parametrize("path", ["/v1/drugs", "/cds-services/ossa-order-sign"])
def test_cors_preflights_are_answered_without_credentials(client, path):
    response = client.options(path, headers={"Origin": "https://app.example",
                                             "Access-Control-Request-Method": "POST"})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] in ("*", "https://app.example")
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert "Access-Control-Allow-Credentials" not in response.headers


def test_cors_origins_are_configurable(database):
    app = create_app({"DATABASE": str(database), "CORS_ORIGINS": "https://ok.example"})
    client = app.test_client()
    good = client.get("/v1/meta", headers={"Origin": "https://ok.example"})
    bad = client.get("/v1/meta", headers={"Origin": "https://evil.example"})
    assert good.headers["Access-Control-Allow-Origin"] == "https://ok.example"
    assert "Access-Control-Allow-Origin" not in bad.headers


def test_no_rate_limit_hooks_are_installed_unless_a_limit_is_configured(app):
    assert app.extensions["ossa_limiter"] is None
    assert "RateLimit-Limit" not in app.test_client().get("/healthz").headers


def test_over_the_limit_is_429_problem_json_with_retry_after(database):
    app = create_app({"DATABASE": str(database), "RATELIMIT_DEFAULT": "3 per minute"})
    client = app.test_client()
    for _ in range(5):  # preflights are free
        client.options("/v1/drugs/anastrozole", headers={
            "Origin": "https://app.example", "Access-Control-Request-Method": "GET"})
    statuses = [client.get("/v1/drugs/anastrozole").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    response = client.get("/v1/drugs/anastrozole")
    body = assert_problem(response, 429)
    assert body["code"] == "too_many_requests"
    assert int(response.headers["Retry-After"]) > 0
    assert response.headers["RateLimit-Limit"] == "3"
    assert response.headers["RateLimit-Remaining"] == "0"


def _safe_production(database, tmp_path):
    """Return settings a production deployment can start with (a real key, every check on)."""
    key = ec.generate_private_key(ec.SECP384R1())
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps({"keys": [{**ECAlgorithm.to_jwk(key.public_key(), as_dict=True),
                                          "kid": "ehr-1"}]}))
    return {"DATABASE": str(database), "PROFILE": "production", "CDS_JWT_REQUIRED": True,
            "CDS_JWKS_FILE": str(jwks), "CDS_ISSUERS": "https://ehr.example",
            "PUBLIC_URL": "https://ossa.example", "STATE_FILE": str(tmp_path / "state.db"),
            "CDS_FHIR_SERVERS": "https://ehr.example/fhir"}


def test_the_production_baseline_starts(database, tmp_path):
    """The baseline of the refusals below is itself a valid setup: each one refuses for its
    own change, not because something else in the baseline was already wrong."""
    app = create_app(_safe_production(database, tmp_path))
    assert app.test_client().get("/healthz").status_code == 200


@pytest.mark.parametrize(("config", "problem"), [
    ({"DEBUG": True}, "OSSA_DEBUG"),
    ({"CDS_JWT_REQUIRED": False}, "OSSA_CDS_JWT_REQUIRED is off"),
    ({"RATELIMIT_DEFAULT": "5 per minute"}, "without OSSA_REDIS_URL"),
    ({"CDS_FHIR_SERVERS": "*"}, "OSSA_CDS_FHIR_SERVERS"),
])
def test_the_production_profile_refuses_unsafe_settings(database, tmp_path, config, problem):
    with pytest.raises(UnsafeConfiguration, match=problem) as info:
        create_app({**_safe_production(database, tmp_path), **config})
    assert "OSSA_ALLOW_UNSAFE" in str(info.value)


def test_the_production_profile_starts_when_unsafe_settings_are_explicitly_allowed(database):
    app = create_app({"DATABASE": str(database), "PROFILE": "production", "ALLOW_UNSAFE": True})
    assert app.test_client().get("/healthz").status_code == 200


def test_behind_a_trusted_proxy_limits_count_the_forwarded_client(database):
    app = create_app({"DATABASE": str(database), "RATELIMIT_DEFAULT": "2 per minute",
                      "TRUSTED_PROXIES": 1})
    client = app.test_client()
    first = [client.get("/healthz", headers={"X-Forwarded-For": "203.0.113.1"}).status_code
             for _ in range(3)]
    other = client.get("/healthz", headers={"X-Forwarded-For": "203.0.113.2"}).status_code
    assert first == [200, 200, 429] and other == 200
