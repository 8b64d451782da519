"""OpenAPI description of document 001's endpoints (drf-spectacular): the envelopes, the
Ticket object, the query and path parameters with their real constraints, and every error
status each endpoint can answer. Only used to build /api/schema/; the views shape answers
through ``envelope`` and ``serializers``."""

from __future__ import annotations

from typing import ClassVar

from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers

from tessera.surfaces.drf import NOT_SPACE, SPACE

from .serializers import PRIORITIES, TICKET_STATUS

UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
# A string of at least ``n`` characters once trimmed, without NUL (refused by the parser).
NO_NUL = r"^[^\x00]*$"


def trimmed_min(n: int) -> str:
    return rf"^{SPACE}*{NOT_SPACE}[^\x00]{{{n - 2},}}{NOT_SPACE}{SPACE}*$"


def enum(values: list[str], **kwargs) -> serializers.Field:
    """A string field documented as an inline enum (no shared component name, so no
    collision with other surfaces' ``status``/``priority`` enums)."""
    nullable = kwargs.get("allow_null", False)
    spec = {"type": "string", "enum": [*values, None] if nullable else list(values)}
    if nullable:
        spec["nullable"] = True
    field_class = extend_schema_field(spec)(type("Enum", (serializers.CharField,), {}))
    return field_class(**kwargs)


PIPELINE_STATUSES = ["queued", "processing", "done"]
STEP_STATUSES = ["pending", "started", "retrying", "succeeded", "failed", "skipped"]
ROLES = ["user", "moderator", "admin"]


def _closed_object(name: str, properties: dict, required: list[str], description: str) -> dict:
    """A request body schema with ``additionalProperties: false``: the server ignores other
    fields (NestJS whitelist), but they are not part of the contract."""
    body = {
        "title": name,
        "type": "object",
        "description": description,
        "properties": properties,
        "additionalProperties": False,
    }
    if required:
        body["required"] = required
    return body


CREATE_TICKET_BODY = _closed_object(
    "SupportCreateTicket",
    {
        "title": {
            "type": "string",
            "minLength": 5,
            "maxLength": 200,
            "pattern": trimmed_min(5),
            "example": "Cannot access user dashboard",
        },
        "description": {
            "type": "string",
            "minLength": 10,
            "maxLength": 5000,
            "pattern": trimmed_min(10),
            "example": "When I try to access my dashboard, I get a 404 error.",
        },
    },
    ["title", "description"],
    "CreateTicketDto: lengths count the trimmed text; NUL characters are refused.",
)
UPDATE_TICKET_BODY = _closed_object(
    "SupportUpdateTicket",
    {
        "status": {"type": "string", "enum": [*TICKET_STATUS, None], "nullable": True},
        "helpful_notes": {
            "type": "string",
            "maxLength": 2000,
            "pattern": NO_NUL,
            "nullable": True,
        },
    },
    [],
    'UpdateTicketDto: both optional; null means "not given". A status the workflow '
    "cannot reach from the current one is 400.",
)
LOGIN_BODY = _closed_object(
    "SupportLogin",
    {
        "email": {
            "type": "string",
            "maxLength": 254,
            "pattern": rf"^[^\x00]*{NOT_SPACE}[^\x00]*$",
            "description": "Email or username",
        },
        "password": {"type": "string", "minLength": 1, "maxLength": 256, "pattern": NO_NUL},
    },
    ["email", "password"],
    "Credentials; the answer sets the HTTP-only access cookie.",
)


class RawBody(serializers.Serializer):
    """A request body documented by its raw JSON schema (``raw``), as a named component."""

    raw: ClassVar[dict] = {}


class CreateTicketRequest(RawBody):
    raw = CREATE_TICKET_BODY


class UpdateTicketRequest(RawBody):
    raw = UPDATE_TICKET_BODY


class SupportLoginRequest(RawBody):
    raw = LOGIN_BODY


class RawBodyExtension(OpenApiSerializerExtension):
    """Emit ``RawBody.raw`` as the component (drf-spectacular cannot say
    ``additionalProperties: false`` for a serializer); ``required`` there makes the request
    body required."""

    target_class = RawBody
    match_subclasses = True

    def get_name(self, auto_schema, direction) -> str:
        return self.target.raw["title"]

    def map_serializer(self, auto_schema, direction) -> dict:
        return {k: v for k, v in self.target.raw.items() if k != "title"}


