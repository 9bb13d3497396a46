"""ossa: the bone & joint side-effect lookup API for breast-cancer treatments."""

import click
from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from api import cds, cli, database, errors, hardening, http
from api.profiles import check_profile
from db import ROOT

REDIS_TIMEOUTS = {"socket_timeout": 0.25, "socket_connect_timeout": 0.25}


def create_app(test_config=None):
    """Create and configure the Flask application."""
    app = Flask(__name__, static_folder=None)
    app.json = http.JSONProvider(app)
    app.config.from_mapping(
        DATABASE=str(ROOT / "var" / "ossa.db"),
        CACHE_TYPE="SimpleCache",
        # Entries expire: with 0, cachelib's SimpleCache counts every entry as expired when it
        # prunes (the whole cache went at the threshold), and Redis kept keys forever.
        CACHE_DEFAULT_TIMEOUT=3600,
        CACHE_THRESHOLD=5000,
        CACHE_MAX_AGE=3600,
        CHECK_DATABASE=True,
        MAX_CONTENT_LENGTH=1024 * 1024,  # request bodies; larger ones get 413
        PUBLIC_URL=None,  # the externally visible base URL (CDS `aud`, links on cards)
        CDS_JWT_REQUIRED=False,
        CDS_JWKS_FILE=None,
        CDS_ISSUERS="",
        CDS_MAX_TOKEN_LIFETIME=300,  # seconds a CDS token may live (exp - iat)
        CDS_FHIR_SERVERS="*",  # FHIR servers the CDS services may read active medicines from
        STATE_FILE=None,  # default: state.db beside DATABASE
        PROFILE="development",
        ALLOW_UNSAFE=False,
        REDIS_URL=None,  # shared cache, rate-limit counters and seen CDS tokens
        RATELIMIT_DEFAULT=None,  # e.g. "100 per minute"; no limiter hooks at all when unset
        CORS_ORIGINS="*",
        ACCESS_LOG=True,
        TRUSTED_PROXIES=0,  # load balancers in front whose X-Forwarded-* headers are true
    )
    app.config.from_prefixed_env("OSSA")
    if test_config:
        app.config.update(test_config)
    check_profile(app.config)
    if app.config["REDIS_URL"] and app.config["CACHE_TYPE"] == "SimpleCache":
        # Short timeouts: a Redis that hangs must cost a request a quarter second, not 30.
        app.config.update(CACHE_TYPE="RedisCache", CACHE_REDIS_URL=app.config["REDIS_URL"],
                          CACHE_KEY_PREFIX="ossa:cache:", CACHE_OPTIONS=REDIS_TIMEOUTS)

    if app.config["TRUSTED_PROXIES"]:
        # Behind a load balancer the client address (rate limits) and scheme come from it.
        hops = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    hardening.init_app(app)
    database.init_app(app)
    http.init_app(app)
    errors.init_app(app)
    cds.init_app(app)
    cli.init_app(app)
    _register_blueprints(app)
    # The CLI builds the database, so it must start without one; everything else refuses to.
    if app.config["CHECK_DATABASE"] and click.get_current_context(silent=True) is None:
        database.check(app)
    return app


def _register_blueprints(app):
    from api import (
        classes,
        docs,
        drugs,
        guidance,
        lookup,
        management,
        meta,
        reviews,
        search,
        sources,
    )

    for module in (drugs, lookup, search, classes, management, guidance, sources, meta, reviews,
                   cds, docs):
        app.register_blueprint(module.bp)

