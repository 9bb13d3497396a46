"""Review notes: the wording reviews and CDS cards add to the records, from content to database."""

import json
import string
from pathlib import Path

from marshmallow import Schema, ValidationError, fields, validate

from db import CONTENT_DIR, DatabaseError
from db.content_schemas import DATE, ORDERS, RISKS, SLUG
from db.files import load_file

NOTES_FILE = "review_notes.yaml"
HOOKS = ("order-select", "order-sign", "medication-prescribe")
STATUSES = ("premenopausal", "perimenopausal", "postmenopausal")


class Template(fields.Str):
    """Text whose {placeholders} are exactly the names the code fills in."""

    def __init__(self, *names, max_length=None):
        super().__init__(required=True, validate=validate.Length(min=1, max=max_length))
        self.names = set(names)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            used = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
        except ValueError as exc:
            raise ValidationError(f"not a valid template: {exc}") from exc
        if used != self.names:
            wanted = ", ".join(f"{{{n}}}" for n in sorted(self.names)) or "no placeholders"
            raise ValidationError(f"must use exactly {wanted}")
        return text


def Text():  # noqa: N802 - reads like a field class
    return fields.Str(required=True, validate=validate.Length(min=1))


def Section(names, field_factory=Text):
    """Return a nested schema field with one required entry per name."""
    schema = Schema.from_dict({name: field_factory() for name in names})
    return fields.Nested(schema, required=True)


class BoneLossNotesSchema(Schema):
    stacked = Template("drugs")
    offsets_suppression = Template("drugs")
    depends_on_menopause = Template("drug", *STATUSES)
    effects = Section(("increased", "decreased", "no_known_effect"))


class StatusNotesSchema(Schema):
    induced_menopause = Template("suppressors")
    given = Text()
    unknown = Text()


class InducedMenopauseSchema(Schema):
    """Which classes put the ovaries out of action, and how a review explains its status."""

    classes = fields.List(fields.Str(validate=SLUG), required=True,
                          validate=validate.Length(min=1))
    notes = fields.Nested(StatusNotesSchema, required=True)


class FlagNotesSchema(Schema):
    bone_loss = Text()
    stacked = Template("drugs")
    onj = Text()
    onj_with = Template("drugs")


class CardNotesSchema(Schema):
    """The clinician-voice wording of CDS cards (the records supply the facts)."""

    summary = Section(RISKS, lambda: Template("drug", max_length=70))
    flags = fields.Nested(FlagNotesSchema, required=True)
    roles = Section(("active",))
    stacked = Template("drugs")
    onj_with = Template("drugs")
    interaction = Template("first", "second", "severity")
    do_not_combine = Template("first", "second", "severity")
    draft_only = Template("reason")
    headings = Section(("effects", "bone_loss", "onj", "actions", "interaction"))
    topics = Section(("drug", "interaction"))
    link = Template("drug")
    label_link = Template("title")


class CodingSchema(Schema):
    system = fields.Url(required=True)
    code = Text()
    display = Text()


class OrderSchema(Schema):
    """A concrete step a card proposes as a FHIR ServiceRequest, with its code."""

    label = Text()
    reason = Template("drug")
    code = fields.Nested(CodingSchema, required=True)


class ServiceSchema(Schema):
    title = Text()
    description = Text()


class ReviewNotesSchema(Schema):
    sources = fields.List(fields.Str(validate=SLUG), required=True,
                          validate=validate.Length(min=1))
    last_reviewed = fields.Str(required=True, validate=DATE)
    bone_loss = fields.Nested(BoneLossNotesSchema, required=True)
    induced_menopause = fields.Nested(InducedMenopauseSchema, required=True)
    cards = fields.Nested(CardNotesSchema, required=True)
    orders = Section(ORDERS, lambda: fields.Nested(OrderSchema, required=True))
    services = Section(HOOKS, lambda: fields.Nested(ServiceSchema, required=True))


def load_review_notes(content_dir=CONTENT_DIR):
    """Load and validate the review notes (db.content checks that their sources exist)."""
    base = Path(content_dir)
    return load_file(base / NOTES_FILE, ReviewNotesSchema(), base)


def get_review_notes(conn):
    """Return the stored notes; raise DatabaseError when the build did not store them."""
    rows = conn.execute("SELECT section, body FROM review_notes").fetchall()
    if not rows:
        raise DatabaseError("the database holds no review notes; run `make db`")
    return {section: json.loads(body) for section, body in rows}
