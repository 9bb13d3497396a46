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

from api.schemas import Citations, Many, MatchSchema, RefSchema, Strs
from db.codes import ATC_ANY_CASE_PATTERN, RXCUI_PATTERN
from db.review_content import STATUSES

Str, Bool, Int = fields.Str, fields.Bool, fields.Int


class MedicationInputSchema(Schema):
    """One entry of the list: exactly one of a name, an RxCUI or an ATC code."""

    class Meta:
        unknown = RAISE  # the contract's oneOf items are closed objects

    name = Str(validate=validate.Length(min=1, max=200))
    rxcui = Str(validate=validate.Regexp(RXCUI_PATTERN))
    atc = Str(validate=validate.Regexp(ATC_ANY_CASE_PATTERN))

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


class BoneLossFlagsSchema(Schema):
    warning, effect, status = Bool(), Str(), Str()
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


class NotCoveredSchema(Schema):
    index = Int()
    input = fields.Dict(keys=Str(), values=Str())
    name, rxcui, reason, covered_form, detail = (
        Str(), Str(allow_none=True), Str(), Str(allow_none=True), Str())


class HighestRiskSchema(Schema):
    risk, drug_ids = Str(), Strs()


class CombinedBoneLossSchema(Schema):
    warning, contributors, stacked, stacked_drug_ids = Bool(), Strs(), Bool(), Strs()
    depends_on_menopausal_status, protective, notes = Strs(), Strs(), Strs()


class PreventionSchema(Schema):
    drug_id, text = Str(), Str()


class CombinedOnjSchema(Schema):
    warning, contributors = Bool(), Strs()
    prevention = Many(PreventionSchema)


class PairSchema(Schema):
    drug_ids, drug_names, severity, do_not_combine = Strs(), Strs(), Str(), Bool()
    detail, clinician, sources = Str(), Str(), Strs()
    citations = Citations()


class StrategyUseSchema(Schema):
    id, title, kind, drug_ids = Str(), Str(), Str(), Strs()


class CombinedSchema(Schema):
    highest_risk = fields.Nested(HighestRiskSchema)
    bone_loss = fields.Nested(CombinedBoneLossSchema)
    onj = fields.Nested(CombinedOnjSchema)
    interactions = Many(PairSchema)
    management = Many(StrategyUseSchema)


class StatusBasisSchema(Schema):
    effective, reason, drug_ids, note = Str(), Str(), Strs(), Str()


class ReviewSchema(Schema):
    menopausal_status = Str()
    status_basis = fields.Nested(StatusBasisSchema)
    medications = Many(ReviewedSchema)
    not_covered = Many(NotCoveredSchema)
    unresolved = Many(UnresolvedSchema)
    combined = fields.Nested(CombinedSchema)
    disclaimer = Str()


review_request = ReviewRequestSchema()
review_schema = ReviewSchema()
