"""Sources: every label, page, guideline, article and code system a record cites."""

from flask import Blueprint

from api.database import get_db
from api.http import cached, json_response
from api.queries import id_path, source_list_query
from api.schemas import source_page_schema, source_schema
from db import catalog

bp = Blueprint("sources", __name__, url_prefix="/v1/sources")


@bp.get("")
@cached(source_list_query)
def list_sources(args):
    """List sources, filtered by kind or by the drug that cites them."""
    return json_response(source_page_schema.dump(catalog.list_sources(get_db(), **args)))


@bp.get("/<source_id>")
@cached()
def get_source(source_id):
    """Return one source."""
    args = id_path.load({"id": source_id})
    return json_response(source_schema.dump(catalog.get_source(get_db(), args["id"])))
