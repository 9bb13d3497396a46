"""CDS Hooks 2.0.1: discovery, one literal route per service, and each service's feedback."""

from pathlib import Path

from flask import Blueprint, current_app, request
from werkzeug.exceptions import ServiceUnavailable

from api.cds import auth, cards
from api.cds.fetch import PREFETCH_KEY, PREFETCH_QUERY, active_medications
from api.cds.schemas import (
    cards_schema,
    discovery_schema,
    feedback_receipt,
    feedback_request,
    medication_prescribe_request,
    order_select_request,
    order_sign_request,
)
from api.database import get_db
from api.http import cached, json_response
from api.limits import check_orders
from db.state import StoreUnavailable, open_store

bp = Blueprint("cds", __name__, url_prefix="/cds-services")


def init_app(app):
    """Open the shared state store and read the JWT settings (CORS lives in api.hardening)."""
    config = app.config
    location = config.get("STATE_FILE") or Path(config["DATABASE"]).parent / "state.db"
    store = open_store(location, config.get("REDIS_URL"))
    app.extensions["ossa_state"] = store
    auth.init_app(app, store)
    servers = config.get("CDS_FHIR_SERVERS", "*")
    app.extensions["ossa_fhir_servers"] = tuple(
        s.strip() for s in (servers.split(",") if isinstance(servers, str) else servers)
        if s.strip())


@bp.get("")
@cached()
def discovery():
    """List the CDS services and the prefetch each can use (no token: no patient data)."""
    return json_response(discovery_schema.dump(
        cards.discovery(get_db(), {PREFETCH_KEY: PREFETCH_QUERY})))


@bp.post("/ossa-order-select")
@auth.required
def order_select():
    """Advise on the medicines a clinician has just selected."""
    return _advise("ossa-order-select", order_select_request)


@bp.post("/ossa-order-sign")
@auth.required
def order_sign():
    """Advise on the medication orders about to be signed."""
    return _advise("ossa-order-sign", order_sign_request)


@bp.post("/ossa-medication-prescribe")
@auth.required
def medication_prescribe():
    """Advise on the medicines being prescribed (the deprecated CDS Hooks 1.0 hook)."""
    return _advise("ossa-medication-prescribe", medication_prescribe_request)


@bp.post("/ossa-order-select/feedback")
@auth.required
def order_select_feedback():
    """Record what clinicians did with the order-select cards."""
    return _feedback("ossa-order-select")


@bp.post("/ossa-order-sign/feedback")
@auth.required
def order_sign_feedback():
    """Record what clinicians did with the order-sign cards."""
    return _feedback("ossa-order-sign")


@bp.post("/ossa-medication-prescribe/feedback")
@auth.required
def medication_prescribe_feedback():
    """Record what clinicians did with the medication-prescribe cards."""
    return _feedback("ossa-medication-prescribe")


def _advise(service_id, schema):
    call = schema.load(request.get_json())
    active = active_medications(call, current_app.extensions["ossa_fhir_servers"])
    drafts, advised, current = cards.collect_orders(call, service_id, active)
    check_orders(drafts, current)
    answer = cards.advise(get_db(), call, drafts=drafts, advised=advised, current=current,
                          problem=active.problem, base_url=auth.public_base())
    return cards_schema.dump(answer)


def _feedback(service_id):
    entries = feedback_request.load(request.get_json())["feedback"]
    try:
        current_app.extensions["ossa_state"].record_feedback(
            service_id, [entry["outcome"] for entry in entries])
    except StoreUnavailable as exc:
        current_app.logger.error("CDS feedback not stored: %s", exc)
        raise ServiceUnavailable("Feedback could not be stored; send it again shortly.",
                                 retry_after=auth.RETRY_AFTER) from None
    return feedback_receipt.dump({"received": len(entries)})
