"""Cookie login for document 001's clients: ``/api/auth/login``, ``logout``, ``me``.

The access token travels in an HTTP-only, SameSite=Lax cookie. Document 001 does not show
these endpoints; their shapes are written down in docs/surfaces/support.md.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.views import APIView
from rest_framework_simplejwt.tokens import RefreshToken

from tessera.core.accounts.authentication import (
    AUTH_COOKIE_NAME,
    CookieJWTAuthentication,
    auth_cookie_kwargs,
)
from tessera.core.accounts.login import user_authenticate
from tessera.core.triage.selectors import support_role
from tessera.surfaces.drf import StrictJSONParser

from . import envelope
from . import schema as doc
from .security import refuse_cross_site_writes


def user_payload(user) -> dict:
    return {
        "id": str(user.public_id),
        "user_id": user.pk,
        "email": user.email,
        "username": user.username,
        "name": user.get_full_name() or user.username,
        "role": support_role(user),
    }


def _encodable(value: str) -> None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate would fail in the database driver
        raise serializers.ValidationError("Must be valid Unicode text")


class SupportLoginInput(serializers.Serializer):
    email = serializers.CharField(max_length=254, validators=[_encodable])
    password = serializers.CharField(
        max_length=256, write_only=True, trim_whitespace=False, validators=[_encodable]
    )


class SupportAPIView(APIView):
    def get_exception_handler(self):
        return envelope.exception_handler


class CookieLoginView(SupportAPIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    parser_classes = [StrictJSONParser]

    @extend_schema(
        operation_id="support_auth_login",
        summary="Log in: sets the HTTP-only access cookie",
        request=doc.SupportLoginRequest,
        responses={200: doc.USER, **doc.errors(400, 401, 403, 415, 429)},
    )
    def post(self, request):
        refuse_cross_site_writes(request)  # no login CSRF
        data = SupportLoginInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = user_authenticate(
            request=request._request,
            login=data.validated_data["email"],
            password=data.validated_data["password"],
        )
        if user is None:
            return envelope.json_error(request, 401, "Invalid email or password")
        access = str(RefreshToken.for_user(user).access_token)
        response = envelope.ok({"user": user_payload(user)}, "Login successful")
        response.set_cookie(AUTH_COOKIE_NAME, access, **auth_cookie_kwargs())
        return response


class CookieLogoutView(SupportAPIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        operation_id="support_auth_logout",
        summary="Log out: deletes the access cookie",
        request=None,
        responses={200: doc.LOGGED_OUT},
    )
    def post(self, request):
        response = envelope.ok(None, "Logout successful")
        response.delete_cookie(AUTH_COOKIE_NAME, path="/", samesite="Lax")
        return response


class CookieMeView(SupportAPIView):
    authentication_classes = [CookieJWTAuthentication]
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="support_auth_me",
        summary="The user the cookie belongs to",
        responses={200: doc.USER, **doc.errors(401)},
    )
    def get(self, request):
        return envelope.ok({"user": user_payload(request.user)}, "User retrieved successfully")
