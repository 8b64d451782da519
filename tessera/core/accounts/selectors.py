"""Reads of accounts."""

from __future__ import annotations

from tessera.core.common.errors import NotFound

from .models import User


def user_by_id(user_id) -> User:
    try:
        return User.objects.get(pk=int(user_id))
    except (TypeError, ValueError, User.DoesNotExist):
        raise NotFound("User not found")
