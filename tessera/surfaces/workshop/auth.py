"""How a client of document 000 gets the JWT it sends as ``Authorization: Bearer``.

The document only says "Missing/invalid JWT -> 401"; these endpoints follow simplejwt's
conventions (``{"access", "refresh"}``) over the platform's one password check
(``tessera.core.accounts.login.user_authenticate``, with its brute-force lockout). Any
platform JWT works on this surface; these just put one where a client of ``/api/v1/`` looks.
"""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.views import TokenRefreshView

from tessera.core.accounts.login import user_authenticate

from . import schema as d
from .views import JSON_PARSERS


class WorkshopTokenIn(serializers.Serializer):
    username = serializers.CharField(max_length=254, help_text="Username or email address.")
    password = serializers.CharField(max_length=4096, write_only=True, trim_whitespace=False)


class WorkshopRefreshIn(serializers.Serializer):
    refresh = serializers.CharField(max_length=4096)


class TokenView(APIView):
    """``POST /api/v1/auth/token/`` ``{"username", "password"}`` → ``{"access", "refresh"}``."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    parser_classes = JSON_PARSERS

    def get_authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'  # wrong credentials answer 401, not 403

    @d.doc(
        op="workshop_auth_token",
        summary="Sign in: a JWT pair",
        ok=d.WsTokenPair,
        request=WorkshopTokenIn,
        errors=(401, 429),
    )
    def post(self, request: Request) -> Response:
        data = WorkshopTokenIn(data=request.data)
        data.is_valid(raise_exception=True)
        user = user_authenticate(
            request=request._request,
            login=data.validated_data["username"],
            password=data.validated_data["password"],
        )
        if user is None or not user.is_active:
            raise AuthenticationFailed("No active account found with the given credentials")
        refresh = RefreshToken.for_user(user)
        return Response({"access": str(refresh.access_token), "refresh": str(refresh)})


class TokenRefresh(TokenRefreshView):
    """``POST /api/v1/auth/token/refresh/`` ``{"refresh"}`` → ``{"access"}``."""

    parser_classes = JSON_PARSERS

    @d.doc(
        op="workshop_auth_token_refresh",
        summary="A new access token",
        ok=d.WsAccess,
        request=WorkshopRefreshIn,
        errors=(401,),
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)
