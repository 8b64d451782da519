"""OpenAPI description of document 000's surface (drf-spectacular): each body field by field,
each parameter with its real constraints, and each error status in DRF's shapes, so the one
schema at ``/api/schema/`` tells a client — and ``tests/fuzz/test_workshop_fuzz.py`` — the
truth. These serializers only describe; the views render with ``serializers.py``."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
)
from rest_framework import serializers

from tessera.core.common.ids import MAX_ID
from tessera.core.workshop.models import (
    FlagColor,
    InventoryItemState,
    SessionEventKind,
    SessionState,
    XpKind,
    XpSource,
)
from tessera.surfaces.drf import NOT_SPACE

TAG = "workshop (document 000)"
STATES = ["NEW", "ASSIGNED", "IN_PROGRESS", "WAITING_QC", "REWORK", "DONE"]


def inline_enum(values: list[str]) -> dict[str, Any]:
    """``allOf`` keeps drf-spectacular's enum hook from pulling the choices out into shared
    components named after the field (``state``, ``color``), which collide across surfaces."""
    return {
        "allOf": [{"type": "string", "enum": list(values)}],
        "description": "One of: " + ", ".join(f"`{v}`" for v in values),
    }


def enum(values: list[str], **kwargs: Any) -> serializers.Field:
    """A choice field described inline (``{"type": "string", "enum": …}``): no shared enum
    component whose name would collide with another surface's ``state`` or ``color``."""
    field_class = extend_schema_field(inline_enum(values))(
        type("WsEnumField", (serializers.CharField,), {})
    )
    return field_class(**kwargs)


# --- bodies --------------------------------------------------------------------------------


