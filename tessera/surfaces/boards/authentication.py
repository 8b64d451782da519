"""Document 003's "super secret key" header, defused.

The document publishes the key (``dev-super-secret-key-12345``), so the header may only
ever authenticate on a developer's machine: when ``SUPER_SECRET_KEY`` is set AND ``DEBUG``
is on. Otherwise the header is ignored (no JWT → 401). Production settings refuse to start
with the key set. Every use is logged at WARNING.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils.crypto import constant_time_compare
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication

from tessera.core.accounts.models import User

logger = logging.getLogger("tessera.boards.super_secret_key")
HEADER = "HTTP_X_SUPER_SECRET_KEY"


def super_secret_key_enabled() -> bool:
    return bool(settings.DEBUG and getattr(settings, "SUPER_SECRET_KEY", ""))


class SuperSecretKeyAuthentication(BaseAuthentication):
    def authenticate(self, request):
        supplied = request.META.get(HEADER)
        if not supplied or not super_secret_key_enabled():
            return None
        address = request.META.get("REMOTE_ADDR", "")
        if not constant_time_compare(supplied, settings.SUPER_SECRET_KEY):
            logger.warning(
                "super secret key rejected: %s %s from %s", request.method, request.path, address
            )
            raise exceptions.AuthenticationFailed("Invalid super secret key.")
        user = User.objects.filter(is_superuser=True, is_active=True).order_by("id").first()
        if user is None:
            logger.warning("super secret key used but no active superuser exists")
            raise exceptions.AuthenticationFailed("No superuser to authenticate as.")
        logger.warning(
            "super secret key used: %s %s from %s as %s",
            request.method,
            request.path,
            address,
            user.username,
        )
        return user, None

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'
