"""CDS Hooks security: every JWT rule with real key pairs, replay across workers, CORS, config."""

import base64
import hashlib
import hmac
import json
import logging
import tempfile
import time
import uuid
import warnings
from pathlib import Path

import pytest
import schemathesis
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from hypothesis import HealthCheck, settings

from api import create_app
from api.cds.auth import ConfigError
from db import ROOT
from db.build import build
from tests.conftest import assert_outcome
from tests.tokens import ISSUER, KEYS, P256, PUBLIC, SIGN, STRANGER, mint, write_jwks


def _b64(data):
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def unsigned(alg, secret=b""):
    """Return a token with a hand-made header: `none`, or HMAC with a secret."""
    now = int(time.time())
    head = _b64({"alg": alg, "typ": "JWT", "kid": "ec-1"}) + "." + _b64(
        {"iss": ISSUER, "aud": PUBLIC + SIGN, "iat": now, "exp": now + 300, "jti": "x"})
    if alg == "none":
        return head + "."
    digest = hmac.new(secret, head.encode(), {"HS256": hashlib.sha256,
                                              "HS384": hashlib.sha384}[alg]).digest()
    return head + "." + base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


@pytest.fixture
def settings_for(tmp_path):
    """Return the JWT settings of one deployment (all apps of it share the state file)."""
    return {"CDS_JWT_REQUIRED": True, "CDS_JWKS_FILE": str(write_jwks(tmp_path / "jwks.json")),
            "CDS_ISSUERS": f"https://other.example.org, {ISSUER}", "PUBLIC_URL": PUBLIC,
            "STATE_FILE": str(tmp_path / "state.db")}


@pytest.fixture
def secured(make_app, settings_for):
    return make_app(**settings_for).test_client()


def order_sign(client, token=None, path=SIGN):
    headers = {"Authorization": token if token is None or " " in token else f"Bearer {token}"}
    femara = {"resourceType": "MedicationRequest", "medicationCodeableConcept": {"text": "Femara"}}
    body = {"hook": "order-sign", "hookInstance": str(uuid.uuid4()), "context": {
        "draftOrders": {"resourceType": "Bundle", "entry": [{"resource": femara}]}}}
    return client.post(path, json=body, headers={k: v for k, v in headers.items() if v})


