"""Helpers shared by the page modules: error mapping and safe redirects."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from tessera.core.common.errors import Forbidden, NotFound, TesseraError


def error_messages(exc: TesseraError) -> list[str]:
    """A core error as the sentences shown inline beside the form that caused it."""
    messages: list[str] = []
    for problems in exc.fields.values():
        messages.extend(str(p) for p in problems)
    return messages or [exc.message]


def page_errors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Render ``NotFound``/``Forbidden`` raised while loading a page as 404/403 pages."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            return render(
                request,
                "web/error.html",
                {"title": "Not found", "message": exc.message},
                status=404,
            )
        except Forbidden as exc:
            return render(
                request,
                "web/error.html",
                {"title": "Not allowed", "message": exc.message},
                status=403,
            )

    return wrapper


def safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default
