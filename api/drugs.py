"""Drug records: list with filters, one by id."""

from flask import Blueprint

from api.database import get_db
from api.http import cached, json_response
from api.queries import drug_list_query, id_path
from api.schemas import drug_page_schema, drug_schema
from db.drugs import get_drug as fetch_drug
from db.drugs import list_drugs as fetch_drugs

bp = Blueprint("drugs", __name__, url_prefix="/v1/drugs")


@bp.get("")
@cached(drug_list_query)
def list_drugs(args):
    """List drugs, filtered and paginated."""
    return json_response(drug_page_schema.dump(fetch_drugs(get_db(), **args)))


@bp.get("/<drug_id>")
@cached()
def get_drug(drug_id):
    """Return one drug by its id."""
    args = id_path.load({"id": drug_id})
    return json_response(drug_schema.dump(fetch_drug(get_db(), args["id"])))
