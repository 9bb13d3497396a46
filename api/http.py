"""HTTP plumbing every answer shares: one JSON writer, ETags, conditional GETs and the cache of
finished responses.

- One JSON writer (`dumps`): compact UTF-8, used for data, errors and Flask's own provider.
- ETags hash the dataset version, the code version and the bytes; If-None-Match is compared
  weakly (RFC 9110: a proxy that compresses may send the ETag back as W/"…"), on every GET.
- The cache holds finished bytes and ETag, keyed by the dataset version, the code version, the
  route and the query parameters its schema knows (normalized): unknown parameters never make
  new entries. Entries expire (CACHE_DEFAULT_TIMEOUT); a failing Redis is skipped, not fatal.
"""

import hashlib
import json
import re
from functools import wraps
from pathlib import Path

from flask import Response, current_app, request
from flask.json.provider import DefaultJSONProvider
from flask_caching import Cache
from marshmallow import ValidationError

from api import database
from api.outage import redis_outage

cache = Cache()
_CODE_ROOTS = ("api", "db", "serving")


def dumps(value):
    """Return value as compact UTF-8 JSON text: the one JSON writer of every answer."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _code_version():
    """Fingerprint the code that shapes answers: a deploy that changes it changes every key."""
    digest = hashlib.blake2b(digest_size=8)
    base = Path(__file__).resolve().parent.parent
    for root in _CODE_ROOTS:
        for path in sorted((base / root).rglob("*.py")):
            digest.update(path.read_bytes())
    return digest.hexdigest()


CODE_VERSION = _code_version()


def etag_of(body):
    """Return the ETag (unquoted) of a body under the current dataset and code."""
    seed = f"{database.version()}:{CODE_VERSION}:".encode()
    return hashlib.blake2b(seed + body, digest_size=12).hexdigest()


def not_modified(etag):
    """Say whether the request's If-None-Match holds etag (weak comparison, `*` included)."""
    return bool(request.environ.get("HTTP_IF_NONE_MATCH")) and \
        request.if_none_match.contains_weak(etag)


def _headers(etag):
    return [("ETag", f'"{etag}"'),
            ("Cache-Control", f"public, max-age={current_app.config['CACHE_MAX_AGE']}")]


def finish(body, etag, status=200):
    """Return the JSON answer, or 304 when the client already holds this ETag."""
    if status == 200 and not_modified(etag):
        return Response(status=304, headers=_headers(etag))
    response = Response(body, status=status, mimetype="application/json",
                        headers=_headers(etag))
    response.conditional_done = True
    return response


def json_response(payload, status=200):
    """Return compact UTF-8 JSON with its ETag."""
    body = dumps(payload).encode()
    return finish(body, etag_of(body), status)


def cached(query=None):
    """Cache a GET view's finished bytes and ETag.

    With a query schema the decorator loads the query parameters (400 on bad ones, before any
    cache access) and passes them to the view as `args`; only those parameters, normalized,
    make the key.
    """

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            digest, loaded = _digest(query)
            if query is not None:
                kwargs["args"] = loaded
            key = f"{database.version()}:{CODE_VERSION}:{digest}"
            hit = redis_outage.guard(cache.get, key)
            if hit is None:
                response = view(*args, **kwargs)
                hit = (response.get_data(), response.get_etag()[0])
                redis_outage.guard(cache.set, key, hit)
            return finish(*hit)

        return wrapper

    return decorate


# The same query string always loads to the same parameters: each process remembers the
# parameters and key digest of the query strings it has seen (a bounded memo), so a repeated
# request skips parsing, validation and hashing. Profiling showed those as a third of a
# cached answer's time in the app.
_MEMO, MEMO_SIZE, MEMO_QUERY = {}, 4096, 512


def _digest(query):
    """Return (key digest, loaded parameters) of this request: route, path and query."""
    raw = request.environ.get("QUERY_STRING", "")
    memo = (request.endpoint, tuple((request.view_args or {}).items()), raw)
    known = _MEMO.get(memo)
    if known is not None:
        return known[0], dict(known[1]) if known[1] is not None else None
    args = query.load(request.args) if query is not None else None
    parts = [request.endpoint, dumps(request.view_args or {}),
             dumps(sorted((args or {}).items(), key=lambda kv: kv[0]))]
    digest = hashlib.blake2b("\0".join(parts).encode(), digest_size=16).hexdigest()
    if len(raw) <= MEMO_QUERY:
        if len(_MEMO) >= MEMO_SIZE:
            _MEMO.clear()  # rare: a burst of distinct queries; the next requests refill it
        _MEMO[memo] = (digest, dict(args) if args is not None else None)
    return digest, args


def conditional(response):
    """Give every other GET an ETag and Cache-Control, and answer If-None-Match with 304."""
    if request.method not in ("GET", "HEAD") or response.status_code != 200 or getattr(
            response, "conditional_done", False) or response.is_streamed:
        return response
    etag = response.get_etag()[0]
    if not etag:
        etag = etag_of(response.get_data())
        response.set_etag(etag)
    response.headers.setdefault("Cache-Control", "no-cache")
    if not_modified(etag):
        return Response(status=304, headers=[("ETag", response.headers["ETag"]),
                                             ("Cache-Control", response.headers[
                                                 "Cache-Control"])])
    return response


MAX_IF_NONE_MATCH = 1000


def bound_if_none_match(environ):
    """Refuse an If-None-Match header longer than the contract allows."""
    if len(environ.get("HTTP_IF_NONE_MATCH", "")) > MAX_IF_NONE_MATCH:
        raise ValidationError({"If-None-Match": [f"Longer than {MAX_IF_NONE_MATCH} characters."]})


_SURROGATE = re.compile("[\ud800-\udfff]")


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON through the one writer; request bodies that UTF-8 cannot hold are refused."""

    def dumps(self, obj, **kwargs):
        return dumps(obj)

    def loads(self, s, **kwargs):
        """Parse JSON; raise ValueError (a 400 from request.get_json) for what UTF-8 cannot hold."""
        try:
            data = super().loads(s, **kwargs)
        except RecursionError as exc:
            raise ValueError("JSON nested too deeply") from exc
        if _has_lone_surrogate(data):
            # "\ud800" parses, but the text cannot be encoded as UTF-8 later: refuse it now.
            raise ValueError("JSON text holds a lone surrogate (\\ud800-\\udfff)")
        return data


def _has_lone_surrogate(data):
    """Walk the parsed JSON without recursion (nesting is limited only by the body size)."""
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            if _SURROGATE.search(value):
                return True
        elif isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return False


def init_app(app):
    """Set up the response cache (api.hardening runs the per-request hooks, in one place)."""
    cache.init_app(app)
