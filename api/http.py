"""HTTP caching: finished responses in flask-caching, ETag and Cache-Control on every GET."""

import hashlib
import json
from functools import wraps

from flask import Response, current_app, request
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


def init_app(app):
    """Set up the response cache and the conditional-GET hooks."""
    cache.init_app(app)
    app.before_request(_bound_if_none_match)
    app.after_request(_conditional)
