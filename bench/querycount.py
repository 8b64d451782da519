"""Bench-only middleware: counts SQL queries per request into the ``X-Bench-Queries`` header.

Installed only by ``bench/settings.py`` (never by Tessera's settings), so production code
carries no counting cost.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import connections
from django.http import HttpRequest, HttpResponse


class QueryCountMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        wrappers = [c.execute_wrapper(counter) for c in connections.all()]
        for w in wrappers:
            w.__enter__()
        try:
            response = self.get_response(request)
        finally:
            for w in reversed(wrappers):
                w.__exit__(None, None, None)
        response["X-Bench-Queries"] = str(count)
        return response
