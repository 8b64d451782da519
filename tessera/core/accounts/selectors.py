"""Reads of accounts."""

from __future__ import annotations

from tessera.core.common.errors import NotFound
from tessera.core.common.ids import MAX_ID
from tessera.core.common.prepared import Prepared

from .models import User


def full_name_of(
    username: str | None, first_name: str | None = "", last_name: str | None = ""
) -> str | None:
    """``User.full_name`` from its columns (a row of ``values()``): the full name, else the
    username; None without a user (the columns of an empty outer join)."""
    if username is None:
        return None
    return f"{first_name or ''} {last_name or ''}".strip() or username


def user_by_id(user_id) -> User:
    try:
        return User.objects.get(pk=int(user_id))
    except (TypeError, ValueError, User.DoesNotExist):
        raise NotFound("User not found")


_USER_ROW = Prepared(lambda pk: User.objects.filter(pk=pk), int)


def user_for_request(user_id: object) -> User | None:
    """The user whose id a verified token names, or None: read on every authenticated API
    request, so its query is compiled once (``common.prepared``)."""
    if isinstance(user_id, bool):
        return None
    try:
        pk = int(user_id)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None
    if not 0 < pk <= MAX_ID:
        return None
    return _USER_ROW.first(pk)
