"""Management strategies for bone and joint pain."""

from flask import Blueprint

from api.database import get_db
from api.http import cached, json_response
from api.queries import id_path, management_query
from api.schemas import management_page_schema, management_schema
from db import catalog

bp = Blueprint("management", __name__, url_prefix="/v1/management")


@bp.get("")
@cached(management_query)
def list_management(args):
    """List management strategies, filtered by pain type, cause or kind."""
    return json_response(management_page_schema.dump(catalog.list_strategies(get_db(), **args)))


@bp.get("/<strategy_id>")
@cached()
def get_management(strategy_id):
    """Return one management strategy."""
    args = id_path.load({"id": strategy_id})
    return json_response(management_schema.dump(catalog.get_strategy(get_db(), args["id"])))
