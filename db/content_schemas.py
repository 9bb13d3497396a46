"""Marshmallow schemas for the knowledge base files: every field, enum and rule they follow."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

THERAPY_TYPES = (
    "hormonal_therapy", "chemotherapy", "targeted_therapy", "immunotherapy",
    "supportive_care", "bone_modifying_agent", "pain_management", "procedure",
)
RISKS = ("high", "moderate", "low", "none")
PAIN_TYPES = ("bone", "joint", "muscle", "stiffness")
ROUTES = (
    "oral", "intravenous", "subcutaneous", "intramuscular", "implant", "topical",
    "rectal", "sublingual", "nasal", "buccal", "surgical",
)
BONE_EFFECTS = ("increased", "decreased", "no_known_effect")
FRACTURE_RISKS = ("increased", "decreased", "mixed", "no_known_effect")
STATUSES = ("premenopausal", "perimenopausal", "postmenopausal")
CAUSES = (
    "treatment_side_effect", "aromatase_inhibitor", "hormonal_therapy",
    "bone_loss", "bone_metastasis", "severe_pain",
)
SLUG = validate.Regexp(r"^[a-z0-9]+(-[a-z0-9]+)*\Z")
DATE = validate.Regexp(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


class YamlBool(fields.Boolean):
    """A boolean that accepts only YAML's true/false (never 1, "yes" or "on")."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


def Text(validator=None):  # noqa: N802 - reads like a field class
    """Return a required non-empty string field, optionally with one more validator."""
    checks = [validate.Length(min=1)] + ([validator] if validator else [])
    return fields.Str(required=True, validate=checks)


def OptionalText():  # noqa: N802
    """Return a string field that must be present but may be null."""
    return fields.Str(required=True, allow_none=True, validate=validate.Length(min=1))


def Enum(choices):  # noqa: N802
    """Return a required string field limited to choices."""
    return fields.Str(required=True, validate=validate.OneOf(choices))


def Ids():  # noqa: N802
    """Return a required list of slug ids."""
    return fields.List(fields.Str(validate=SLUG), required=True)


class SourceSchema(Schema):
    id = Text(SLUG)
    title = Text()
    publisher = Text()
    url = fields.Url(load_default=None)
    reviewed = Text(DATE)


class AboutSchema(Schema):
    disclaimer = Text()
    license = Text()


class ClassSchema(Schema):
    id = Text(SLUG)
    name = Text()
    therapy_type = Enum(THERAPY_TYPES)
    mechanism = Text()
    summary = Text()
    sources = Ids()
    last_reviewed = Text(DATE)


class BrandCodeSchema(Schema):
    name = Text()
    rxcui = fields.Str(required=True, allow_none=True, validate=validate.Regexp(r"^[0-9]+\Z"))


class CodesSchema(Schema):
    rxcui = fields.Str(required=True, allow_none=True, validate=validate.Regexp(r"^[0-9]+\Z"))
    brands = fields.List(fields.Nested(BrandCodeSchema), required=True)
    atc = fields.List(fields.Str(validate=validate.Regexp(r"^[A-Z][0-9]{2}[A-Z]{2}[0-9]{2}\Z")),
                      required=True)
    atc_retired = fields.List(
        fields.Str(validate=validate.Regexp(r"^[A-Z][0-9]{2}[A-Z]{2}[0-9]{2}\Z")), required=True)


class BoneJointSchema(Schema):
    risk = Enum(RISKS)
    pain_types = fields.List(Enum(PAIN_TYPES), required=True)
    onset = OptionalText()
    duration = OptionalText()
    pattern = OptionalText()
    mechanism = OptionalText()
    summary = Text()
    sources = Ids()


class ByStatusSchema(Schema):
    premenopausal = Enum(BONE_EFFECTS)
    perimenopausal = Enum(BONE_EFFECTS)
    postmenopausal = Enum(BONE_EFFECTS)


class BoneLossSchema(Schema):
    warning = YamlBool(required=True)
    by_menopausal_status = fields.Nested(ByStatusSchema, required=True)
    fracture_risk = Enum(FRACTURE_RISKS)
    detail = OptionalText()
    sources = Ids()

    @validates_schema
    def warning_matches_statuses(self, data, **kwargs):
        increased = "increased" in data["by_menopausal_status"].values()
        if data["warning"] != increased:
            raise ValidationError("must be true exactly when a status is `increased`", "warning")


class OnjSchema(Schema):
    warning = YamlBool(required=True)
    detail = OptionalText()
    prevention = OptionalText()
    sources = Ids()

    @validates_schema
    def warning_has_text(self, data, **kwargs):
        if data["warning"] and not (data["detail"] and data["prevention"] and data["sources"]):
            raise ValidationError("an ONJ warning needs detail, prevention and sources", "warning")


class InteractionSchema(Schema):
    drug_id = Text(SLUG)
    severity = Enum(("major", "moderate", "minor"))
    detail = Text()
    sources = Ids()


class DrugSchema(Schema):
    id = Text(SLUG)
    generic_name = Text()
    brand_names = fields.List(Text(), required=True)
    synonyms = fields.List(Text(), required=True)
    codes = fields.Nested(CodesSchema, required=True)
    drug_class = Text(SLUG)
    therapy_type = Enum(THERAPY_TYPES)
    roles = fields.List(Enum(("cause", "management")), required=True,
                        validate=validate.Length(min=1))
    routes = fields.List(Enum(ROUTES), required=True, validate=validate.Length(min=1))
    bone_joint = fields.Nested(BoneJointSchema, required=True)
    bone_loss = fields.Nested(BoneLossSchema, required=True)
    onj = fields.Nested(OnjSchema, required=True)
    management = Ids()
    interactions = fields.List(fields.Nested(InteractionSchema), required=True)
    sources = fields.List(fields.Str(validate=SLUG), required=True, validate=validate.Length(min=1))
    last_reviewed = Text(DATE)
    # Words that, inside a product name, mean a different product (liposomal doxorubicin).
    name_exclusions = fields.List(Text(), load_default=list)

    @validates_schema
    def painless_means_no_pain_types(self, data, **kwargs):
        if data["bone_joint"]["risk"] == "none" and data["bone_joint"]["pain_types"]:
            raise ValidationError("must be empty when risk is none", "bone_joint.pain_types")


class AbbreviationSchema(Schema):
    name = Text()
    stands_for = Text()
    drug_ids = fields.List(fields.Str(validate=SLUG), required=True,
                           validate=validate.Length(min=1))
    sources = fields.List(fields.Str(validate=SLUG), required=True, validate=validate.Length(min=1))


class ManagementSchema(Schema):
    id = Text(SLUG)
    title = Text()
    kind = Enum(("non_drug", "drug", "care_team"))
    detail = Text()
    pain_types = fields.List(Enum(PAIN_TYPES), required=True)
    causes = fields.List(Enum(CAUSES), required=True)
    drug_ids = Ids()
    sources = fields.List(fields.Str(validate=SLUG), required=True, validate=validate.Length(min=1))
    last_reviewed = Text(DATE)


class SectionSchema(Schema):
    heading = Text()
    points = fields.List(Text(), required=True, validate=validate.Length(min=1))


class GuidanceSchema(Schema):
    id = Text(SLUG)
    title = Text()
    summary = Text()
    sections = fields.List(fields.Nested(SectionSchema), required=True,
                           validate=validate.Length(min=1))
    sources = fields.List(fields.Str(validate=SLUG), required=True, validate=validate.Length(min=1))
    last_reviewed = Text(DATE)
