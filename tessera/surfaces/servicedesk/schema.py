"""OpenAPI description of document 002's surface, for drf-spectacular: every parameter with
its real constraints, every success body and every error status in DRF's shapes, so the one
schema at ``/api/schema/`` tells a client (and ``tests/fuzz/test_servicedesk_fuzz.py``) the
truth."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import serializers

from tessera.core.common.ids import MAX_ID
from tessera.core.servicedesk import selectors as sd

TAG = "ticketing"
BOOLS = ["true", "false", "True", "False", "1", "0"]


class Detail(serializers.Serializer):
    detail = serializers.CharField()


class VersionConflictBody(serializers.Serializer):
    detail = serializers.CharField()
    current_version = serializers.IntegerField()


FIELD_ERRORS = {
    "type": "object",
    "description": 'DRF\'s field errors `{field: [message, …]}`, or `{"detail": message}` '
    "for a rule the request broke (workflow, malformed header, unreadable body).",
    "additionalProperties": {},
}

ERRORS: dict[int, OpenApiResponse] = {
    400: OpenApiResponse(FIELD_ERRORS, description="Invalid input"),
    401: OpenApiResponse(Detail, description="Not signed in, or the token is invalid"),
    403: OpenApiResponse(Detail, description="The role may not do this"),
    404: OpenApiResponse(Detail, description="Not found or not visible; or no such page"),
    409: OpenApiResponse(
        VersionConflictBody, description="Stale `If-Match`: the ticket changed; nothing was done"
    ),
    415: OpenApiResponse(Detail, description="Unsupported media type"),
}


def _int(name: str, description: str, location: str = OpenApiParameter.QUERY) -> OpenApiParameter:
    return OpenApiParameter(
        name,
        {"type": "integer", "minimum": 1, "maximum": MAX_ID},
        location,
        description=description,
    )


def _enum(name: str, values: list[str], description: str) -> OpenApiParameter:
    return OpenApiParameter(name, {"type": "string", "enum": values}, description=description)


def ticket_filter(description: str) -> OpenApiParameter:
    return _int("ticket", description)


def bool_filter(name: str, description: str) -> OpenApiParameter:
    return _enum(name, BOOLS, description)


def enum_filter(name: str, values: list[str], description: str) -> OpenApiParameter:
    return _enum(name, values, description)


ID = _int("id", "Object id", OpenApiParameter.PATH)
PAGE = [
    _int("page", "Page number, from 1 (404 past the last page)"),
    OpenApiParameter(
        "page_size",
        {"type": "integer", "minimum": 1, "maximum": 100},
        description="Items per page (default 20, at most 100)",
    ),
]
DATE = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
TICKET_FILTERS = [
    _enum("status", sd.STATUSES, "Status key"),
    _enum("priority", list(sd.PRIORITIES.values()), "Priority name"),
    OpenApiParameter(
        "category",
        {"type": "string", "maxLength": 60},
        description="Category slug (see `/api/ticketing/categories/`); an unknown slug is 400",
    ),
    _int("customer", "Customer id (an unknown id is 400)"),
    _int("assigned_to", "Assigned user id (an unknown id is 400)"),
    _enum("my_tickets", BOOLS, "Only (true) or all but (false) the caller's tickets"),
    _enum("unassigned", BOOLS, "Only (true) or all but (false) unassigned tickets"),
    _enum("overdue", BOOLS, "Only (true) or all but (false) overdue tickets"),
    OpenApiParameter(
        "created_after", DATE, description="Created on or after this day (UTC), YYYY-MM-DD"
    ),
    OpenApiParameter(
        "created_before", DATE, description="Created on or before this day (UTC), YYYY-MM-DD"
    ),
    OpenApiParameter(
        "search", OpenApiTypes.STR, description="Ticket number, subject, description, tags"
    ),
]
IF_MATCH = OpenApiParameter(
    "If-Match",
    {"type": "string", "pattern": r'^(\*|(W/)?("[0-9]{1,10}"|[0-9]{1,10}))$'},
    OpenApiParameter.HEADER,
    description='Optional: the ticket version read earlier (its ETag, e.g. `"3"`); a stale '
    "version answers 409 and changes nothing.",
)
ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description='The ticket\'s version, quoted (`"3"`); send it back as If-Match',
    response=[200, 201],
)

_PAGES: dict[str, type[serializers.Serializer]] = {}


def page_of(item: type[serializers.Serializer], name: str) -> type[serializers.Serializer]:
    """DRF's ``{count, next, previous, results}`` around ``item``."""
    if name not in _PAGES:
        _PAGES[name] = extend_schema_serializer(many=False)(  # already a page: no 2nd wrap
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


def doc(
    *,
    summary: str,
    ok: Any = None,
    status: int = 200,
    request: Any = None,
    errors: tuple[int, ...] = (400, 401, 403, 404),
    params: list[OpenApiParameter] | None = None,
    page: tuple[type[serializers.Serializer], str] | None = None,
    path_id: bool = False,
    description: str = "",
):
    """``extend_schema`` for one operation: its success body and each error it can answer."""
    parameters = [ID] if path_id else []
    parameters += params or []
    responses: dict[Any, Any] = {}
    if page is not None:
        parameters += PAGE
        responses[status] = page_of(*page)
    else:
        responses[status] = ok
    if request is not None and 415 not in errors:
        # Any operation that reads a body answers 415 to one it cannot parse by its
        # Content-Type (none, or one no parser takes; found by fuzzing a multipart body).
        errors = (*errors, 415)
    responses.update({code: ERRORS[code] for code in sorted(errors)})
    return extend_schema(
        tags=[TAG],
        summary=summary,
        description=description or None,
        request=request,
        parameters=parameters,
        responses=responses,
        filters=False,
    )
