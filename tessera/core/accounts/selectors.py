"""Reads of accounts."""

from __future__ import annotations

from tessera.core.common.errors import NotFound

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
