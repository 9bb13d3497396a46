"""ossa: the bone & joint side-effect lookup API for breast-cancer treatments."""

import click
from flask import Flask

from api import cli, database, errors, http
from db import ROOT


def create_app(test_config=None):
    """Create and configure the Flask application."""
    app = Flask(__name__, static_folder=None)
    app.config.from_mapping(
        DATABASE=str(ROOT / "var" / "ossa.db"),
        CACHE_TYPE="SimpleCache",
        CACHE_DEFAULT_TIMEOUT=0,
        CACHE_THRESHOLD=5000,
        CACHE_MAX_AGE=3600,
        CHECK_DATABASE=True,
    )
    app.config.from_prefixed_env("OSSA")
    if test_config:
        app.config.update(test_config)
    app.json.compact = True
    app.json.ensure_ascii = False
    app.json.sort_keys = False

    database.init_app(app)
    http.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    _register_blueprints(app)
    # The CLI builds the database, so it must start without one; everything else refuses to.
    if app.config["CHECK_DATABASE"] and click.get_current_context(silent=True) is None:
        database.check(app)
    return app


def _register_blueprints(app):
    from api import classes, docs, drugs, guidance, lookup, management, meta, search

    for module in (drugs, lookup, search, classes, management, guidance, meta, docs):
        app.register_blueprint(module.bp)

