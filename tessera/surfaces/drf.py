"""Shared by the surfaces that speak Django REST Framework's own shapes (workshop,
servicedesk, boards): core errors become DRF's ``{"detail": …}`` / field-error bodies.
"""

from __future__ import annotations

from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

from tessera.core.common.errors import TesseraError


class ConflictError(exceptions.APIException):
    status_code = 409
    default_detail = "The object changed since it was read."
    default_code = "conflict"


def as_drf_exception(exc: TesseraError) -> exceptions.APIException:
    if exc.status == 404:
        return exceptions.NotFound(exc.message)
    if exc.status == 403:
        return exceptions.PermissionDenied(exc.message)
    if exc.status == 429:
        return exceptions.Throttled(detail=exc.message)
    if exc.status == 409:
        return ConflictError({"detail": exc.message, **exc.extra})
    if exc.status != 400:
        error = exceptions.APIException(exc.message, code=exc.code)
        error.status_code = exc.status
        return error
    if exc.fields:
        return exceptions.ValidationError(exc.fields)
    return exceptions.ValidationError({"detail": exc.message})


def exception_handler(exc, context):
    """DRF's handler, taught the core error type."""
    if isinstance(exc, TesseraError):
        exc = as_drf_exception(exc)
    return drf_exception_handler(exc, context)
