"""Reads of accounts."""

from __future__ import annotations

from tessera.core.common.errors import NotFound

from .models import User


def user_by_id(user_id) -> User:
    try:
        return User.objects.get(pk=int(user_id))
    except (TypeError, ValueError, User.DoesNotExist):
        raise NotFound("User not found")


def full_names(user_ids) -> dict[int, str]:
    """``{id: full name (username when blank)}`` for ``user_ids``, in one query."""
    ids = {pk for pk in user_ids if pk is not None}
    if not ids:
        return {}
    rows = User.objects.filter(pk__in=ids).only("username", "first_name", "last_name")
    return {user.pk: user.full_name for user in rows}
