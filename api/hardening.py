"""Production hardening: security headers, request ids, access log, CORS and rate limits."""

import itertools
import json
import os
import re
import sys
import time
import uuid
from functools import wraps

from flask import current_app, g, request
from flask_cors import CORS
from flask_limiter import HeaderNames, Limiter
from flask_limiter.util import get_remote_address

from api import http
from api.errors import is_cds_path

CDS_CORS = {
    "origins": "*",
    "methods": ["GET", "POST", "OPTIONS"],
    "allow_headers": ["Authorization", "Content-Type", "Accept"],
    "supports_credentials": False,  # tokens travel in Authorization, never in cookies
    "max_age": 86400,
    "send_wildcard": True,
}
JSON_CSP = "default-src 'none'; frame-ancestors 'none'"
# The docs page loads only its own scripts, styles and images, and fetches /openapi.yaml.
DOCS_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
# Request ids need only be unique, not secret: a random prefix per process and a counter.
_ID_PREFIX = uuid.uuid4().hex[:16]
_ids = itertools.count()


def _new_id():
    """Return a 32-hex-digit id, unique across the workers forked from one master."""
    return f"{_ID_PREFIX}{os.getpid():06x}{next(_ids):010x}"


def _start():
    """Bound the headers we read, accept a sane X-Request-ID or make one, start the clock."""
    environ = request.environ
    http.bound_if_none_match(environ)
    given = environ.get("HTTP_X_REQUEST_ID", "")
    g.request_id = given if REQUEST_ID.fullmatch(given) else _new_id()
    g.started = time.perf_counter()


def _finish(response):
    """Finish conditional GETs, add security headers and the request id, log one JSON line."""
    response = http.conditional(response)
    req, ctx = request._get_current_object(), g._get_current_object()  # one proxy lookup each
    request_id = ctx.get("request_id") or _new_id()
    path = req.path
    docs = path == "/docs" or path.startswith("/docs/")
    response.headers.extend([
        ("X-Request-ID", request_id), ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"), ("Referrer-Policy", "no-referrer"),
        ("Content-Security-Policy", DOCS_CSP if docs else JSON_CSP)])
    if current_app.config["ACCESS_LOG"]:
        # The path only: query strings can carry what a patient typed, headers carry tokens.
        # One write of one preformatted line: the logging machinery would cost more than the
        # rest of a cached answer.
        ms = (time.perf_counter() - ctx.get("started", time.perf_counter())) * 1000
        sys.stderr.write(
            f'{{"time":{time.time():.3f},"request_id":"{request_id}",'
            f'"method":{json.dumps(req.method)},"path":{json.dumps(path)},'
            f'"status":{response.status_code},"ms":{ms:.2f},'
            f'"bytes":{json.dumps(response.content_length)}}}\n')
    return response


def _limiter(app):
    """Install flask-limiter only when a limit is configured (its hooks cost every request)."""
    limit = app.config.get("RATELIMIT_DEFAULT")
    if not limit:
        return None
    storage = app.config.get("REDIS_URL") or "memory://"
    redis = storage.startswith("redis")
    return Limiter(
        get_remote_address, app=app, default_limits=[limit], storage_uri=storage,
        headers_enabled=True, key_prefix="ossa",
        # A Redis outage must not fail requests: count in memory until it answers again.
        in_memory_fallback_enabled=redis, swallow_errors=True,
        storage_options={"socket_timeout": 0.25, "socket_connect_timeout": 0.25} if redis else {},
        # A browser's CORS preflight is not a call: it must not spend the caller's budget.
        default_limits_exempt_when=lambda: request.method == "OPTIONS",
        header_name_mapping={HeaderNames.LIMIT: "RateLimit-Limit",
                             HeaderNames.REMAINING: "RateLimit-Remaining",
                             HeaderNames.RESET: "RateLimit-Reset",
                             HeaderNames.RETRY_AFTER: "Retry-After"},
    )


def init_app(app):
    """Wire headers, request ids, the access log, CORS and (if configured) rate limits."""
    app.before_request(_start)
    app.after_request(_finish)
    origins = app.config["CORS_ORIGINS"]
    general = {
        "origins": origins.split(",") if isinstance(origins, str) else origins,
        "methods": ["GET", "POST", "OPTIONS"],
        "allow_headers": ["Content-Type", "Accept", "If-None-Match", "X-Request-ID"],
        "expose_headers": ["ETag", "X-Request-ID", "RateLimit-Limit", "RateLimit-Remaining",
                           "RateLimit-Reset", "Retry-After"],
        "supports_credentials": False, "max_age": 600,
    }
    # With any origin allowed, answer the literal `*` rather than echo the caller's Origin.
    general["send_wildcard"] = general["origins"] == ["*"]
    # EHRs call the CDS services from browser apps on their own origins, with a bearer token.
    CORS(app, resources={r"^/cds-services(/.*)?$": CDS_CORS, r"/*": general})
    _only_with_origin(app, any_origin=general["origins"] == ["*"])
    app.extensions["ossa_limiter"] = _limiter(app)


def _only_with_origin(app, any_origin):
    """Run flask-cors only for requests that carry an Origin (it adds nothing to the others).

    A shared cache (CDN) keeps one answer for every caller: with any origin allowed, every
    answer carries the literal `Access-Control-Allow-Origin: *`, so it never depends on the
    caller's Origin; with a list of origins it does, and says so with `Vary: Origin`.
    """
    hooks = app.after_request_funcs[None]
    index = next(i for i, hook in enumerate(hooks) if hook.__name__ == "cors_after_request")
    cors = hooks[index]

    @wraps(cors)
    def cors_after_request(response):
        if request.environ.get("HTTP_ORIGIN"):
            response = cors(response)
        elif any_origin or is_cds_path(request.path):
            response.headers["Access-Control-Allow-Origin"] = "*"
        if not any_origin and not is_cds_path(request.path):
            response.vary.add("Origin")
        return response

    hooks[index] = cors_after_request