PUBLIC_PEM = KEYS["rsa-1"].public_key().public_bytes(
    serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
REJECTED = {
    "no token": lambda: None,
    "not a bearer token": lambda: "Basic YWxpY2U6c2VjcmV0",
    "garbage": lambda: "not.a.token",
    "alg none": lambda: unsigned("none"),
    "HS256 with a shared secret": lambda: unsigned("HS256", b"shared-secret"),
    "HS384 keyed with the public key": lambda: unsigned("HS384", PUBLIC_PEM),
    "ES256 on a P-256 key": lambda: mint(alg="ES256", key=P256),
    "RS256": lambda: mint(alg="RS256", kid="rsa-1"),
    "aud of another service": lambda: mint(aud=PUBLIC + "/cds-services/ossa-order-select"),
    "aud without the path": lambda: mint(aud=PUBLIC),
    "aud over http": lambda: mint(aud="http://ossa.example.org" + SIGN),
    "aud as a list": lambda: mint(aud=[PUBLIC + SIGN]),
    "expired past the leeway": lambda: mint(exp=int(time.time()) - 61 - 5),
    "no exp": lambda: mint(drop=["exp"]),
    "no iat": lambda: mint(drop=["iat"]),
    "iat in the future": lambda: mint(iat=int(time.time()) + 600),
    "no jti": lambda: mint(drop=["jti"]),
    "numeric jti": lambda: mint(jti=5),
    "issuer not allowed": lambda: mint(iss="https://evil.example.org"),
    "no issuer": lambda: mint(drop=["iss"]),
    "unknown kid": lambda: mint(kid="ec-9"),
    "exp beyond any clock": lambda: mint(exp=10**400),
    "signed by an unknown key": lambda: mint(key=STRANGER),
    "lives longer than 5 minutes": lambda: mint(exp=int(time.time()) + 3 * 365 * 86400),
    "exp - iat just over 5 minutes": lambda: mint(iat=int(time.time()) - 1,
                                                  exp=int(time.time()) + 300),
}


@pytest.mark.parametrize("case", REJECTED)
def test_every_bad_token_is_401_with_no_reason_given(secured, case):
    response = order_sign(secured, REJECTED[case]())
    body = assert_outcome(response, 401)
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert body == assert_outcome(order_sign(secured), 401)  # the same answer whatever failed


@pytest.mark.parametrize("token", [
    lambda: mint(alg="ES384", kid="ec-1"),
    lambda: mint(alg="RS384", kid="rsa-1"),
    lambda: mint(kid=None),  # no kid: every key of the algorithm is tried
    lambda: mint(exp=int(time.time()) - 30),  # expired, but within the 60 s leeway
], ids=["ES384", "RS384", "no kid", "within leeway"])
def test_a_valid_token_passes(secured, token):
    response = order_sign(secured, token())
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["cards"][0]["links"][0]["url"] == f"{PUBLIC}/v1/drugs/letrozole"


def test_a_1024_bit_rsa_key_is_not_trusted(database, settings_for, tmp_path):
    weak = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    path = write_jwks(tmp_path / "weak.json", {"rsa-weak": weak})
    with pytest.raises(ConfigError, match="RSA key of 2048 bits"):
        create_app({"DATABASE": str(database), **settings_for, "CDS_JWKS_FILE": str(path)})
    both = write_jwks(tmp_path / "both.json", {**KEYS, "rsa-weak": weak})
    client = create_app({"DATABASE": str(database), **settings_for,
                         "CDS_JWKS_FILE": str(both)}).test_client()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PyJWT warns when it signs with the weak key
        weak_token = mint(alg="RS384", kid="rsa-weak", key=weak)
    assert_outcome(order_sign(client, weak_token), 401)
    assert order_sign(client, mint()).status_code == 200


def test_a_kid_matches_the_only_key_of_a_set_whose_key_has_none(make_app, settings_for,
                                                              tmp_path):
    lone = write_jwks(tmp_path / "lone.json", {"ec-1": KEYS["ec-1"]})
    document = json.loads(lone.read_text())
    del document["keys"][0]["kid"]
    lone.write_text(json.dumps(document))
    client = make_app(**{**settings_for, "CDS_JWKS_FILE": str(lone)}).test_client()
    assert order_sign(client, mint(kid="ehr-key-2026")).status_code == 200


def test_a_rotated_key_set_is_read_without_a_restart(make_app, settings_for, tmp_path,
                                                   monkeypatch):
    import api.cds.auth

    monkeypatch.setattr(api.cds.auth, "JWKS_RECHECK", 0)
    client = make_app(**settings_for).test_client()
    new_key = ec.generate_private_key(ec.SECP384R1())
    assert_outcome(order_sign(client, mint(kid="ec-2", key=new_key)), 401)
    write_jwks(Path(settings_for["CDS_JWKS_FILE"]), {"ec-2": new_key})  # the EHR rotates
    assert order_sign(client, mint(kid="ec-2", key=new_key)).status_code == 200
    assert_outcome(order_sign(client, mint()), 401)  # the retired key no longer works


def test_a_failing_token_store_is_503_with_retry_after(make_app, settings_for, tmp_path):
    state = tmp_path / "state.db"
    client = make_app(**{**settings_for, "STATE_FILE": str(state)}).test_client()
    assert order_sign(client, mint()).status_code == 200
    state.unlink()
    state.mkdir()  # the file is gone and its path cannot be opened as a database
    broken = make_app(**{**settings_for, "STATE_FILE": str(state)}).test_client()
    response = order_sign(broken, mint())
    body = assert_outcome(response, 503)
    assert body["issue"][0]["code"] == "transient"
    assert int(response.headers["Retry-After"]) > 0


def test_redis_token_ids_are_hashed_and_expire():
    from db.state import token_key

    key = token_key("https://ehr.example.org:8443/a", "b:c")
    assert key != token_key("https://ehr.example.org:8443/a:b", "c")  # no separator collisions
    assert len(key) == 64 and ":" not in key


def test_a_replayed_jti_is_401_in_every_worker(make_app, settings_for):
    # Two app instances stand for two gunicorn workers: only the state file is shared.
    first, second = (make_app(**settings_for).test_client() for _ in range(2))
    token = mint()
    assert order_sign(first, token).status_code == 200
    assert_outcome(order_sign(second, token), 401)
    assert_outcome(order_sign(first, token), 401)
    assert order_sign(second, mint()).status_code == 200


def test_feedback_needs_a_token_and_discovery_does_not(secured):
    feedback = {"feedback": [{"card": str(uuid.uuid4()), "outcome": "accepted",
                              "outcomeTimestamp": "2026-01-15T10:30:00Z"}]}
    path = f"{SIGN}/feedback"
    assert_outcome(secured.post(path, json=feedback), 401)
    response = secured.post(path, json=feedback, headers={"Authorization": f"Bearer {mint(path)}"})
    assert response.get_json() == {"received": 1}
    assert secured.get("/cds-services").status_code == 200


def test_the_token_is_checked_before_the_body(secured):
    assert_outcome(secured.post(SIGN, data="not json", content_type="application/json"), 401)


def test_cors_preflight_is_answered_without_a_token(secured):
    response = secured.options(SIGN, headers={
        "Origin": "https://ehr.example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type"})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] in ("*", "https://ehr.example.org")
    allowed = response.headers["Access-Control-Allow-Headers"].lower().replace(" ", "").split(",")
    assert {"authorization", "content-type"} <= set(allowed)
    assert "Access-Control-Allow-Credentials" not in response.headers
    error = order_sign(secured)
    assert error.headers["Access-Control-Allow-Origin"] == "*"  # errors are readable cross-origin


