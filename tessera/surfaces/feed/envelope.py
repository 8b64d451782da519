"""Document 004's envelopes.

Success: ``{success, count, tickets, timestamp}`` (list) and ``{success, ticket, timestamp}``
(one ticket). Error: ``{success: false, error, detail?, timestamp}`` for every status.
Timestamps are ISO 8601 in UTC with seconds and ``+00:00``, as the document prints them.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response

from tessera.core.common import clock
from tessera.core.common.errors import TesseraError, as_core_error

logger = logging.getLogger("tessera.surfaces.feed")

ERRORS = {
    400: "Bad request",
    401: "Invalid or missing API token",
    403: "Forbidden",
    404: "Ticket not found",
    405: "Method not allowed",
    500: "Internal server error",
}


def iso(moment: datetime | None) -> str | None:
    """``2025-08-21T19:20:51+00:00``: UTC, whole seconds, explicit offset."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def timestamp() -> str:
    return iso(clock.now())


def ok(body: dict[str, Any], *, headers: dict[str, str] | None = None) -> Response:
    return Response({"success": True, **body, "timestamp": timestamp()}, headers=headers)


def error(status: int, detail: str | None = None, *, headers: dict | None = None) -> Response:
    body: dict[str, Any] = {"success": False, "error": ERRORS.get(status, "Error")}
    if detail:
        body["detail"] = detail
    body["timestamp"] = timestamp()
    return Response(body, status=status, headers=headers)


class BadQuery(exceptions.APIException):
    """A query parameter the feed cannot read (``page``, ``page_size``, ``updated_since``)."""

    status_code = 400
    default_detail = "Invalid query parameter."


def exception_handler(exc: Exception, context: dict) -> Response:
    """Every error of the feed, including unexpected ones, in document 004's envelope."""
    exc = as_core_error(exc)
    if isinstance(exc, TesseraError):
        return error(exc.status, exc.message)
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        view = context.get("view")
        request = context.get("request")
        challenge = view.get_authenticate_header(request) if view and request else None
        headers = {"WWW-Authenticate": challenge} if challenge else None
        return error(401, str(exc.detail), headers=headers)
    if isinstance(exc, exceptions.MethodNotAllowed):
        view = context.get("view")
        allow = ", ".join(view.allowed_methods) if view is not None else "GET, HEAD"
        return error(405, str(exc.detail), headers={"Allow": allow})
    if isinstance(exc, Http404):
        return error(404)
    if isinstance(exc, PermissionDenied):
        return error(403)
    if isinstance(exc, exceptions.APIException):
        detail = exc.detail if isinstance(exc.detail, str) else None
        return error(exc.status_code, str(detail) if detail else None)
    logger.exception("Unhandled error in the feed", exc_info=exc)
    return error(500, "The server could not answer this request; it has been logged.")
