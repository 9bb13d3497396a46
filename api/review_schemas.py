"""Schemas of POST /v1/reviews: the medication list it loads and the review it dumps."""

from marshmallow import (
    RAISE,
    Schema,
    ValidationError,
    fields,
    post_load,
    validate,
    validates_schema,
)

from api.schemas import MatchSchema  # the lookup's own match: the contract shares `Match`
from db.review_content import STATUSES

RXCUI = r"^[0-9]{1,10}\Z"
ATC = r"^[A-Za-z][0-9]{2}[A-Za-z]{2}[0-9]{2}\Z"
Str, Bool, Int = fields.Str, fields.Bool, fields.Int


def Many(schema):  # noqa: N802 - reads like a field class
    return fields.List(fields.Nested(schema))


def Strs():  # noqa: N802
    return fields.List(fields.Str())


class MedicationInputSchema(Schema):
    """One entry of the list: exactly one of a name, an RxCUI or an ATC code."""

    class Meta:
        unknown = RAISE  # the contract's oneOf items are closed objects

    name = Str(validate=validate.Length(min=1, max=200))
    rxcui = Str(validate=validate.Regexp(RXCUI))
    atc = Str(validate=validate.Regexp(ATC))

    @validates_schema
    def exactly_one_key(self, data, **kwargs):
        if len(data) != 1:
            raise ValidationError("Give exactly one of `name`, `rxcui` or `atc`.")


class ReviewRequestSchema(Schema):
    class Meta:
        unknown = RAISE

    medications = fields.List(fields.Nested(MedicationInputSchema), required=True,
                              validate=validate.Length(min=1, max=100))
    menopausal_status = Str(validate=validate.OneOf((*STATUSES, "unknown")))

    @post_load
    def as_alternatives(self, data, **kwargs):
        """Shape the body as review_medications' arguments (one alternative per entry)."""
        return {"medications": [[entry] for entry in data["medications"]],
                "menopausal_status": data.get("menopausal_status")}


class RefSchema(Schema):
    id, name = Str(), Str()


class BoneLossFlagsSchema(Schema):
    warning, effect = Bool(), Str()
    by_menopausal_status = fields.Dict(keys=Str(), values=Str())
    note = Str()


class OnjFlagsSchema(Schema):
    warning = Bool()


class DrugFlagsSchema(Schema):
    id, generic_name = Str(), Str()
    drug_class = fields.Nested(RefSchema)
    therapy_type, roles, risk, pain_types = Str(), Strs(), Str(), Strs()
    bone_loss = fields.Nested(BoneLossFlagsSchema)
    onj = fields.Nested(OnjFlagsSchema)


class ReviewedSchema(Schema):
    index = Int()
    input = fields.Dict(keys=Str(), values=Str())
    match = fields.Nested(MatchSchema)
    drugs = Many(DrugFlagsSchema)


class UnresolvedSchema(Schema):
    index = Int()
    input = fields.Dict(keys=Str(), values=Str())
    reason, suggestions = Str(), Strs()


class HighestRiskSchema(Schema):
    risk, drug_ids = Str(), Strs()


class BoneLossSchema(Schema):
    warning, contributors, stacked = Bool(), Strs(), Bool()
    depends_on_menopausal_status, protective, notes = Strs(), Strs(), Strs()


class PreventionSchema(Schema):
    drug_id, text = Str(), Str()


class OnjSchema(Schema):
    warning, contributors = Bool(), Strs()
    prevention = Many(PreventionSchema)


class InteractionSchema(Schema):
    drug_ids, drug_names, severity, detail, sources = Strs(), Strs(), Str(), Str(), Strs()


class SuggestionSchema(Schema):
    id, title, kind, drug_ids = Str(), Str(), Str(), Strs()


class CombinedSchema(Schema):
    highest_risk = fields.Nested(HighestRiskSchema)
    bone_loss = fields.Nested(BoneLossSchema)
    onj = fields.Nested(OnjSchema)
    interactions = Many(InteractionSchema)
    management = Many(SuggestionSchema)


class ReviewSchema(Schema):
    menopausal_status = Str()
    medications = Many(ReviewedSchema)
    unresolved = Many(UnresolvedSchema)
    combined = fields.Nested(CombinedSchema)
    disclaimer = Str()


review_request = ReviewRequestSchema()
review_schema = ReviewSchema()
