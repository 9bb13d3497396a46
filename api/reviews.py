"""Medication-list review: every entry resolved, then the bone and joint flags combined."""

from flask import Blueprint, request

from api.database import get_db
from api.review_schemas import review_request, review_schema
from db.reviews import review_medications

bp = Blueprint("reviews", __name__, url_prefix="/v1/reviews")


@bp.post("")
def create_review():
    """Review a medication list for bone and joint side effects."""
    args = review_request.load(request.get_json())
    return review_schema.dump(review_medications(get_db(), **args))
