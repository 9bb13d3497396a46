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
    response = Response(body, status=status, mimetype="application/json")
    response.set_etag(etag)
    response.headers["Cache-Control"] = f"public, max-age={current_app.config['CACHE_MAX_AGE']}"
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


def _conditional(response):
    """Give every GET an ETag and Cache-Control, and answer If-None-Match with 304."""
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return response
    if not response.get_etag()[0] and not response.is_streamed:
        response.add_etag()
    response.headers.setdefault("Cache-Control", "no-cache")
    return response.make_conditional(request)


MAX_IF_NONE_MATCH = 1000


def _bound_if_none_match():
    """Refuse an If-None-Match header longer than the contract allows."""
    if len(request.headers.get("If-None-Match", "")) > MAX_IF_NONE_MATCH:
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
    """Set up the response cache and the conditional-GET hooks."""
    cache.init_app(app)
    app.before_request(_bound_if_none_match)
    app.after_request(_conditional)
