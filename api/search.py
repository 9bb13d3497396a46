"""Typeahead search over every drug name."""

from flask import Blueprint

from api.database import get_db
from api.http import cached, json_response
from api.queries import search_query
from api.schemas import search_schema
from db.search import search_names

bp = Blueprint("search", __name__, url_prefix="/v1/search")


@bp.get("")
@cached(search_query)
def search(args):
    """Suggest drugs whose names match what was typed so far."""
    return json_response(search_schema.dump(search_names(get_db(), args["q"],
                                                         limit=args["limit"])))
