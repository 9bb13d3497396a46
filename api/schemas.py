"""Response schemas: every body the API returns is dumped through one of these."""

from marshmallow import Schema, fields

Str, Bool, Int, Float = fields.Str, fields.Bool, fields.Int, fields.Float


def Many(schema):  # noqa: N802 - reads like a field class
    return fields.List(fields.Nested(schema))


def Strs():  # noqa: N802
    return fields.List(fields.Str())


def NullStr():  # noqa: N802
    return Str(allow_none=True)


class SourceSchema(Schema):
    id, title, publisher, kind = Str(), Str(), Str(), Str()
    url, set_id, dailymed_url, version = NullStr(), NullStr(), NullStr(), NullStr()
    retrieved = Str()
    drugs = Strs()


class CitationSchema(Schema):
    source, section, url = Str(), Str(), Str()


def Citations():  # noqa: N802
    return Many(CitationSchema)


class RefSchema(Schema):
    id, name = Str(), Str()


class BrandCodeSchema(Schema):
    name, rxcui = Str(), Str(allow_none=True)


class CodesSchema(Schema):
    rxcui = Str(allow_none=True)
    brands = Many(BrandCodeSchema)
    atc, atc_retired = Strs(), Strs()
    rxnorm_release, atc_release = Str(), Str()


class ComparatorSchema(Schema):
    arm, percent = Str(), Float()


class IncidenceSchema(Schema):
    term, percent = Str(), Float()
    comparator = fields.Nested(ComparatorSchema, allow_none=True)
    grade, population = NullStr(), Str()
    citation = fields.Nested(CitationSchema)


class BoneJointSchema(Schema):
    risk, risk_basis, pain_types = Str(), Str(), Strs()
    onset, duration, pattern, mechanism = NullStr(), NullStr(), NullStr(), NullStr()
    summary = Str()
    incidence = Many(IncidenceSchema)
    sources, citations = Strs(), Citations()


class BoneLossSchema(Schema):
    warning = Bool()
    by_menopausal_status = fields.Dict(keys=Str(), values=Str())
    fracture_risk, detail = Str(), NullStr()
    sources, citations = Strs(), Citations()


class OnjSchema(Schema):
    warning = Bool()
    detail, prevention = NullStr(), NullStr()
    sources, citations = Strs(), Citations()


class ActionSchema(Schema):
    text, order = Str(), NullStr()
    citations = Citations()


class ClinicianSchema(Schema):
    summary = Str()
    actions = Many(ActionSchema)
    sources, citations = Strs(), Citations()


class ManagementRefSchema(Schema):
    id, title, kind, detail = Str(), Str(), Str(), Str()
    sources, citations = Strs(), Citations()


class InteractionSchema(Schema):
    drug_id, drug_name, severity, do_not_combine = Str(), Str(), Str(), Bool()
    detail, clinician = Str(), Str()
    sources, citations = Strs(), Citations()


class DrugSchema(Schema):
    id, generic_name, brand_names, synonyms = Str(), Str(), Strs(), Strs()
    codes = fields.Nested(CodesSchema)
    drug_class = fields.Nested(RefSchema)
    therapy_type, roles, routes = Str(), Strs(), Strs()
    bone_joint = fields.Nested(BoneJointSchema)
    bone_loss = fields.Nested(BoneLossSchema)
    onj = fields.Nested(OnjSchema)
    clinician = fields.Nested(ClinicianSchema)
    management = Many(ManagementRefSchema)
    interactions = Many(InteractionSchema)
    sources = Many(SourceSchema)
    citations = Citations()
    last_reviewed = Str()


class PageSchema(Schema):
    total, limit, offset = Int(), Int(), Int()


class DrugPageSchema(PageSchema):
    items = Many(DrugSchema)


class ConceptSchema(Schema):
    system, code = Str(), Str()
    tty, name = Str(allow_none=True), Str(allow_none=True)
    retired = Bool()
    release = Str(allow_none=True)


class MatchSchema(Schema):
    type, matched_name, score, ambiguous = Str(), Str(), Float(), Bool()
    contains = Strs()
    concept = fields.Nested(ConceptSchema)


class SpanSchema(Schema):
    start, end = Int(), Int()


class AlternativeSchema(Schema):
    drug_id, name, name_type, generic_name, score = Str(), Str(), Str(), Str(), Float()


class SearchResultSchema(AlternativeSchema):
    span = fields.Nested(SpanSchema, allow_none=True)


class LookupSchema(Schema):
    query = Str()
    match = fields.Nested(MatchSchema)
    drug = fields.Nested(DrugSchema)
    alternatives = Many(AlternativeSchema)


class SearchSchema(Schema):
    query = Str()
    results = Many(SearchResultSchema)


class MemberSchema(Schema):
    id, generic_name, brand_names, risk = Str(), Str(), Strs(), Str()


class ClassSchema(Schema):
    id, name, therapy_type, mechanism, summary = Str(), Str(), Str(), Str(), Str()
    members = Many(MemberSchema)
    sources = Many(SourceSchema)
    citations = Citations()
    last_reviewed = Str()


class ClassPageSchema(PageSchema):
    items = Many(ClassSchema)


class DrugRefSchema(Schema):
    id, generic_name = Str(), Str()


class ManagementSchema(Schema):
    id, title, kind, detail = Str(), Str(), Str(), Str()
    pain_types, causes = Strs(), Strs()
    drugs = Many(DrugRefSchema)
    sources = Many(SourceSchema)
    citations = Citations()
    last_reviewed = Str()


class ManagementPageSchema(PageSchema):
    items = Many(ManagementSchema)


class SectionSchema(Schema):
    heading, points = Str(), Strs()


class GuidanceSchema(Schema):
    id, title, summary = Str(), Str(), Str()
    sections = Many(SectionSchema)
    sources = Many(SourceSchema)
    citations = Citations()
    last_reviewed = Str()


class GuidancePageSchema(PageSchema):
    items = Many(GuidanceSchema)


class SourcePageSchema(PageSchema):
    items = Many(SourceSchema)


class CountsSchema(Schema):
    drugs, classes, management, guidance, sources, names, codes = (Int() for _ in range(7))


class MetaSchema(Schema):
    name, version, dataset_version, last_reviewed = Str(), Str(), Str(), Str()
    rxnorm_release, atc_release = Str(), Str()
    counts = fields.Nested(CountsSchema)
    sources = Strs()
    disclaimer, license = Str(), Str()


class HealthSchema(Schema):
    status = Str()
    dataset_version, redis = Str(), Str()


drug_schema = DrugSchema()
drug_page_schema = DrugPageSchema()
lookup_schema = LookupSchema()
search_schema = SearchSchema()
class_schema = ClassSchema()
class_page_schema = ClassPageSchema()
management_schema = ManagementSchema()
management_page_schema = ManagementPageSchema()
guidance_schema = GuidanceSchema()
guidance_page_schema = GuidancePageSchema()
source_schema = SourceSchema()
source_page_schema = SourcePageSchema()
meta_schema = MetaSchema()
health_schema = HealthSchema()
