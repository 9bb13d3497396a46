"""Schemas of the CDS Hooks API: hook calls and feedback loaded, discovery and cards dumped.

The envelope is checked strictly (the contract states it); the FHIR inside `draftOrders`,
`medications` and `prefetch` is untyped here and read leniently by api.cds.fhir.
"""

from marshmallow import EXCLUDE, Schema, fields, validate

UUID = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z"
TIMESTAMP = (r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?"
             r"(Z|[+-][0-9]{2}:[0-9]{2})\Z")
Str, Raw = fields.Str, fields.Raw


class Lenient(Schema):
    class Meta:
        unknown = EXCLUDE  # CDS Hooks lets clients add fields; the contract allows them too


class JsonInteger(fields.Integer):
    """A JSON number without a fraction (JSON Schema counts 300.0 as an integer too)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, int | float) or (
                isinstance(value, float) and not value.is_integer()):
            raise self.make_error("invalid")
        return super()._deserialize(int(value), attr, data, **kwargs)


class FhirAuthorizationSchema(Lenient):
    """The bearer token the EHR grants for reading its FHIR server (CDS Hooks 2.0.1)."""

    access_token = Str(required=True, validate=validate.Length(min=1, max=8192))
    token_type = Str(validate=validate.Length(max=64))
    expires_in = JsonInteger(validate=validate.Range(min=0, max=2147483647))
    scope = Str(validate=validate.Length(max=2000))
    subject = Str(validate=validate.Length(max=512))


def Id():  # noqa: N802 - reads like a field class
    return Str(validate=validate.Length(max=512))


class ContextSchema(Lenient):
    userId, patientId, encounterId = Id(), Id(), Id()  # noqa: N815 - CDS Hooks names


class OrderSelectContextSchema(ContextSchema):
    selections = fields.List(Id(), validate=validate.Length(max=50))
    draftOrders = Raw(allow_none=True)  # noqa: N815


class OrderSignContextSchema(ContextSchema):
    draftOrders = Raw(allow_none=True)  # noqa: N815


class MedicationPrescribeContextSchema(ContextSchema):
    medications = Raw(allow_none=True)


def hook_request_schema(hook, context_schema):
    """Return the schema of a call to the service for hook."""
    return Schema.from_dict({
        "hook": Str(required=True, validate=validate.Equal(hook)),
        "hookInstance": Str(required=True, validate=validate.Regexp(UUID)),
        "context": fields.Nested(context_schema, required=True),
        "fhirServer": Str(validate=validate.Length(max=2000)),
        "fhirAuthorization": fields.Nested(FhirAuthorizationSchema),  # never stored or logged
        "prefetch": fields.Dict(allow_none=True),
    }, name=f"{hook}-request")(unknown=EXCLUDE)


class FeedbackItemSchema(Lenient):
    card = Str(required=True, validate=validate.Regexp(UUID))
    outcome = Str(required=True, validate=validate.OneOf(("accepted", "overridden")))
    outcomeTimestamp = Str(required=True, validate=[  # noqa: N815
        validate.Length(max=40), validate.Regexp(TIMESTAMP)])
    acceptedSuggestions = fields.List(fields.Dict(), validate=validate.Length(max=20))  # noqa: N815
    overrideReason = fields.Dict()  # noqa: N815


class FeedbackSchema(Lenient):
    feedback = fields.List(fields.Nested(FeedbackItemSchema), required=True,
                           validate=validate.Length(min=1, max=100))


class ServiceSchema(Schema):
    hook, id, title, description = Str(), Str(), Str(), Str()
    prefetch = fields.Dict(keys=Str(), values=Str())


class DiscoverySchema(Schema):
    version = Str()
    services = fields.List(fields.Nested(ServiceSchema))


class CodingSchema(Schema):
    system, code, display = Str(), Str(), Str()


class CardSourceSchema(Schema):
    label, url = Str(), Str()
    topic = fields.Nested(CodingSchema)


class LinkSchema(Schema):
    label, url, type = Str(), Str(), Str()


class SuggestionActionSchema(Schema):
    type, description = Str(), Str()
    resource = fields.Dict()  # a FHIR R4 ServiceRequest, built whole by api.cds.cards


class SuggestionSchema(Schema):
    label, uuid, isRecommended = Str(), Str(), fields.Bool()  # noqa: N815 - CDS Hooks names
    actions = fields.List(fields.Nested(SuggestionActionSchema))


class CardSchema(Schema):
    uuid, summary, indicator, detail = Str(), Str(), Str(), Str()
    source = fields.Nested(CardSourceSchema)
    suggestions = fields.List(fields.Nested(SuggestionSchema))
    links = fields.List(fields.Nested(LinkSchema))


class CardsSchema(Schema):
    cards = fields.List(fields.Nested(CardSchema))


class FeedbackReceiptSchema(Schema):
    received = fields.Int()


order_select_request = hook_request_schema("order-select", OrderSelectContextSchema)
order_sign_request = hook_request_schema("order-sign", OrderSignContextSchema)
medication_prescribe_request = hook_request_schema("medication-prescribe",
                                                   MedicationPrescribeContextSchema)
feedback_request = FeedbackSchema()
feedback_receipt = FeedbackReceiptSchema()
discovery_schema = DiscoverySchema()
cards_schema = CardsSchema()
