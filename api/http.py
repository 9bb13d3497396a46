"""HTTP caching (finished responses, ETag and Cache-Control on every GET) and JSON bodies."""

import hashlib
import json
import re
from functools import wraps

from flask import Response, current_app, request
from flask.json.provider import DefaultJSONProvider
from flask_caching import Cache
from marshmallow import ValidationError

from api import database

cache = Cache()


def _etag(body):
    return hashlib.blake2b(body, digest_size=12).hexdigest()


def json_response(payload, status=200):
    """Return compact UTF-8 JSON with an ETag derived from the dataset and the bytes."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return _finish(body, _etag(database.version().encode() + body), status)


def _finish(body, etag, status=200):
    """Return the JSON answer, or 304 when the client already holds this ETag."""
    quoted = f'"{etag}"'
    headers = [("ETag", quoted),
               ("Cache-Control", f"public, max-age={current_app.config['CACHE_MAX_AGE']}")]
    # The hot path: compare the header ourselves instead of werkzeug's make_conditional.
    sent = request.environ.get("HTTP_IF_NONE_MATCH")
    if sent and status == 200 and request.if_none_match.contains(etag):
        return Response(status=304, headers=headers)
    response = Response(body, status=status, mimetype="application/json", headers=headers)
    response.conditional_done = True
    return response


def cached(view):
    """Cache the view's finished bytes and ETag, keyed by dataset version and full URL."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        key = f"{database.version()}:{request.full_path}"
        hit = cache.get(key)
        if hit is None:
            response = view(*args, **kwargs)
            hit = (response.get_data(), response.get_etag()[0])
            cache.set(key, hit)
        return _finish(*hit)

    return wrapper


def conditional(response):
    """Give every GET an ETag and Cache-Control, and answer If-None-Match with 304."""
    if request.method not in ("GET", "HEAD") or response.status_code != 200 or getattr(
            response, "conditional_done", False):
        return response
    if not response.get_etag()[0] and not response.is_streamed:
        response.add_etag()
    response.headers.setdefault("Cache-Control", "no-cache")
    return response.make_conditional(request)


MAX_IF_NONE_MATCH = 1000


def bound_if_none_match(environ):
    """Refuse an If-None-Match header longer than the contract allows."""
    if len(environ.get("HTTP_IF_NONE_MATCH", "")) > MAX_IF_NONE_MATCH:
        raise ValidationError({"If-None-Match": [f"Longer than {MAX_IF_NONE_MATCH} characters."]})


_SURROGATE = re.compile("[\ud800-\udfff]")


class JSONProvider(DefaultJSONProvider):
    """Compact UTF-8 JSON; request bodies with lone surrogates or absurd nesting are refused."""

    compact, ensure_ascii, sort_keys = True, False, False

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
