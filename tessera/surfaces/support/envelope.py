"""Document 001's envelopes.

Success: ``{success, statusCode, message, data, timestamp}`` (+ ``meta`` on lists).
Error: ``{success: false, statusCode, message, timestamp, path, error?}``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.http import JsonResponse
from rest_framework import exceptions
from rest_framework.response import Response

from tessera.core.common.errors import TesseraError, as_core_error
from tessera.surfaces.drf import with_etag


def iso_ms(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC with milliseconds and ``Z``, as the document prints dates."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def timestamp() -> str:
    return iso_ms(datetime.now(UTC))


def ok(data: Any, message: str, status: int = 200, meta: dict | None = None) -> Response:
    body: dict[str, Any] = {"success": True, "statusCode": status, "message": message, "data": data}
    if meta is not None:
        body["meta"] = meta
    body["timestamp"] = timestamp()
    return Response(body, status=status)


DEFAULT_MESSAGES = {
    400: "Bad request",
    401: "Unauthorized access",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    415: "Unsupported media type",
    429: "Too many requests",
    500: "Internal server error",
}


def error_body(
    status: int, path: str, message: str | None = None, error: str | None = None
) -> dict:
    body: dict[str, Any] = {
        "success": False,
        "statusCode": status,
        "message": message or DEFAULT_MESSAGES.get(status, "Error"),
        "timestamp": timestamp(),
        "path": path,
    }
    if error:
        body["error"] = error
    return body


def first_error(detail: Any) -> str:
    """Flatten DRF validation detail into the document's one-line ``error``."""
    if isinstance(detail, dict):
        for value in detail.values():
            return first_error(value)
    if isinstance(detail, list) and detail:
        return first_error(detail[0])
    return str(detail)


def exception_handler(exc, context):
    """The support surface's DRF exception handler: every error in document 001's envelope."""
    request = context.get("request")
    path = request.path if request is not None else ""
    exc = as_core_error(exc)
    if isinstance(exc, TesseraError):
        status = exc.status
        if status == 400:
            detail = exc.fields or exc.message
            return Response(error_body(400, path, "Bad request", first_error(detail)), status=400)
        body = error_body(status, path, exc.message)
        if status == 409 and "current_version" in exc.extra:  # stale If-Match
            version = exc.extra["current_version"]
            body["current_version"] = version
            return with_etag(Response(body, status=409), version)
        return Response(body, status=status)
    if isinstance(exc, exceptions.ValidationError):
        return Response(error_body(400, path, "Bad request", first_error(exc.detail)), status=400)
    if isinstance(exc, exceptions.ParseError):
        return Response(error_body(400, path, "Bad request", str(exc.detail)), status=400)
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        return Response(error_body(401, path, "Unauthorized access"), status=401)
    if isinstance(exc, exceptions.APIException):
        status = exc.status_code
        message = exc.detail if isinstance(exc.detail, str) else DEFAULT_MESSAGES.get(status)
        return Response(error_body(status, path, str(message)), status=status)
    return None


def json_error(
    request, status: int, message: str | None = None, error: str | None = None
) -> JsonResponse:
    return JsonResponse(error_body(status, request.path, message, error), status=status)
