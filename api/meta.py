"""Dataset metadata, liveness and readiness."""

from flask import Blueprint, current_app

from api import database
from api.database import get_db
from api.http import cached, json_response
from api.outage import redis_outage
from api.schemas import health_schema, meta_schema
from db.catalog import get_meta
from db.state import StoreUnavailable

bp = Blueprint("meta", __name__)


@bp.get("/v1/meta")
@cached()
def meta():
    """Return the dataset version, counts, sources and disclaimer."""
    info = get_meta(get_db())
    info.update(name="ossa", dataset_version=info.pop("version"),
                version=current_app.config.get("API_VERSION", "0.1.0"))
    return json_response(meta_schema.dump(info))


@bp.get("/healthz")
def healthz():
    """Say the process is alive (no database access)."""
    return health_schema.dump({"status": "ok"})


@bp.get("/readyz")
def readyz():
    """Say the database is open, which dataset it holds, and whether Redis answers."""
    get_db().execute("SELECT 1 FROM drugs LIMIT 1").fetchone()
    return health_schema.dump({"status": "ready", "dataset_version": database.version(),
                               "redis": _redis_status()})


def _redis_status():
    """Return `off` without Redis, else `ok` or `degraded` (the read path goes on either way)."""
    if not current_app.config.get("REDIS_URL"):
        return "off"
    try:
        current_app.extensions["ossa_state"].ping()
    except StoreUnavailable:
        return "degraded"
    return "degraded" if redis_outage.degraded else "ok"