def test_tokens_are_never_logged(secured, caplog):
    caplog.set_level(logging.DEBUG)
    good, bad = mint(), mint(aud=PUBLIC)
    order_sign(secured, good)
    order_sign(secured, bad)
    order_sign(secured, good)  # a replay
    assert good not in caplog.text and bad not in caplog.text


@pytest.mark.parametrize(("change", "message"), [
    ({"CDS_JWKS_FILE": None}, "OSSA_CDS_JWKS_FILE"),
    ({"CDS_JWKS_FILE": "/nonexistent/jwks.json"}, "OSSA_CDS_JWKS_FILE"),
    ({"CDS_ISSUERS": " , "}, "OSSA_CDS_ISSUERS"),
    ({"CDS_JWT_REQUIRED": "yes"}, "OSSA_CDS_JWT_REQUIRED"),
    ({"PUBLIC_URL": None}, "OSSA_PUBLIC_URL"),
])
def test_an_incomplete_security_setup_refuses_to_start(database, settings_for, change, message):
    with pytest.raises(ConfigError, match=message):
        create_app({"DATABASE": str(database), **settings_for, **change})


def test_a_key_set_without_es384_or_rs384_keys_refuses_to_start(database, settings_for, tmp_path):
    path = write_jwks(tmp_path / "p256.json", {"p256": P256})
    with pytest.raises(ConfigError, match="no EC P-384 key or RSA key of 2048 bits"):
        create_app({"DATABASE": str(database), **settings_for, "CDS_JWKS_FILE": str(path)})


# The JWT-required profile, fuzzed in process with a fresh, valid token minted for every call.
_DIR = Path(tempfile.mkdtemp(prefix="ossa-jwt-fuzz-"))
build(_DIR / "ossa.db", progress=lambda message: None)
MINTED = set()
fuzz_schema = schemathesis.openapi.from_path(ROOT / "openapi.yaml").include(
    path_regex="^/cds-services")
fuzz_schema.app = create_app({
    "TESTING": True, "DATABASE": str(_DIR / "ossa.db"), "CDS_JWT_REQUIRED": True,
    "CDS_JWKS_FILE": str(write_jwks(_DIR / "jwks.json")), "CDS_ISSUERS": ISSUER,
    "PUBLIC_URL": PUBLIC, "STATE_FILE": str(_DIR / "state.db")})


@fuzz_schema.auth(refresh_interval=None)
class FreshToken:
    """Mint a new token per call: its `aud` is the path called and its `jti` is new."""

    def get(self, case, context):
        return "mint"

    def set(self, case, data, context):
        token = mint(case.path)
        MINTED.add(f"Bearer {token}")
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}


@fuzz_schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_jwt_profile_holds_the_contract(case):
    response = case.call_and_validate()
    positive = case.meta is None or not case.meta.generation.mode.is_negative
    if case.method == "POST" and positive:
        # Without this, a run whose token never reached the server would pass, testing nothing.
        assert (case.headers or {}).get("Authorization") in MINTED
        assert response.status_code == 200, response.text
