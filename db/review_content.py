"""Review notes: the wording reviews and CDS cards add to the records, from content to database."""

import json
import string
from pathlib import Path

from marshmallow import Schema, ValidationError, fields, validate

from db import CONTENT_DIR, DatabaseError
from db.checks import ContentError
from db.content import _load as load_yaml  # one YAML loader, so errors read alike in every file
from db.content_schemas import DATE, RISKS, SLUG, SourceSchema

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
    depends_on_menopause = Template("drug", *STATUSES)
    effects = Section(("increased", "decreased", "no_known_effect"))


class CardNotesSchema(Schema):
    summary = Section(RISKS, lambda: Template("drug", max_length=90))
    flags = Section(("bone_loss", "stacked", "onj"))
    interaction = Template("first", "second", "severity")
    headings = Section(("effects", "mechanism", "bone_loss", "onj", "prevention", "interaction",
                        "management"))
    topics = Section(("drug", "interaction"))
    link = Template("drug")


class ServiceSchema(Schema):
    title = Text()
    description = Text()


class ReviewNotesSchema(Schema):
    sources = fields.List(fields.Str(validate=SLUG), required=True,
                          validate=validate.Length(min=1))
    last_reviewed = fields.Str(required=True, validate=DATE)
    bone_loss = fields.Nested(BoneLossNotesSchema, required=True)
    cards = fields.Nested(CardNotesSchema, required=True)
    services = Section(HOOKS, lambda: fields.Nested(ServiceSchema, required=True))


def load_review_notes(content_dir=CONTENT_DIR):
    """Load and validate the review notes; raise ContentError naming the file and field."""
    base = Path(content_dir)
    notes = load_yaml(base / NOTES_FILE, ReviewNotesSchema(), base)
    known = {s["id"] for s in load_yaml(base / "sources.yaml", SourceSchema(), base, many=True)}
    for source in notes["sources"]:
        if source not in known:
            raise ContentError(f"{NOTES_FILE}: sources: unknown id `{source}`")
    return notes


def get_review_notes(conn):
    """Return the stored notes; raise DatabaseError when the build did not store them."""
    rows = conn.execute("SELECT section, body FROM review_notes").fetchall()
    if not rows:
        raise DatabaseError("the database holds no review notes; run `make db`")
    return {section: json.loads(body) for section, body in rows}