class TicketSchema(serializers.Serializer):
    """Document 001's Ticket object."""

    id = serializers.UUIDField()
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=5000)
    status = enum(TICKET_STATUS)
    priority = enum(PRIORITIES)
    created_by = serializers.UUIDField(allow_null=True)
    assigned_to = serializers.UUIDField(allow_null=True)
    summary = serializers.CharField(allow_null=True)
    helpful_notes = serializers.CharField(allow_null=True, max_length=2000)
    related_skills = serializers.ListField(child=serializers.CharField(), allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class EmailSchema(serializers.Serializer):
    email = serializers.CharField()


class TicketEnhancedSchema(TicketSchema):
    """A row of ``GET /api/tickets/all``: the Ticket plus ``assignee`` and ``creator``."""

    assignee = EmailSchema(allow_null=True)
    creator = EmailSchema(allow_null=True)


class MetaSchema(serializers.Serializer):
    total = serializers.IntegerField(min_value=0)
    page = serializers.IntegerField(min_value=1)
    limit = serializers.IntegerField(min_value=1, max_value=100)


class StepSchema(serializers.Serializer):
    name = serializers.CharField()
    status = enum(STEP_STATUSES)
    attempts = serializers.IntegerField(min_value=0)
    reason = serializers.CharField(allow_null=True)
    result = serializers.DictField(allow_null=True)
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    next_attempt_at = serializers.DateTimeField(allow_null=True)


class ProcessingSchema(serializers.Serializer):
    ticket_id = serializers.UUIDField()
    pipeline_status = enum(PIPELINE_STATUSES, allow_null=True)
    steps = StepSchema(many=True)


class UserSchema(serializers.Serializer):
    id = serializers.UUIDField()
    user_id = serializers.IntegerField()
    email = serializers.CharField(allow_blank=True)
    username = serializers.CharField()
    name = serializers.CharField()
    role = enum(ROLES)


def _envelope(name: str, data, *, meta: bool = False):
    fields = {
        "success": serializers.BooleanField(),
        "statusCode": serializers.IntegerField(),
        "message": serializers.CharField(),
        "data": data,
    }
    if meta:
        fields["meta"] = MetaSchema()
    fields["timestamp"] = serializers.DateTimeField()
    return inline_serializer(name, fields)


ERROR = inline_serializer(
    "SupportError",
    {
        "success": serializers.BooleanField(),
        "statusCode": serializers.IntegerField(),
        "message": serializers.CharField(),
        "timestamp": serializers.DateTimeField(),
        "path": serializers.CharField(),
        "error": serializers.CharField(required=False),
    },
)
CONFLICT = inline_serializer(
    "SupportConflict",
    {
        "success": serializers.BooleanField(),
        "statusCode": serializers.IntegerField(),
        "message": serializers.CharField(),
        "timestamp": serializers.DateTimeField(),
        "path": serializers.CharField(),
        "current_version": serializers.IntegerField(),
    },
)

TICKET = _envelope("SupportTicketEnvelope", TicketSchema())
TICKET_LIST = _envelope("SupportTicketListEnvelope", TicketSchema(many=True), meta=True)
TICKET_ALL = _envelope("SupportTicketAllEnvelope", TicketEnhancedSchema(many=True), meta=True)
DELETED = _envelope("SupportDeletedEnvelope", serializers.JSONField(allow_null=True))
PROCESSING = _envelope("SupportProcessingEnvelope", ProcessingSchema())
USER = _envelope(
    "SupportUserEnvelope", inline_serializer("SupportUserData", {"user": UserSchema()})
)
LOGGED_OUT = _envelope("SupportLogoutEnvelope", serializers.JSONField(allow_null=True))


def errors(*statuses: int) -> dict[int, OpenApiResponse]:
    text = {
        400: "Bad request: the first failing rule is in `error`",
        401: "Unauthorized access: no valid cookie",
        403: "Forbidden: the role may not do this, or a cross-site write",
        404: "Ticket not found (unknown or malformed id)",
        405: "Method not allowed",
        409: "Stale `If-Match`: the ticket changed; `current_version` and `ETag` say how",
        415: "Unsupported media type: bodies must be JSON",
        429: "Too many failed logins",
    }
    return {
        s: OpenApiResponse(CONFLICT if s == 409 else ERROR, description=text[s]) for s in statuses
    }


LIST_PARAMS = [
    OpenApiParameter(
        "page",
        {"type": "integer", "minimum": 1},
        description="Page number, from 1 (default 1)",
    ),
    OpenApiParameter(
        "limit",
        {"type": "integer", "minimum": 1, "maximum": 100},
        description="Items per page, 1-100 (default 20)",
    ),
    OpenApiParameter("status", str, enum=TICKET_STATUS),
    OpenApiParameter("priority", str, enum=PRIORITIES),
]
ASSIGNED_TO = OpenApiParameter(
    "assigned_to",
    OpenApiTypes.UUID,
    description="UUID of the assigned moderator (applied on /all; validated on both lists)",
)
EXAMPLE_TICKET_ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
TICKET_ID = OpenApiParameter(
    "ticket_id",
    OpenApiTypes.UUID,
    OpenApiParameter.PATH,
    description="The ticket's UUID (anything else is 404 Ticket not found)",
    examples=[OpenApiExample("A ticket", value=EXAMPLE_TICKET_ID)],
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description='Optional: the ticket\'s version as sent in `ETag` (`"3"`); stale gives 409',
)
ETAG = OpenApiParameter(
    "ETag",
    str,
    OpenApiParameter.HEADER,
    response=[200],
    description='The ticket\'s version, `"<n>"`, for `If-Match`',
)
