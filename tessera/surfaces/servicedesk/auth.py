"""How a client of document 002 gets the ``Bearer`` token the document's examples send.

The document only shows ``Authorization: Bearer YOUR_TOKEN``; these two endpoints follow
simplejwt's own conventions (``{"access", "refresh"}``), over the platform's one password
check (``tessera.core.accounts.login``, with its brute-force lockout).
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.views import TokenRefreshView

from tessera.core.accounts.login import user_authenticate

from .schema import ERRORS

DETAIL = inline_serializer("ServicedeskDetail", {"detail": serializers.CharField()})


class TokenInput(serializers.Serializer):
    username = serializers.CharField(max_length=254, help_text="Username or email address.")
    password = serializers.CharField(max_length=4096, write_only=True, trim_whitespace=False)


class TokenPairSerializer(serializers.Serializer):
    access = serializers.CharField(help_text="Send as `Authorization: Bearer <access>`.")
    refresh = serializers.CharField(help_text="POST to `auth/token/refresh/` for a new access.")


class TokenView(APIView):
    """``POST /api/ticketing/auth/token/`` → ``{"access", "refresh"}``."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    def get_authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'  # so wrong credentials answer 401, not 403

    @extend_schema(
        tags=["ticketing"],
        request=TokenInput,
        responses={
            200: TokenPairSerializer,
            400: OpenApiResponse(description='Field errors: `{"field": ["…"]}`.'),
            401: OpenApiResponse(DETAIL, description="Wrong username or password."),
            # Like every operation of this surface that reads a body: a body whose media
            # type no parser reads (none given, say) is refused with 415.
            415: ERRORS[415],
            429: OpenApiResponse(DETAIL, description="Too many failed attempts."),
        },
    )
    def post(self, request: Request) -> Response:
        data = TokenInput(data=request.data)
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
    """``POST /api/ticketing/auth/token/refresh/`` ``{"refresh"}`` → ``{"access"}``."""

    @extend_schema(
        tags=["ticketing"],
        responses={
            200: inline_serializer("ServicedeskAccess", {"access": serializers.CharField()}),
            400: OpenApiResponse(description='Field errors: `{"field": ["…"]}`.'),
            401: OpenApiResponse(DETAIL, description="Invalid or expired refresh token."),
            415: ERRORS[415],
        },
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)
