"""CDS Hooks 2.0.1: discovery, one literal route per service, and each service's feedback."""

import threading
from collections import Counter

from flask import Blueprint, current_app, request

from api import cards, cds_auth
from api.cds_schemas import (
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

bp = Blueprint("cds", __name__, url_prefix="/cds-services")
_feedback_lock = threading.Lock()


def init_app(app):
    """Keep feedback counts (CORS for these paths is set up with the rest in api.hardening)."""
    # Counts are per worker process: they are a health signal, not an audit trail.
    app.extensions["ossa_cds_feedback"] = Counter()


@bp.get("")
@cached
def discovery():
    """List the CDS services (no token needed: discovery carries no patient data)."""
    return json_response(discovery_schema.dump(cards.discovery(get_db())))


@bp.post("/ossa-order-select")
@cds_auth.required
def order_select():
    """Advise on the medicines a clinician has just selected."""
    return _advise("ossa-order-select", order_select_request)


@bp.post("/ossa-order-sign")
@cds_auth.required
def order_sign():
    """Advise on the medication orders about to be signed."""
    return _advise("ossa-order-sign", order_sign_request)


@bp.post("/ossa-medication-prescribe")
@cds_auth.required
def medication_prescribe():
    """Advise on the medicines being prescribed (the deprecated CDS Hooks 1.0 hook)."""
    return _advise("ossa-medication-prescribe", medication_prescribe_request)


@bp.post("/ossa-order-select/feedback")
@cds_auth.required
def order_select_feedback():
    """Record what clinicians did with the order-select cards."""
    return _feedback("ossa-order-select")


@bp.post("/ossa-order-sign/feedback")
@cds_auth.required
def order_sign_feedback():
    """Record what clinicians did with the order-sign cards."""
    return _feedback("ossa-order-sign")


@bp.post("/ossa-medication-prescribe/feedback")
@cds_auth.required
def medication_prescribe_feedback():
    """Record what clinicians did with the medication-prescribe cards."""
    return _feedback("ossa-medication-prescribe")


def _advise(service_id, schema):
    call = schema.load(request.get_json())
    answer = cards.advise(get_db(), service_id, call, base_url=cds_auth.public_base())
    return cards_schema.dump(answer)


def _feedback(service_id):
    entries = feedback_request.load(request.get_json())["feedback"]
    with _feedback_lock:
        current_app.extensions["ossa_cds_feedback"].update(
            (service_id, entry["outcome"]) for entry in entries)
    return feedback_receipt.dump({"received": len(entries)})
