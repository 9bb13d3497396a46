"""Marshmallow schemas for the knowledge base files: every field, enum and rule they follow."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from db.codes import ATC_PATTERN, RXCUI_PATTERN, SET_ID_PATTERN, SLUG_PATTERN

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
FRACTURE_RISKS = ("increased", "possibly_increased", "decreased", "mixed", "no_known_effect")
STATUSES = ("premenopausal", "perimenopausal", "postmenopausal")
CAUSES = (
    "treatment_side_effect", "aromatase_inhibitor", "hormonal_therapy",
    "bone_loss", "bone_metastasis", "severe_pain",
)
SOURCE_KINDS = ("label", "patient_education", "guideline", "article", "terminology")
SEVERITIES = ("major", "moderate", "minor")
# Concrete steps a CDS card may propose as a FHIR ServiceRequest (codes in review_notes.yaml).
ORDERS = ("bone-density-scan", "dental-examination")
SLUG = validate.Regexp(SLUG_PATTERN)
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


def Ids(minimum=0):  # noqa: N802
    """Return a required list of slug ids."""
    return fields.List(fields.Str(validate=SLUG), required=True,
                       validate=validate.Length(min=minimum))


class SourceSchema(Schema):
    """A source a record cites: a label, the seed page, a guideline, an article, a code set."""

    id = Text(SLUG)
    title = Text()
    publisher = Text()
    kind = Enum(SOURCE_KINDS)
    url = fields.Url(required=True, allow_none=True)  # the copy read; null: none online
    set_id = fields.Str(load_default=None, allow_none=True,
                        validate=validate.Regexp(SET_ID_PATTERN))  # DailyMed set id of a label
    version = OptionalText()  # the label's revision date as printed, or a release; null: not seen
    retrieved = Text(DATE)  # when the copy was read
    drugs = fields.List(fields.Str(validate=SLUG), load_default=list)  # a label's own drugs


class CitationSchema(Schema):
    """Where a fact was read: a source and the section of it; the trail stays in the file."""

    source = Text(SLUG)
    section = Text()
    url = fields.Url(load_default=None, allow_none=True)  # the copy read, when not the source's
    note = fields.Str(load_default=None, allow_none=True)  # what the text says, in our words


def Citations():  # noqa: N802
    return fields.List(fields.Nested(CitationSchema), required=True)


class AboutSchema(Schema):
    disclaimer = Text()
    license = Text()


class ClassSchema(Schema):
    id = Text(SLUG)
    name = Text()
    therapy_type = Enum(THERAPY_TYPES)
    mechanism = Text()
    summary = Text()
    sources = Ids(1)
    citations = Citations()
    last_reviewed = Text(DATE)


class BrandCodeSchema(Schema):
    name = Text()
    rxcui = fields.Str(required=True, allow_none=True, validate=validate.Regexp(RXCUI_PATTERN))


class CodesSchema(Schema):
    rxcui = fields.Str(required=True, allow_none=True, validate=validate.Regexp(RXCUI_PATTERN))
    brands = fields.List(fields.Nested(BrandCodeSchema), required=True)
    atc = fields.List(fields.Str(validate=validate.Regexp(ATC_PATTERN)), required=True)
    atc_retired = fields.List(fields.Str(validate=validate.Regexp(ATC_PATTERN)), required=True)


class ComparatorSchema(Schema):
    arm = Text()  # "placebo", "tamoxifen", "fulvestrant or an aromatase inhibitor" …
    percent = fields.Float(required=True, validate=validate.Range(min=0, max=100))


class IncidenceSchema(Schema):
    """One musculoskeletal-pain reaction as a label's adverse-reaction table gives it."""

    term = Text()  # the label's own term: arthralgia, myalgia, bone pain, back pain …
    percent = fields.Float(required=True, validate=validate.Range(min=0, max=100))
    comparator = fields.Nested(ComparatorSchema, required=True, allow_none=True)
    grade = fields.Str(load_default=None, allow_none=True)  # null: all grades; "3-4" …
    population = Text()  # the trial or setting: "adjuvant, ATAC"
    citation = fields.Nested(CitationSchema, required=True)


class BoneJointSchema(Schema):
    risk = Enum(RISKS)
    risk_basis = Text()  # one sentence: why this level, by the rubric in CONTENT.md
    pain_types = fields.List(Enum(PAIN_TYPES), required=True)
    onset = OptionalText()
    duration = OptionalText()
    pattern = OptionalText()
    mechanism = OptionalText()
    summary = Text()  # the patient voice: US grade 8 or lower
    incidence = fields.List(fields.Nested(IncidenceSchema), required=True)
    sources = Ids(1)
    citations = Citations()


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
    citations = Citations()

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
    citations = Citations()

    @validates_schema
    def warning_has_text(self, data, **kwargs):
        if data["warning"] and not (data["detail"] and data["prevention"] and data["sources"]):
            raise ValidationError("an ONJ warning needs detail, prevention and sources", "warning")


class ActionSchema(Schema):
    """A monitoring or prevention step a label or guideline gives, for clinicians."""

    text = Text()
    order = fields.Str(load_default=None, allow_none=True, validate=validate.OneOf(ORDERS))
    citations = fields.List(fields.Nested(CitationSchema), required=True,
                            validate=validate.Length(min=1))


class ClinicianSchema(Schema):
    """The professional voice: what CDS cards and pharmacists read."""

    summary = Text()
    actions = fields.List(fields.Nested(ActionSchema), required=True)
    sources = Ids(1)
    citations = Citations()


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
    clinician = fields.Nested(ClinicianSchema, required=True)
    management = Ids()
    last_reviewed = Text(DATE)
    # Words that, inside a product name, mean a different product (liposomal doxorubicin).
    name_exclusions = fields.List(Text(), load_default=list)

    @validates_schema
    def painless_means_no_pain_types(self, data, **kwargs):
        if data["bone_joint"]["risk"] == "none" and data["bone_joint"]["pain_types"]:
            raise ValidationError("must be empty when risk is none", "bone_joint.pain_types")


class InteractionSchema(Schema):
    """An interaction that matters for bone and joint care, between two groups of drugs.

    Every drug of the first group interacts with every drug of the second; each pair keeps the
    citations of sources that are not labels and of the labels of its own two drugs.
    """

    between = fields.List(Ids(1), required=True, validate=validate.Length(equal=2))
    severity = Enum(SEVERITIES)
    do_not_combine = YamlBool(required=True)  # a label says the two must not be used together
    detail = Text()  # patient voice
    clinician = Text()  # professional voice, for CDS cards
    sources = Ids(1)
    citations = Citations()


class AbbreviationSchema(Schema):
    name = Text()
    stands_for = Text()
    drug_ids = Ids(1)
    sources = Ids(1)


class ManagementSchema(Schema):
    id = Text(SLUG)
    title = Text()
    kind = Enum(("non_drug", "drug", "care_team"))
    detail = Text()
    pain_types = fields.List(Enum(PAIN_TYPES), required=True)
    causes = fields.List(Enum(CAUSES), required=True)
    drug_ids = Ids()
    sources = Ids(1)
    citations = Citations()
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
    sources = Ids(1)
    citations = Citations()
    last_reviewed = Text(DATE)
