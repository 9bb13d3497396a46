"""Pain-assessment guidance topics."""

from flask import Blueprint

from api.database import get_db
from api.http import cached, json_response
from api.queries import id_path, page_query
from api.schemas import guidance_page_schema, guidance_schema
from db import catalog

bp = Blueprint("guidance", __name__, url_prefix="/v1/guidance")


@bp.get("")
@cached(page_query)
def list_guidance(args):
    """List pain-assessment topics."""
    return json_response(guidance_page_schema.dump(catalog.list_topics(get_db(), **args)))


@bp.get("/<topic_id>")
@cached()
def get_guidance(topic_id):
    """Return one pain-assessment topic."""
    args = id_path.load({"id": topic_id})
    return json_response(guidance_schema.dump(catalog.get_topic(get_db(), args["id"])))
