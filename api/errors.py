"""One error envelope: RFC 9457 problem+json for every error the API returns."""

import json
import sqlite3

from flask import Response, current_app
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException, InternalServerError

from db import DatabaseError, NotFound

PROBLEM = "application/problem+json"


def problem(status, title, detail, *, code, headers=None, **extra):
    """Return a problem+json response."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail,
            "code": code, **extra}
    data = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    response = Response(data, status=status, mimetype=PROBLEM, headers=headers)
    response.headers["Cache-Control"] = "no-store"
    return response


def _flatten(messages, prefix=""):
    """Turn marshmallow's nested messages into {"field.path": [message, ...]}."""
    if isinstance(messages, list):
        return {prefix or "_schema": [str(m) for m in messages]}
    flat = {}
    for key, value in messages.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        flat.update(_flatten(value, path))
    return flat


def handle_validation(exc):
    """Answer invalid parameters or bodies with 400 and the messages per field."""
    errors = _flatten(exc.messages)
    return problem(400, "Bad Request", "One or more parameters are invalid.",
                   code="invalid_parameters", errors=errors)


def handle_not_found(exc):
    """Answer a well-formed but unknown id, name or code with 404 and suggestions."""
    return problem(404, "Not Found", str(exc), code="not_found", suggestions=exc.suggestions)


def handle_http(exc):
    """Answer every HTTP error (unknown route, 405, 413 …) as problem+json."""
    code = (exc.name or "error").lower().replace(" ", "_")
    headers = [(k, v) for k, v in exc.get_headers() if k.lower() != "content-type"]
    return problem(exc.code, exc.name, exc.description, code=code, headers=headers)


def handle_database(exc):
    """Answer with 503 when the database cannot be read."""
    current_app.logger.error("database unavailable: %s", exc)
    return problem(503, "Service Unavailable", "The dataset is not available.",
                   code="database_unavailable")


def handle_unexpected(exc):
    """Log an unexpected error and answer 500 without details."""
    if isinstance(exc, HTTPException):
        return handle_http(exc)
    current_app.logger.exception("unhandled error")
    err = InternalServerError()
    return problem(500, err.name, "The server could not answer this request.",
                   code="internal_error")


def init_app(app):
    """Register the handlers on the app, so they cover unknown routes too."""
    app.register_error_handler(ValidationError, handle_validation)
    app.register_error_handler(NotFound, handle_not_found)
    app.register_error_handler(DatabaseError, handle_database)
    app.register_error_handler(sqlite3.DatabaseError, handle_database)
    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(Exception, handle_unexpected)
