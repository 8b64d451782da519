"""Password login shared by every surface: one check, one brute-force policy."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.contrib.auth.models import update_last_login
from django.http import HttpRequest

from tessera.core.common.errors import TesseraError

from .models import User

# The longest login a user can have: an e-mail address (254); a username is at most 150.
MAX_LOGIN_LENGTH = 254


class LoginLockedOut(TesseraError):
    """Too many failed login attempts; try again later."""

    code = "locked_out"
    status = 429


def user_authenticate(*, request: HttpRequest, login: str, password: str) -> User | None:
    """The user for these credentials, or None; ``LoginLockedOut`` once the account or the
    address has failed too often (django-axes counts failures per account and per address).

    ``request`` must be Django's HttpRequest (``drf_request._request``): django-axes reads the
    client address from it and flags lockouts on it.
    """
    if len(login) > MAX_LOGIN_LENGTH:
        return None  # no username or e-mail address is this long (nor fits axes' record)
    user = authenticate(request, username=login, password=password)
    if user is None:
        if getattr(request, "axes_locked_out", False):
            raise LoginLockedOut("Too many failed login attempts; try again later.")
        return None
    update_last_login(None, user)
    return user
