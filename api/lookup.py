"""Resolve one name, RxCUI or ATC code to a drug."""

from flask import Blueprint

from api.database import get_db
from api.http import cached, json_response
from api.queries import atc_path, lookup_query, rxcui_path
from api.schemas import lookup_schema
from db.lookup import lookup_code, lookup_name

bp = Blueprint("lookup", __name__, url_prefix="/v1/lookup")


@bp.get("")
@cached(lookup_query)
def lookup(args):
    """Resolve a drug name (brand, generic, synonym or misspelling)."""
    return json_response(lookup_schema.dump(lookup_name(get_db(), args["name"])))


@bp.get("/rxcui/<rxcui>")
@cached()
def lookup_rxcui(rxcui):
    """Resolve an RxNorm concept id."""
    args = rxcui_path.load({"rxcui": rxcui})
    return json_response(lookup_schema.dump(lookup_code(get_db(), "rxnorm", args["rxcui"])))


@bp.get("/atc/<code>")
@cached()
def lookup_atc(code):
    """Resolve a WHO ATC code, current or retired."""
    args = atc_path.load({"code": code})
    return json_response(lookup_schema.dump(lookup_code(get_db(), "atc", args["code"].upper())))
