"""DRF authentication classes shared by the surfaces.

- ``CookieJWTAuthentication``: document 001's HTTP-only cookie holding a platform JWT.
- ``ApiTokenAuthentication``: document 004's hashed API tokens from three transports.
"""

from __future__ import annotations

from django.conf import settings
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework_simplejwt.authentication import (
    JWTAuthentication as SimpleJWTAuthentication,
)
from rest_framework_simplejwt.exceptions import AuthenticationFailed, InvalidToken, TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import Token
from rest_framework_simplejwt.utils import get_md5_hash_password

from .models import User
from .selectors import user_for_request
from .services import api_token_authenticate

AUTH_COOKIE_NAME = "tessera_access"


class JWTAuthentication(SimpleJWTAuthentication):
    """simplejwt's ``Authorization: Bearer`` JWT, its user read by a query compiled once
    per process (``accounts.selectors.user_for_request``) instead of built per request;
    the same checks and the same errors as simplejwt's ``get_user``."""

    def get_user(self, validated_token: Token) -> User:
        try:
            user_id = validated_token[api_settings.USER_ID_CLAIM]
        except KeyError as exc:
            raise InvalidToken("Token contained no recognizable user identification") from exc
        user = user_for_request(user_id)
        if user is None:
            raise AuthenticationFailed("User not found", code="user_not_found")
        if api_settings.CHECK_USER_IS_ACTIVE and not user.is_active:
            raise AuthenticationFailed("User is inactive", code="user_inactive")
        if api_settings.CHECK_REVOKE_TOKEN and validated_token.get(
            api_settings.REVOKE_TOKEN_CLAIM
        ) != get_md5_hash_password(user.password):
            raise AuthenticationFailed(
                "The user's password has been changed.", code="password_changed"
            )
        return user


class CookieJWTAuthentication(JWTAuthentication):
    """Reads the access token from the HTTP-only cookie set by ``POST /api/auth/login``.

    Writes authenticated this way must carry a JSON body and a same-origin ``Origin``
    (checked by the support surface), since the cookie is sent by browsers automatically.
    """

    def authenticate(self, request):
        raw = request.COOKIES.get(AUTH_COOKIE_NAME)
        if not raw:
            return None
        try:
            validated = self.get_validated_token(raw)
        except (InvalidToken, TokenError):
            raise exceptions.AuthenticationFailed("Invalid or expired session")
        user = self.get_user(validated)
        request._tessera_cookie_auth = True
        return user, validated

    def authenticate_header(self, request) -> str:
        return 'Cookie realm="api"'


class ApiTokenAuthentication(BaseAuthentication):
    """``Authorization: Bearer``, ``X-API-Token`` or ``?token=``; 401 when unknown or inactive."""

    def authenticate(self, request):
        raw = self._raw_token(request)
        if raw is None:
            return None
        token = api_token_authenticate(raw)
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid or inactive API token")
        request.api_token = token
        return token.user, token

    @staticmethod
    def _raw_token(request) -> str | None:
        scheme, _, value = request.META.get("HTTP_AUTHORIZATION", "").strip().partition(" ")
        if scheme.lower() == "bearer":  # an empty "Bearer" is a wrong token, not no token
            return value.strip()
        if request.META.get("HTTP_X_API_TOKEN"):
            return request.META["HTTP_X_API_TOKEN"].strip()
        if request.query_params.get("token"):
            return request.query_params["token"].strip()
        return None

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


def auth_cookie_kwargs() -> dict:
    return {
        "httponly": True,
        "samesite": "Lax",
        "secure": getattr(settings, "TESSERA_AUTH_COOKIE_SECURE", False),
        "path": "/",
        "max_age": int(settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"].total_seconds()),
    }
