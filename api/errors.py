"""One error handler per kind of error; the envelope follows the path: problem+json or, on the
CDS Hooks paths, a FHIR OperationOutcome (what CDS clients expect)."""

import sqlite3

from flask import Response, current_app, has_request_context, request
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException, InternalServerError

from api.http import dumps
from db import DatabaseError, NotCovered, NotFound, WorkLimitExceeded

PROBLEM = "application/problem+json"
CDS_PREFIX = "/cds-services"
# FHIR IssueType codes for the statuses the CDS paths answer with.
ISSUE_CODES = {400: "invalid", 401: "security", 403: "forbidden", 404: "not-found",
               405: "not-supported", 413: "too-long", 415: "not-supported", 422: "too-costly",
               429: "throttled", 503: "transient"}


def error(status, title, detail, *, code, headers=None, **extra):
    """Return the error in the envelope of the path: OperationOutcome on CDS Hooks, else problem."""
    if has_request_context() and is_cds_path(request.path):
        return operation_outcome(status, detail, headers=headers, errors=extra.get("errors"))
    return problem(status, title, detail, code=code, headers=headers, **extra)


def problem(status, title, detail, *, code, headers=None, **extra):
    """Return a problem+json response."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail,
            "code": code, **extra}
    return _response(body, status, PROBLEM, headers)


def is_cds_path(path):
    """Say whether path belongs to the CDS Hooks API."""
    return path == CDS_PREFIX or path.startswith(CDS_PREFIX + "/")


def operation_outcome(status, detail, *, headers=None, errors=None):
    """Return a FHIR OperationOutcome with one issue per invalid field (or one for detail)."""
    code = ISSUE_CODES.get(status, "exception" if status >= 500 else "processing")
    issues = [{"severity": "error", "code": code, "diagnostics": f"{field}: {' '.join(messages)}",
               "expression": [field]} for field, messages in (errors or {}).items()]
    body = {"resourceType": "OperationOutcome",
            "issue": issues or [{"severity": "error", "code": code, "diagnostics": detail}]}
    return _response(body, status, "application/json", headers)


def _response(body, status, mimetype, headers):
    data = dumps(body)
    response = Response(data, status=status, mimetype=mimetype, headers=headers)
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
    return error(400, "Bad Request", "One or more parameters are invalid.",
                 code="invalid_parameters", errors=errors)


def handle_not_found(exc):
    """Answer a well-formed but unknown id, name or code with 404 and suggestions."""
    if isinstance(exc, NotCovered):  # a medicine we know of, with no record: no other drugs
        return error(404, "Not Covered", str(exc), code="not_covered",
                     recognized=exc.recognized)
    return error(404, "Not Found", str(exc), code="not_found", suggestions=exc.suggestions)


def handle_too_much_work(exc):
    """Answer a request that asks for more matching work than one request may buy."""
    return error(422, "Unprocessable Content", str(exc), code="too_much_work")


def handle_http(exc):
    """Answer every HTTP error (unknown route, 401, 405, 413, 415 …) in the path's envelope."""
    code = (exc.name or "error").lower().replace(" ", "_")
    headers = [(k, v) for k, v in exc.get_headers() if k.lower() != "content-type"]
    return error(exc.code, exc.name, exc.description, code=code, headers=headers)


def handle_database(exc):
    """Answer with 503 when the database cannot be read."""
    current_app.logger.error("database unavailable: %s", exc)
    return error(503, "Service Unavailable", "The dataset is not available.",
                 code="database_unavailable")


def handle_unexpected(exc):
    """Log an unexpected error and answer 500 without details."""
    if isinstance(exc, HTTPException):
        return handle_http(exc)
    current_app.logger.exception("unhandled error")
    err = InternalServerError()
    return error(500, err.name, "The server could not answer this request.",
                 code="internal_error")


def init_app(app):
    """Register the handlers on the app, so they cover unknown routes too."""
    app.register_error_handler(ValidationError, handle_validation)
    app.register_error_handler(NotFound, handle_not_found)
    app.register_error_handler(WorkLimitExceeded, handle_too_much_work)
    app.register_error_handler(DatabaseError, handle_database)
    app.register_error_handler(sqlite3.DatabaseError, handle_database)
    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(Exception, handle_unexpected)
