"""Production hardening: security headers, request ids, access log, CORS and rate limits."""

import json
import logging
import re
import sys
import time
import uuid

from flask import g, request
from flask_cors import CORS
from flask_limiter import HeaderNames, Limiter
from flask_limiter.util import get_remote_address

CDS_CORS = {
    "origins": "*",
    "methods": ["GET", "POST", "OPTIONS"],
    "allow_headers": ["Authorization", "Content-Type", "Accept"],
    "supports_credentials": False,  # tokens travel in Authorization, never in cookies
    "max_age": 86400,
}
JSON_CSP = "default-src 'none'; frame-ancestors 'none'"
# The docs page loads only its own scripts, styles and images, and fetches /openapi.yaml.
DOCS_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
access_log = logging.getLogger("ossa.access")


def _start():
    """Accept a sane X-Request-ID or make one, and start the clock."""
    given = request.headers.get("X-Request-ID", "")
    g.request_id = given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
    g.started = time.perf_counter()


def _finish(response):
    """Add security headers and the request id; log one JSON line (no query, no body)."""
    headers = response.headers
    headers["X-Request-ID"] = g.get("request_id") or uuid.uuid4().hex
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "no-referrer"
    docs = request.path == "/docs" or request.path.startswith("/docs/")
    headers["Content-Security-Policy"] = DOCS_CSP if docs else JSON_CSP
    if access_log.isEnabledFor(logging.INFO):
        # The path only: query strings can carry what a patient typed, headers carry tokens.
        access_log.info(json.dumps({
            "request_id": headers["X-Request-ID"], "method": request.method,
            "path": request.path, "status": response.status_code,
            "ms": round((time.perf_counter() - g.get("started", time.perf_counter())) * 1000, 2),
            "bytes": response.content_length,
        }))
    return response


def _limiter(app):
    """Install flask-limiter only when a limit is configured (its hooks cost every request)."""
    limit = app.config.get("RATELIMIT_DEFAULT")
    if not limit:
        return None
    storage = app.config.get("REDIS_URL") or "memory://"
    return Limiter(
        get_remote_address, app=app, default_limits=[limit], storage_uri=storage,
        headers_enabled=True, key_prefix="ossa",
        header_name_mapping={HeaderNames.LIMIT: "RateLimit-Limit",
                             HeaderNames.REMAINING: "RateLimit-Remaining",
                             HeaderNames.RESET: "RateLimit-Reset",
                             HeaderNames.RETRY_AFTER: "Retry-After"},
    )


def init_app(app):
    """Wire headers, request ids, the access log, CORS and (if configured) rate limits."""
    app.before_request(_start)
    app.after_request(_finish)
    if app.config["ACCESS_LOG"] and not access_log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        access_log.addHandler(handler)
        access_log.setLevel(logging.INFO)
        access_log.propagate = False
    origins = app.config["CORS_ORIGINS"]
    general = {
        "origins": origins.split(",") if isinstance(origins, str) else origins,
        "methods": ["GET", "POST", "OPTIONS"],
        "allow_headers": ["Content-Type", "Accept", "If-None-Match", "X-Request-ID"],
        "expose_headers": ["ETag", "X-Request-ID", "RateLimit-Limit", "RateLimit-Remaining",
                           "RateLimit-Reset", "Retry-After"],
        "supports_credentials": False, "max_age": 600,
    }
    # EHRs call the CDS services from browser apps on their own origins, with a bearer token.
    CORS(app, resources={r"^/cds-services(/.*)?$": CDS_CORS, r"/*": general})
    app.extensions["ossa_limiter"] = _limiter(app)
