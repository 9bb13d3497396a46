"""The contract as written, and an interactive docs page served with local assets only."""

from functools import cache
from pathlib import Path

import flask_swagger_ui
from flask import Blueprint, Response, request
from werkzeug.exceptions import NotFound

from db import ROOT

bp = Blueprint("docs", __name__)

OUR_ASSETS = Path(__file__).parent / "assets"
# Swagger UI's files ship inside the flask-swagger-ui wheel: no CDN, works offline.
SWAGGER_ASSETS = Path(flask_swagger_ui.__file__).parent / "dist"
YAML_TYPES = ["application/yaml", "text/yaml"]
ASSETS = {
    "swagger-ui.css": (SWAGGER_ASSETS, "text/css"),
    "swagger-ui-bundle.js": (SWAGGER_ASSETS, "text/javascript"),
    "favicon-32x32.png": (SWAGGER_ASSETS, "image/png"),
    "ossa-docs.js": (OUR_ASSETS, "text/javascript"),
    "ossa-docs.css": (OUR_ASSETS, "text/css"),
}


@cache
def _read(path):
    """Read a file once per process; these files only change with a new release."""
    return Path(path).read_bytes()


def _file(path, mimetype, max_age):
    response = Response(_read(path), mimetype=mimetype)
    response.headers["Cache-Control"] = f"public, max-age={max_age}"
    response.add_etag()
    return response


@bp.get("/openapi.yaml")
def get_contract():
    """Serve openapi.yaml exactly as written."""
    mimetype = request.accept_mimetypes.best_match(YAML_TYPES) or YAML_TYPES[0]
    response = _file(ROOT / "openapi.yaml", mimetype, 300)
    response.vary.add("Accept")
    return response


@bp.get("/docs")
def get_docs():
    """Serve the interactive API documentation page."""
    return _file(OUR_ASSETS / "docs.html", "text/html", 300)


@bp.get("/docs/assets/<filename>")
def get_docs_asset(filename):
    """Serve one file the docs page needs."""
    if filename not in ASSETS:
        raise NotFound(f"The docs page has no asset named `{filename}`.")
    folder, mimetype = ASSETS[filename]
    return _file(folder / filename, mimetype, 86400)
