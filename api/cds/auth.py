"""CDS Hooks security: verify the client's JWT (keys, issuer, audience, expiry, replay)."""

import json
from functools import wraps
from pathlib import Path

import jwt
from flask import current_app, request
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import Unauthorized

from db.state import open_store

ALGORITHMS = ("ES384", "RS384")  # what CDS Hooks allows; never `none`, never HS*
KEY_ALGORITHM = {("EC", "P-384"): "ES384", ("RSA", None): "RS384"}
LEEWAY = 60  # seconds of clock skew allowed on exp and iat
REQUIRED_CLAIMS = ["iss", "aud", "exp", "iat", "jti"]


class ConfigError(RuntimeError):
    """The CDS security settings are missing or malformed."""


def init_app(app):
    """Read the JWT settings; refuse to start when they are required but incomplete."""
    config = app.config
    required = config["CDS_JWT_REQUIRED"]
    if required not in (True, False, "true", "false"):
        raise ConfigError("OSSA_CDS_JWT_REQUIRED must be true or false")
    settings = {"required": required in (True, "true")}
    if settings["required"]:
        if not config.get("PUBLIC_URL"):
            # Without it `aud` would be checked against the Host header, which the caller picks.
            raise ConfigError("OSSA_CDS_JWT_REQUIRED is true: set OSSA_PUBLIC_URL, the base URL "
                              "clients call (the tokens' `aud`)")
        settings["keys"] = load_keys(config.get("CDS_JWKS_FILE"))
        settings["issuers"] = _issuers(config.get("CDS_ISSUERS"))
        state = config.get("STATE_FILE") or Path(config["DATABASE"]).parent / "state.db"
        settings["store"] = open_store(state, config.get("REDIS_URL"))
    app.extensions["ossa_cds_auth"] = settings


def load_keys(path):
    """Return the ES384/RS384 keys of a JWK Set file; other keys are ignored."""
    if not path:
        raise ConfigError("OSSA_CDS_JWT_REQUIRED is true: set OSSA_CDS_JWKS_FILE to a JWK Set")
    try:
        document = json.loads(Path(path).read_text())
    except (OSError, ValueError) as exc:
        raise ConfigError(f"OSSA_CDS_JWKS_FILE {path}: {exc}") from exc
    keys = []
    for jwk in document.get("keys", []) if isinstance(document, dict) else []:
        kty, crv = jwk.get("kty"), jwk.get("crv")
        algorithm = KEY_ALGORITHM.get((kty, crv if kty == "EC" else None))
        if algorithm and jwk.get("alg", algorithm) == algorithm:
            keys.append(jwt.PyJWK(jwk, algorithm))
    if not keys:
        raise ConfigError(f"OSSA_CDS_JWKS_FILE {path} holds no EC P-384 or RSA key")
    return keys


def _issuers(value):
    issuers = value if isinstance(value, list | tuple) else str(value or "").split(",")
    issuers = tuple(i.strip() for i in issuers if i.strip())
    if not issuers:
        raise ConfigError("OSSA_CDS_JWT_REQUIRED is true: list the allowed issuers in "
                          "OSSA_CDS_ISSUERS (comma-separated)")
    return issuers


def public_base():
    """Return the externally visible base URL (behind a proxy, request.url is not it)."""
    return (current_app.config.get("PUBLIC_URL") or request.host_url).rstrip("/")


def verify(token, *, keys, issuers, audience):
    """Return the claims of a valid token; raise jwt.PyJWTError for any fault."""
    header = jwt.get_unverified_header(token)
    algorithm, kid = header.get("alg"), header.get("kid")
    if algorithm not in ALGORITHMS:
        raise jwt.InvalidAlgorithmError("algorithm not allowed")
    candidates = [k for k in keys if k.algorithm_name == algorithm and kid in (None, k.key_id)]
    for key in candidates:
        try:
            claims = jwt.decode(token, key.key, algorithms=[algorithm], audience=audience,
                                issuer=issuers, leeway=LEEWAY,
                                options={"require": REQUIRED_CLAIMS, "strict_aud": True})
        except jwt.InvalidSignatureError:
            continue
        if not isinstance(claims["jti"], str) or not claims["jti"]:
            raise jwt.InvalidTokenError("jti must be a non-empty string")
        return claims
    raise jwt.InvalidSignatureError("no configured key verifies the token")


def check_request():
    """Raise 401 unless the request carries a valid, unseen token (when tokens are required)."""
    settings = current_app.extensions["ossa_cds_auth"]
    if not settings["required"]:
        return
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    try:
        if scheme.lower() != "bearer" or not token.strip():
            raise jwt.InvalidTokenError("no bearer token")
        claims = verify(token.strip(), keys=settings["keys"], issuers=settings["issuers"],
                        audience=public_base() + request.path)
        if not settings["store"].remember(claims["iss"], claims["jti"], claims["exp"] + LEEWAY):
            raise jwt.InvalidTokenError("replayed jti")
    except (jwt.PyJWTError, ValueError, TypeError, OverflowError):
        # No reason goes back to the caller, and the token is never logged.
        raise Unauthorized("The request could not be authorized.",
                           www_authenticate=WWWAuthenticate("bearer")) from None


def required(view):
    """Check the caller's token before the view runs (CORS preflights never reach views)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        check_request()
        return view(*args, **kwargs)

    return wrapper
