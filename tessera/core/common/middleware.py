"""Middleware shared by every page and API."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from tessera.core.common.errors import TimedOut, as_core_error


class StatementTimeoutMiddleware:
    """A page whose query ran past ``DB_STATEMENT_TIMEOUT`` answers 503, not 500. The API
    surfaces answer it in their own envelopes (their exception handlers call
    ``as_core_error``); this covers the web UI and the admin."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        error = as_core_error(exception)
        if not isinstance(error, TimedOut):
            return None
        response = HttpResponse(error.message, status=503, content_type="text/plain")
        response["Retry-After"] = "30"
        return response
