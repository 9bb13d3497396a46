"""Production hardening: security headers, request ids, access log, CORS and rate limits."""

import itertools
import json
import os
import re
import sys
import time
import uuid
from functools import wraps

from flask import request
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
_SECURITY = [("X-Content-Type-Options", "nosniff"), ("X-Frame-Options", "DENY"),
             ("Referrer-Policy", "no-referrer")]
JSON_HEADERS = (*_SECURITY, ("Content-Security-Policy", JSON_CSP))
DOCS_HEADERS = (*_SECURITY, ("Content-Security-Policy", DOCS_CSP))
REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
# Request ids need only be unique, not secret: a random prefix per process and a counter.
_ID_PREFIX = uuid.uuid4().hex[:16]
_ids = itertools.count()


def _new_id():
    """Return a 32-hex-digit id, unique across the workers forked from one master."""
    return f"{_ID_PREFIX}{os.getpid():06x}{next(_ids):010x}"


class ResponseEnvelope:
    """WSGI middleware: the headers every answer carries, and one access-log line per request.

    Outside Flask, so it covers every answer (an unhandled error's too) and costs a list
    append instead of a validated header write per header: a cached lookup spends most of its
    time on such bookkeeping, not on its data.
    """

    def __init__(self, wsgi_app, *, any_origin, access_log):
        self.wsgi_app, self.any_origin, self.access_log = wsgi_app, any_origin, access_log

    def __call__(self, environ, start_response):
        started = time.perf_counter()
        given = environ.get("HTTP_X_REQUEST_ID", "")
        request_id = given if REQUEST_ID.fullmatch(given) else _new_id()
        path = environ.get("PATH_INFO", "")
        docs = path == "/docs" or path.startswith("/docs/")
        extra = [("X-Request-ID", request_id), *(DOCS_HEADERS if docs else JSON_HEADERS)]
        if not environ.get("HTTP_ORIGIN") and (self.any_origin or is_cds_path(path)):
            # Without an Origin flask-cors has nothing to do; the answer is the same for all.
            extra.append(("Access-Control-Allow-Origin", "*"))

        def start(status, headers, exc_info=None):
            headers.extend(extra)
            if self.access_log:
                self._log(environ, request_id, path, status, headers, started)
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start)

    @staticmethod
    def _log(environ, request_id, path, status, headers, started):
        # The path only: query strings can carry what a patient typed, headers carry tokens.
        # One write of one preformatted line: the logging machinery would cost more than the
        # rest of a cached answer.
        size = next((v for k, v in headers if k == "Content-Length"), None)
        ms = (time.perf_counter() - started) * 1000
        sys.stderr.write(
            f'{{"time":{time.time():.3f},"request_id":"{request_id}",'
            f'"method":{json.dumps(environ.get("REQUEST_METHOD", ""))},'
            f'"path":{json.dumps(path)},"status":{status[:3]},"ms":{ms:.2f},'
            f'"bytes":{size if size and size.isdigit() else "null"}}}\n')


def _bound_headers():
    """Refuse request headers longer than the contract allows, before any view runs."""
    http.bound_if_none_match(request.environ)


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
    app.before_request(_bound_headers)
    app.after_request(http.conditional)
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
    # Every error is answered by a handler (api.errors), so after_request sees it: flask-cors
    # need not wrap the exception handlers as well (that ran it twice on every error).
    CORS(app, resources={r"^/cds-services(/.*)?$": CDS_CORS, r"/*": general},
         intercept_exceptions=False)
    any_origin = general["origins"] == ["*"]
    _only_with_origin(app, any_origin=any_origin)
    app.extensions["ossa_limiter"] = _limiter(app)
    app.wsgi_app = ResponseEnvelope(app.wsgi_app, any_origin=any_origin,
                                    access_log=app.config["ACCESS_LOG"])


def _only_with_origin(app, any_origin):
    """Run flask-cors only for requests that carry an Origin (it adds nothing to the others).

    A shared cache (CDN) keeps one answer for every caller: with any origin allowed, every
    answer carries the literal `Access-Control-Allow-Origin: *` (ResponseEnvelope adds it
    when there is no Origin), so it never depends on the caller's Origin; with a list of
    origins it does, and says so with `Vary: Origin`.
    """
    hooks = app.after_request_funcs[None]
    index = next(i for i, hook in enumerate(hooks) if hook.__name__ == "cors_after_request")
    cors = hooks[index]

    @wraps(cors)
    def cors_after_request(response):
        if request.environ.get("HTTP_ORIGIN"):
            response = cors(response)
        if not any_origin and not is_cds_path(request.path):
            response.vary.add("Origin")
        return response

    hooks[index] = cors_after_request
