"""Document 004: the read-only ticket feed for integrations, authenticated by API tokens.

``GET /api/tickets/`` lists, ``GET /api/tickets/{id}/`` shows one ticket. Every other method
is 405, answered before authentication (the resource simply has no such method). Errors of
every kind, unexpected ones included, answer in the feed's envelope (``envelope.py``).
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

from django.conf import settings
from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import exceptions, serializers
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

from tessera.core.accounts.authentication import ApiTokenAuthentication
from tessera.core.tickets.feed import feed_page, feed_row
from tessera.core.tickets.selectors import access_ticket, tickets_visible_to
from tessera.surfaces.drf import FastJSONRenderer

from . import envelope
from .serializers import FeedTicketSerializer, tickets_fields

# "+00:00" sent unencoded in a query string arrives as " 00:00"; give the sign back.
_SPACED_OFFSET = re.compile(r"(\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}(?::?\d{2})?)$")
_MAX_PK_DIGITS = 18
_HUGE = 10**18
# The boards surface routes these literal names under /api/tickets/ before the feed; a
# ticket key never equals one (tests/fuzz/test_feed_fuzz.py checks the list is complete).
BOARDS_LITERALS = (
    "attachments",
    "auth",
    "columns",
    "comments",
    "companies",
    "contacts",
    "dashboard",
    "projects",
    "tags",
    "tickets",
    "users",
)
IDENT_PATTERN = rf"^(?!(?:{'|'.join(BOARDS_LITERALS)})$)[^/]+$"


class AlwaysJSON(BaseContentNegotiation):
    """The feed speaks JSON whatever ``Accept`` says (no 406, no browsable HTML)."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def _positive_int(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw.strip() == "":
        return default
    digits = raw.strip()
    if digits.isascii() and digits.isdigit() and len(digits) > _MAX_PK_DIGITS:
        return _HUGE  # past any page / above the cap; int() of 5,000 digits would refuse
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise envelope.BadQuery(f"{name} must be a positive integer.")
    return value


def parse_updated_since(raw: str) -> datetime:
    """ISO 8601 datetime (an offset, ``Z``, or none meaning UTC) or a date (midnight UTC)."""
    value = _SPACED_OFFSET.sub(r"\1+\2", raw.strip())
    try:
        moment = parse_datetime(value)
        if moment is None:
            day = parse_date(value)
            moment = datetime(day.year, day.month, day.day) if day else None
    except ValueError:
        moment = None
    if moment is None:
        raise envelope.BadQuery(
            "updated_since must be an ISO 8601 date or datetime, e.g. 2025-08-21T19:20:51+00:00."
        )
    try:
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except OverflowError:
        # before 0001-01-01 or after 9999-12-31 in UTC: "since the beginning" / "nothing yet"
        edge = datetime.min if moment.year == 1 else datetime.max
        return edge.replace(tzinfo=UTC)


class FeedView(APIView):
    authentication_classes = [ApiTokenAuthentication]
    permission_classes = [IsAuthenticated]
    renderer_classes = [FastJSONRenderer]
    content_negotiation_class = AlwaysJSON
    http_method_names = ["get", "head"]

    def initial(self, request: Request, *args, **kwargs) -> None:
        if request.method not in ("GET", "HEAD"):
            raise exceptions.MethodNotAllowed(request.method)
        super().initial(request, *args, **kwargs)

    def get_exception_handler(self):
        return envelope.exception_handler


_TICKET = FeedTicketSerializer
_ERROR = inline_serializer(
    "FeedError",
    {
        "success": serializers.BooleanField(),
        "error": serializers.CharField(),
        "detail": serializers.CharField(required=False),
        "timestamp": serializers.DateTimeField(),
    },
)


def _error(text: str) -> OpenApiResponse:
    return OpenApiResponse(_ERROR, description=text)


def _header(name: str, statuses: list[int], text: str) -> OpenApiParameter:
    return OpenApiParameter(name, str, OpenApiParameter.HEADER, response=statuses, description=text)


_TOKEN_PARAMETER = OpenApiParameter(
    "token", str, description="The API token (or send it as Bearer / X-API-Token)."
)
_COMMON_ERRORS = {
    401: _error("Missing, unknown, inactive or expired API token."),
    405: _error("Any method but GET/HEAD (answered before authentication)."),
    500: _error("Unexpected server error (logged; no internals in the body)."),
}
_COMMON_HEADERS = [
    _header("WWW-Authenticate", [401], 'Bearer realm="api"'),
    _header("Allow", [405], "GET, HEAD"),
]


