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
