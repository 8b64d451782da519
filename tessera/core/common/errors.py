"""One core error type with stable codes; each surface maps it to its own envelope.

Services raise these; they never return HTTP responses. A surface translates ``code`` to a
status (see ``STATUS_BY_CODE``) and ``message``/``fields`` to its document's error body.
"""

from __future__ import annotations

from typing import Any


class TesseraError(Exception):
    code: str = "invalid"
    status: int = 400

    def __init__(
        self,
        message: str = "",
        *,
        code: str | None = None,
        fields: dict[str, list[str]] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        self.message = message or self.__class__.__doc__ or self.code
        if code:
            self.code = code
        self.fields = fields or {}
        self.extra = extra or {}
        super().__init__(self.message)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}(code={self.code!r}, message={self.message!r})"


class ValidationFailed(TesseraError):
    """The input is not acceptable."""

    code = "invalid"
    status = 400


class InvalidTransition(TesseraError):
    """The workflow does not allow this move."""

    code = "invalid_transition"
    status = 400


class NotFound(TesseraError):
    """Not found."""

    code = "not_found"
    status = 404


class Forbidden(TesseraError):
    """You do not have permission to perform this action."""

    code = "forbidden"
    status = 403


class Conflict(TesseraError):
    """The object changed since it was read."""

    code = "conflict"
    status = 409


class StorageFull(TesseraError):
    """The server is short of disk space; uploads are refused until an admin frees some."""

    code = "storage_full"
    status = 507


class TimedOut(TesseraError):
    """The request took longer than the server allows; try again, or narrow it."""

    code = "timed_out"
    status = 503


# PostgreSQL's SQLSTATE for a statement cancelled by ``statement_timeout`` (or by an
# administrator's ``pg_cancel_backend``).
QUERY_CANCELED = "57014"


def as_core_error(exc: BaseException) -> BaseException:
    """``exc``, or ``TimedOut`` when it is the database cancelling a statement that ran past
    ``DB_STATEMENT_TIMEOUT``: a 503 in the surface's own envelope instead of a 500."""
    from django.db import OperationalError

    if isinstance(exc, OperationalError):
        cause = exc.__cause__
        if getattr(cause, "sqlstate", None) == QUERY_CANCELED:
            return TimedOut()
    return exc
