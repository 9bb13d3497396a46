"""Schemas that load and bound every request parameter (strict: no lenient scalars)."""

import re

from marshmallow import EXCLUDE, Schema, fields, validate

from db.codes import ATC_ANY_CASE_PATTERN, RXCUI_PATTERN, SLUG_PATTERN
from db.content_schemas import CAUSES, PAIN_TYPES, RISKS, SOURCE_KINDS, THERAPY_TYPES

MAX_OFFSET = 10_000


class StrictInt(fields.Integer):
    """An integer written in ASCII digits only (not "1_0", " 5" or "٣")."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or not re.fullmatch(r"-?[0-9]{1,9}", value):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class StrictBool(fields.Boolean):
    """A boolean written exactly `true` or `false`."""

    def _deserialize(self, value, attr, data, **kwargs):
        if value not in ("true", "false"):
            raise self.make_error("invalid")
        return value == "true"


class CommaList(fields.List):
    """A list sent as one comma-separated query value (OpenAPI style form, explode false)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise self.make_error("invalid")
        return super()._deserialize(value.split(","), attr, data, **kwargs)


def Slug():  # noqa: N802 - reads like a field class
    """Return a field for a record id such as `zoledronic-acid`."""
    return fields.Str(validate=[validate.Length(max=64), validate.Regexp(SLUG_PATTERN)])


def Text(max_length=200, **kw):  # noqa: N802
    """Return a bounded free-text field."""
    return fields.Str(validate=validate.Length(min=1, max=max_length), **kw)


class QuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE  # unknown query parameters are ignored, as the contract says


class PageQuery(QuerySchema):
    limit = StrictInt(load_default=20, validate=validate.Range(min=1, max=100))
    offset = StrictInt(load_default=0, validate=validate.Range(min=0, max=MAX_OFFSET))


class DrugListQuery(PageQuery):
    drug_class = Slug()
    therapy_type = fields.Str(validate=validate.OneOf(THERAPY_TYPES))
    risk = fields.Str(validate=validate.OneOf(RISKS))
    bone_loss = StrictBool()
    onj = StrictBool()
    ids = CommaList(Slug(), validate=validate.Length(min=1, max=100))


class LookupQuery(QuerySchema):
    name = Text(required=True)


class SearchQuery(QuerySchema):
    q = Text(required=True)
    limit = StrictInt(load_default=10, validate=validate.Range(min=1, max=50))


class ManagementQuery(PageQuery):
    pain_type = fields.Str(validate=validate.OneOf(PAIN_TYPES))
    cause = fields.Str(validate=validate.OneOf(CAUSES))
    kind = fields.Str(validate=validate.OneOf(("non_drug", "drug", "care_team")))


class SourceListQuery(PageQuery):
    kind = fields.Str(validate=validate.OneOf(SOURCE_KINDS))
    drug_id = Slug()


class IdPath(Schema):
    id = Slug()


class RxcuiPath(Schema):
    rxcui = fields.Str(validate=validate.Regexp(RXCUI_PATTERN))


class AtcPath(Schema):
    code = fields.Str(validate=validate.Regexp(ATC_ANY_CASE_PATTERN))


drug_list_query = DrugListQuery()
lookup_query = LookupQuery()
search_query = SearchQuery()
management_query = ManagementQuery()
page_query = PageQuery()
source_list_query = SourceListQuery()
id_path = IdPath()
rxcui_path = RxcuiPath()
atc_path = AtcPath()
