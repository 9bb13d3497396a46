"""CDS Hooks security: verify the client's JWT (keys, issuer, audience, lifetime, replay)."""

import base64
import json
import os
import threading
import time
from functools import wraps
from pathlib import Path

import jwt
from flask import current_app, request
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import ServiceUnavailable, Unauthorized

from db.state import StoreUnavailable

ALGORITHMS = ("ES384", "RS384")  # what CDS Hooks allows; never `none`, never HS*
KEY_ALGORITHM = {("EC", "P-384"): "ES384", ("RSA", None): "RS384"}
MIN_RSA_BITS = 2048
LEEWAY = 60  # seconds of clock skew allowed on exp and iat
REQUIRED_CLAIMS = ["iss", "aud", "exp", "iat", "jti"]
JWKS_RECHECK = 1.0  # seconds between looks at the key file (rotation without a restart)
RETRY_AFTER = 5  # seconds a client should wait when the token store cannot answer


class ConfigError(RuntimeError):
    """The CDS security settings are missing or malformed."""


def init_app(app, store):
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
        if not config.get("CDS_JWKS_FILE"):
            raise ConfigError("OSSA_CDS_JWT_REQUIRED is true: set OSSA_CDS_JWKS_FILE to a JWK Set")
        settings["keys"] = KeySet(config["CDS_JWKS_FILE"])
        settings["issuers"] = _issuers(config.get("CDS_ISSUERS"))
        settings["lifetime"] = int(config.get("CDS_MAX_TOKEN_LIFETIME", 300))
        settings["store"] = store
    app.extensions["ossa_cds_auth"] = settings


def load_keys(path):
    """Return the usable keys of a JWK Set file: EC P-384, or RSA of at least 2048 bits."""
    try:
        document = json.loads(Path(path).read_text())
    except (OSError, ValueError) as exc:
        raise ConfigError(f"OSSA_CDS_JWKS_FILE {path}: {exc}") from exc
    keys = []
    for jwk in document.get("keys", []) if isinstance(document, dict) else []:
        kty, crv = jwk.get("kty"), jwk.get("crv")
        algorithm = KEY_ALGORITHM.get((kty, crv if kty == "EC" else None))
        if not algorithm or jwk.get("alg", algorithm) != algorithm:
            continue
        if kty == "RSA" and _modulus_bits(jwk) < MIN_RSA_BITS:
            continue  # too weak to trust, whatever the file says
        keys.append(jwt.PyJWK(jwk, algorithm))
    if not keys:
        raise ConfigError(f"OSSA_CDS_JWKS_FILE {path} holds no EC P-384 key or RSA key of "
                          f"{MIN_RSA_BITS} bits or more")
    return keys


def _modulus_bits(jwk):
    """Return the size of an RSA JWK's modulus in bits (0 when it cannot be read)."""
    try:
        n = jwk["n"]
        return int.from_bytes(base64.urlsafe_b64decode(n + "=" * (-len(n) % 4)), "big"
                              ).bit_length()
    except (KeyError, TypeError, ValueError):
        return 0


class KeySet:
    """The keys of a JWKS file, read again when the file changes (key rotation, no restart)."""

    def __init__(self, path):
        self.path, self._lock = path, threading.Lock()
        self._stamp, self._keys, self._checked = self._file_stamp(), load_keys(path), 0.0

    def _file_stamp(self):
        try:
            stat = os.stat(self.path)
        except OSError as exc:
            raise ConfigError(f"OSSA_CDS_JWKS_FILE {self.path}: {exc.strerror}") from exc
        return stat.st_ino, stat.st_mtime_ns, stat.st_size

    def keys(self):
        """Return the current keys; a broken new file keeps the last good keys (and logs)."""
        now = time.monotonic()
        if now - self._checked < JWKS_RECHECK:
            return self._keys
        with self._lock:
            self._checked = now
            try:
                stamp = self._file_stamp()
                if stamp != self._stamp:
                    self._keys, self._stamp = load_keys(self.path), stamp
            except ConfigError as exc:
                current_app.logger.error("CDS key set not reloaded: %s", exc)
        return self._keys


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


def _candidates(keys, algorithm, kid):
    """Return the keys that may have signed a token: by `kid`, or the only key of its kind."""
    usable = [k for k in keys if k.algorithm_name == algorithm]
    if kid is None:
        return usable
    named = [k for k in usable if k.key_id == kid]
    if named:
        return named
    # A JWK without a `kid` cannot be named; when it is the only key it is the one meant.
    return usable if len(usable) == 1 and usable[0].key_id is None else []


def verify(token, *, keys, issuers, audience, lifetime=300):
    """Return the claims of a valid token; raise jwt.PyJWTError for any fault."""
    header = jwt.get_unverified_header(token)
    algorithm, kid = header.get("alg"), header.get("kid")
    if algorithm not in ALGORITHMS:
        raise jwt.InvalidAlgorithmError("algorithm not allowed")
    for key in _candidates(keys, algorithm, kid):
        try:
            claims = jwt.decode(token, key.key, algorithms=[algorithm], audience=audience,
                                issuer=issuers, leeway=LEEWAY,
                                options={"require": REQUIRED_CLAIMS, "strict_aud": True})
        except jwt.InvalidSignatureError:
            continue
        if not isinstance(claims["jti"], str) or not claims["jti"]:
            raise jwt.InvalidTokenError("jti must be a non-empty string")
        if claims["exp"] - claims["iat"] > lifetime:
            # A long-lived token could be replayed for longer, and its jti kept that long.
            raise jwt.InvalidTokenError("token lifetime too long")
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
        claims = verify(token.strip(), keys=settings["keys"].keys(), issuers=settings["issuers"],
                        audience=public_base() + request.path, lifetime=settings["lifetime"])
        if not settings["store"].remember(claims["iss"], claims["jti"], claims["exp"] + LEEWAY):
            raise jwt.InvalidTokenError("replayed jti")
    except StoreUnavailable as exc:
        # Fail closed: a token whose replay cannot be checked is not accepted.
        current_app.logger.error("CDS token store unavailable: %s", exc)
        raise ServiceUnavailable("The token store is unavailable; try again shortly.",
                                 retry_after=RETRY_AFTER) from None
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
