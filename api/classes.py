"""Drug classes with their members and class-level mechanism."""

from flask import Blueprint

from api.database import get_db
from api.http import cached, json_response
from api.queries import id_path, page_query
from api.schemas import class_page_schema, class_schema
from db import catalog

bp = Blueprint("classes", __name__, url_prefix="/v1/classes")


@bp.get("")
@cached(page_query)
def list_classes(args):
    """List drug classes."""
    return json_response(class_page_schema.dump(catalog.list_classes(get_db(), **args)))


@bp.get("/<class_id>")
@cached()
def get_class(class_id):
    """Return one drug class."""
    args = id_path.load({"id": class_id})
    return json_response(class_schema.dump(catalog.get_class(get_db(), args["id"])))
