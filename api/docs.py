"""The contract as written, and an interactive docs page served with local assets only."""

from pathlib import Path

import flask_swagger_ui
from flask import Blueprint, Response, send_from_directory
from werkzeug.exceptions import NotFound

from db import ROOT

bp = Blueprint("docs", __name__)

CONTRACT = ROOT / "openapi.yaml"
OUR_ASSETS = Path(__file__).parent / "assets"
# Swagger UI's files ship inside the flask-swagger-ui wheel: no CDN, works offline.
SWAGGER_ASSETS = Path(flask_swagger_ui.__file__).parent / "dist"
SWAGGER_FILES = ("swagger-ui.css", "swagger-ui-bundle.js", "favicon-32x32.png")


@bp.get("/openapi.yaml")
def get_contract():
    """Serve openapi.yaml exactly as written."""
    return Response(CONTRACT.read_bytes(), mimetype="application/yaml",
                    headers={"Cache-Control": "public, max-age=300"})


@bp.get("/docs")
def get_docs():
    """Serve the interactive API documentation page."""
    return send_from_directory(OUR_ASSETS, "docs.html", max_age=300)


@bp.get("/docs/assets/<filename>")
def get_docs_asset(filename):
    """Serve one file the docs page needs."""
    if filename in SWAGGER_FILES:
        return send_from_directory(SWAGGER_ASSETS, filename, max_age=86400)
    if filename in ("ossa-docs.js", "ossa-docs.css"):
        return send_from_directory(OUR_ASSETS, filename, max_age=300)
    raise NotFound(f"The docs page has no asset named `{filename}`.")