class TicketFeedView(FeedView):
    @extend_schema(
        operation_id="feed_tickets_list",
        tags=["feed (document 004)"],
        summary="All tickets the token's user may see, oldest first (by key), paginated.",
        description=(
            "`count` is the total of matching tickets, not the page's length. A page past "
            "the end is 200 with `tickets: []`. Unknown query parameters are ignored."
        ),
        parameters=[
            OpenApiParameter(
                "page",
                {"type": "integer", "minimum": 1},
                description="1-based page number (default 1).",
            ),
            OpenApiParameter(
                "page_size",
                {"type": "integer", "minimum": 1},
                description="Tickets per page (default 100); values above 500 are capped.",
            ),
            OpenApiParameter(
                "updated_since",
                OpenApiTypes.DATETIME,
                description=(
                    "Only tickets changed at or after this ISO 8601 moment (inclusive). A "
                    "datetime without offset is UTC; a date (2025-08-21) means midnight UTC."
                ),
            ),
            _TOKEN_PARAMETER,
            _header("Link", [200], 'RFC 8288 rel="next" / rel="prev" page URLs, when any.'),
            *_COMMON_HEADERS,
        ],
        responses={
            200: inline_serializer(
                "FeedTicketList",
                {
                    "success": serializers.BooleanField(),
                    "count": serializers.IntegerField(min_value=0),
                    "tickets": _TICKET(many=True),
                    "timestamp": serializers.DateTimeField(),
                },
            ),
            400: _error("page or page_size not a positive integer, or updated_since unreadable."),
            **_COMMON_ERRORS,
        },
    )
    def get(self, request: Request) -> Response:
        # Taken before reading, so a client may pass it back as ``updated_since`` and miss
        # nothing (the filter is inclusive).
        stamp = envelope.timestamp()
        page = _positive_int(request, "page", 1)
        size = min(
            _positive_int(request, "page_size", settings.TESSERA_FEED_PAGE_SIZE),
            settings.TESSERA_FEED_MAX_PAGE_SIZE,
        )
        qs = tickets_visible_to(request.user)
        since = request.query_params.get("updated_since")
        polling = since is not None and since.strip() != ""
        if polling:
            qs = qs.filter(updated_at__gte=parse_updated_since(since))
        offset = (page - 1) * size
        # a poll's changed tickets through their own index; the window's OFFSET is a
        # database bigint
        total, rows = feed_page(qs, offset=offset, size=size, narrow=polling and offset < _HUGE)
        data = tickets_fields(rows)
        body = {"success": True, "count": total, "tickets": data, "timestamp": stamp}
        return Response(body, headers=self._links(request, page, size, total))

    @staticmethod
    def _links(request: Request, page: int, size: int, total: int) -> dict[str, str]:
        """RFC 8288 ``Link`` header with ``next``/``prev``; the body stays as documented."""
        url = request.build_absolute_uri()
        links = []
        if page * size < total:
            links.append(f'<{replace_query_param(url, "page", page + 1)}>; rel="next"')
        if page > 1:
            prev = min(page - 1, max(1, -(-total // size)))
            target = (
                remove_query_param(url, "page")
                if prev == 1
                else replace_query_param(url, "page", prev)
            )
            links.append(f'<{target}>; rel="prev"')
        return {"Link": ", ".join(links)} if links else {}


class TicketFeedDetailView(FeedView):
    @extend_schema(
        operation_id="feed_tickets_retrieve",
        tags=["feed (document 004)"],
        summary="One ticket by ticket_number (TKT-000001, DEMO-3, SDB-1), key or UUID.",
        parameters=[
            OpenApiParameter(
                "ident",
                str,
                OpenApiParameter.PATH,
                description=(
                    "The ticket's `ticket_number` (case-insensitive), `<project key>-<number>`, "
                    "its integer key, or its public UUID. The boards surface's resource names "
                    "under /api/tickets/ (companies, users, …) are not ticket ids."
                ),
                pattern=IDENT_PATTERN,
            ),
            _TOKEN_PARAMETER,
            _header("ETag", [200], 'The ticket\'s version, quoted: "3".'),
            *_COMMON_HEADERS,
        ],
        responses={
            200: inline_serializer(
                "FeedTicketDetail",
                {
                    "success": serializers.BooleanField(),
                    "ticket": _TICKET(),
                    "timestamp": serializers.DateTimeField(),
                },
            ),
            404: _error("No such ticket, or one the token's user may not see."),
            **_COMMON_ERRORS,
        },
    )
    def get(self, request: Request, ident: str) -> Response:
        ticket = access_ticket(actor=request.user, **_lookup(ident))
        row = feed_row(ticket.pk)
        return envelope.ok(
            {"ticket": tickets_fields([row])[0]}, headers={"ETag": f'"{row["version"]}"'}
        )


def _lookup(ident: str) -> dict[str, str | None]:
    """Which key ``ident`` is: digits are the integer key, a UUID the public id, else a number."""
    ident = ident.strip()
    if ident.isascii() and ident.isdigit():
        # beyond a 64-bit key nothing can match; do not send it to the database
        return {"ticket_id": ident if len(ident) <= _MAX_PK_DIGITS else "0"}
    try:
        return {"public_id": str(uuid.UUID(ident))}
    except ValueError:
        return {"number": ident}