class WsUser(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.CharField(allow_blank=True)


class WsProject(serializers.Serializer):
    id = serializers.IntegerField()
    key = serializers.CharField()
    name = serializers.CharField()


class WsInventoryItemBrief(serializers.Serializer):
    id = serializers.IntegerField()
    serial_number = serializers.CharField()
    name = serializers.CharField(allow_blank=True)
    state = enum(InventoryItemState.values)


class WsPartSpec(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    color = enum(FlagColor.values)
    planned_minutes = serializers.IntegerField(min_value=0)
    xp = serializers.IntegerField(min_value=0)


class WsWorkSession(serializers.Serializer):
    id = serializers.IntegerField()
    ticket_id = serializers.IntegerField()
    technician_id = serializers.IntegerField()
    state = enum(SessionState.values)
    started_at = serializers.DateTimeField()
    stopped_at = serializers.DateTimeField(allow_null=True)
    active_seconds = serializers.IntegerField(min_value=0, help_text="Derived from the events.")
    auto_resume_at = serializers.DateTimeField(
        allow_null=True,
        help_text="While PAUSED: when the spent pause budget resumes it; otherwise null.",
    )


class WsTicket(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField(help_text="`<PROJECT KEY>-<n>`")
    title = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    state = enum(STATES)
    version = serializers.IntegerField(help_text="Also sent as the `ETag` of the ticket.")
    project = WsProject()
    inventory_item = WsInventoryItemBrief()
    part_specs = WsPartSpec(many=True)
    flag_color = enum(FlagColor.values)
    xp_amount = serializers.IntegerField(min_value=0)
    total_duration = serializers.IntegerField(min_value=0, help_text="Planned seconds.")
    technician = WsUser(allow_null=True)
    approved_by = WsUser(allow_null=True)
    approved_at = serializers.DateTimeField(allow_null=True)
    current_session = WsWorkSession(allow_null=True, help_text="The latest work session.")
    created_by = WsUser(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    done_at = serializers.DateTimeField(allow_null=True)


class WsTransition(serializers.Serializer):
    id = serializers.IntegerField()
    from_state = serializers.CharField(
        allow_null=True, help_text="The state left (one of the states); null for the first"
    )
    to_state = enum(STATES)
    actor = WsUser(allow_null=True)
    created_at = serializers.DateTimeField()


class WsSessionEvent(serializers.Serializer):
    id = serializers.IntegerField()
    session_id = serializers.IntegerField()
    event = enum(SessionEventKind.values)
    at = serializers.DateTimeField()
    actor = WsUser(allow_null=True, help_text="null for an automatic resume")


class WsInventoryItem(WsInventoryItemBrief):
    active_ticket_id = serializers.IntegerField(allow_null=True)
    creation_confirmed = serializers.BooleanField()
    creation_reason = serializers.CharField(allow_blank=True)
    created_by = WsUser(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    archived_at = serializers.DateTimeField(allow_null=True)


class WsXpTransaction(serializers.Serializer):
    id = serializers.IntegerField()
    user = WsUser(allow_null=True, help_text="null once the user is deleted")
    ticket_id = serializers.IntegerField(allow_null=True)
    ticket_number = serializers.CharField(allow_null=True)
    kind = enum(XpKind.values)
    source = enum(XpSource.values)
    amount = serializers.IntegerField()
    at = serializers.DateTimeField()


class WsLeaderboardRow(serializers.Serializer):
    rank = serializers.IntegerField(min_value=1)
    user = WsUser()
    total_xp = serializers.IntegerField()
    transactions = serializers.IntegerField(min_value=1)


class WsTechnicianAnalytics(serializers.Serializer):
    technician = WsUser()
    tickets_done = serializers.IntegerField(min_value=1)
    first_pass_count = serializers.IntegerField(min_value=0)
    first_pass_yield = serializers.FloatField(min_value=0, max_value=1, allow_null=True)
    tickets_within_plan = serializers.IntegerField(min_value=0)
    median_active_seconds = serializers.FloatField(allow_null=True)
    median_planned_seconds = serializers.FloatField(allow_null=True)


class WsTokenPair(serializers.Serializer):
    access = serializers.CharField(help_text="Send as `Authorization: Bearer <access>`.")
    refresh = serializers.CharField(help_text="POST to `/api/v1/auth/token/refresh/`.")


class WsAccess(serializers.Serializer):
    access = serializers.CharField()


_PAGES: dict[str, type[serializers.Serializer]] = {}


def page_of(item: type[serializers.Serializer]) -> type[serializers.Serializer]:
    """DRF's ``{count, next, previous, results}`` around ``item``."""
    name = f"{item.__name__}Page"
    if name not in _PAGES:
        _PAGES[name] = extend_schema_serializer(many=False)(
            type(
                name,
                (serializers.Serializer,),
                {
                    "count": serializers.IntegerField(min_value=0),
                    "next": serializers.URLField(allow_null=True),
                    "previous": serializers.URLField(allow_null=True),
                    "results": item(many=True),
                    "__module__": __name__,
                },
            )
        )
    return _PAGES[name]


# --- errors --------------------------------------------------------------------------------


class WsDetail(serializers.Serializer):
    detail = serializers.CharField()


class WsTokenMessage(serializers.Serializer):
    token_class = serializers.CharField(required=False)
    token_type = serializers.CharField(required=False)
    message = serializers.CharField(required=False)


class WsAuthError(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField(required=False, help_text="`token_not_valid` for a bad JWT")
    messages = WsTokenMessage(many=True, required=False)


class WsVersionConflict(serializers.Serializer):
    detail = serializers.CharField()
    current_version = serializers.IntegerField()


FIELD_ERRORS = {
    "type": "object",
    "description": 'DRF\'s field errors `{"field": ["message", …]}` (nested for '
    '`part_specs`), or `{"detail": "message"}` for a rule the request broke (a state that '
    "does not allow the action, a spent pause budget, an unreadable body).",
    "additionalProperties": {},
}

ERRORS: dict[int, OpenApiResponse] = {
    400: OpenApiResponse(FIELD_ERRORS, description="Invalid input, state or session action"),
    401: OpenApiResponse(WsAuthError, description="Missing or invalid JWT"),
    403: OpenApiResponse(WsDetail, description="The role may not do this"),
    404: OpenApiResponse(WsDetail, description="Not found, not visible, or no such page"),
    409: OpenApiResponse(
        WsVersionConflict, description="Stale `If-Match`: the ticket changed; nothing was done"
    ),
    415: OpenApiResponse(WsDetail, description="Unsupported media type"),
    429: OpenApiResponse(WsDetail, description="Too many failed login attempts"),
}

# --- parameters ----------------------------------------------------------------------------


def _int(name: str, description: str, location: str = OpenApiParameter.QUERY) -> OpenApiParameter:
    return OpenApiParameter(
        name,
        {"type": "integer", "minimum": 1, "maximum": MAX_ID},
        location,
        description=description,
    )


def _enum(name: str, values: list[str], description: str) -> OpenApiParameter:
    return OpenApiParameter(name, {"type": "string", "enum": values}, description=description)


def _text(name: str, description: str, max_length: int = 100) -> OpenApiParameter:
    return OpenApiParameter(
        name,
        # no NUL and no blank value: both are refused (400) or ignored
        {
            "type": "string",
            "minLength": 1,
            "maxLength": max_length,
            "pattern": rf"^[^\x00]*{NOT_SPACE}[^\x00]*$",
        },
        description=description,
    )


ID = _int("id", "The object's id", OpenApiParameter.PATH)
PAGE = [
    _int("page", "Page number (a page past the end is 404)"),
    OpenApiParameter(
        "page_size",
        {"type": "integer", "minimum": 1, "maximum": 100},
        description="Items per page (default 20, at most 100)",
    ),
]
IF_MATCH = OpenApiParameter(
    "If-Match",
    {"type": "string", "pattern": r'^(\*|(W/)?("[0-9]{1,10}"|[0-9]{1,10}))$'},
    OpenApiParameter.HEADER,
    description='Optional: the ticket\'s version read earlier (its `ETag`, e.g. `"3"`); a '
    "stale version answers 409 with `current_version` and changes nothing.",
)
ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description='The ticket\'s version, quoted (`"3"`); send it back as `If-Match`',
    response=[200, 201],
)

TICKET_ORDERING = [
    "created_at",
    "-created_at",
    "updated_at",
    "-updated_at",
    "id",
    "-id",
    "xp_amount",
    "-xp_amount",
    "total_duration",
    "-total_duration",
]
INVENTORY_ORDERING = [
    "id",
    "-id",
    "serial_number",
    "-serial_number",
    "created_at",
    "-created_at",
    "updated_at",
    "-updated_at",
]
XP_ORDERING = ["at", "-at", "created_at", "-created_at", "amount", "-amount"]

TICKET_FILTERS = [
    _enum("state", STATES, "Only tickets in this state"),
    _int("technician", "Only tickets assigned to this technician (user id)"),
    _enum("flag_color", FlagColor.values, "Only tickets of this colour"),
    _text("serial", "Only tickets of the inventory item with this serial number"),
    _enum("ordering", TICKET_ORDERING, "Sort order (default `-created_at`)"),
]
INVENTORY_FILTERS = [
    _enum("state", InventoryItemState.values, "Only items in this state"),
    _text("serial_number", "Only the item with this serial number"),
    _text("search", "Serial number or name contains this text"),
    _enum("ordering", INVENTORY_ORDERING, "Sort order (default `id`)"),
]
XP_FILTERS = [
    _int("user", "Only transactions of this user"),
    _int("ticket", "Only transactions of this ticket"),
    _enum("kind", XpKind.values, "Only transactions of this kind"),
    _enum("ordering", XP_ORDERING, "Sort order (default `-at`)"),
]
LEADERBOARD_FILTERS = [
    OpenApiParameter(
        name,
        {"type": "string", "format": "date-time"},
        description=f"Only transactions {word} this instant (ISO 8601)",
    )
    for name, word in (("since", "at or after"), ("until", "before"))
]


def doc(
    *,
    op: str,
    summary: str,
    ok: Any,
    status: int = 200,
    request: Any = None,
    errors: tuple[int, ...] = (401, 403),
    params: list[OpenApiParameter] | None = None,
    paged: bool = False,
    path_id: bool = False,
    description: str = "",
):
    """``extend_schema`` for one operation: a unique operationId, the success body and each
    error status it can answer."""
    parameters = [ID] if path_id else []
    parameters += params or []
    if paged:
        parameters += PAGE
        ok = page_of(ok)
    responses: dict[Any, Any] = {status: ok}
    codes = set(errors)
    if paged or path_id:
        codes.add(404)
    if paged or request is not None:
        codes.add(400)
    if request is not None:
        codes.add(415)
    responses.update({code: ERRORS[code] for code in sorted(codes)})
    return extend_schema(
        operation_id=op,
        tags=[TAG],
        summary=summary,
        description=description or None,
        request=request,
        parameters=parameters,
        responses=responses,
    )
