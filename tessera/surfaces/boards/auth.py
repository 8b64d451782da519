"""Document 003's authentication endpoints: register, login, refresh, me (JWT)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.views import TokenRefreshView

from tessera.core.accounts.authentication import JWTAuthentication
from tessera.core.accounts.login import user_authenticate
from tessera.core.accounts.registration import user_register
from tessera.core.common.errors import TesseraError, ValidationFailed
from tessera.surfaces.boards.errors import raise_as_drf

from . import schema as doc

UserBriefSerializer = doc.UserBrief


class MeSerializer(UserBriefSerializer):
    is_superuser = serializers.BooleanField()
    is_staff = serializers.BooleanField()


class RegisterInput(serializers.Serializer):
    username = serializers.RegexField(r"^[\w.@+-]+$", max_length=150)
    email = serializers.EmailField()
    password = serializers.CharField(write_only=True)
    password_confirm = serializers.CharField(write_only=True)
    first_name = serializers.CharField(required=False, allow_blank=True, max_length=150, default="")
    last_name = serializers.CharField(required=False, allow_blank=True, max_length=150, default="")
    project_key = serializers.CharField(required=False, allow_blank=True, max_length=20)
    project_name = serializers.CharField(required=False, allow_blank=True, max_length=200)


class BoardsLoginInput(serializers.Serializer):
    # as long as a username or an e-mail address can be (the other surfaces' bounds): a
    # longer one overflowed the failed-login record's column, a 500
    username = serializers.CharField(max_length=254)
    password = serializers.CharField(max_length=4096, write_only=True)


def tokens_for(user) -> dict[str, str]:
    refresh = RefreshToken.for_user(user)
    return {"refresh": str(refresh), "access": str(refresh.access_token)}


TOKENS = inline_serializer(
    "BoardsTokens", {"refresh": serializers.CharField(), "access": serializers.CharField()}
)


class RegisterView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        tags=[doc.TAG],
        summary="Register: a user, their own project (superadmin) and tokens",
        request=RegisterInput,
        responses={
            400: doc.ERRORS[400],
            415: doc.ERRORS[415],
            201: inline_serializer(
                "BoardsRegisterResponse",
                {
                    "message": serializers.CharField(),
                    "user": UserBriefSerializer(),
                    "project": inline_serializer(
                        "BoardsProjectBrief",
                        {
                            "id": serializers.IntegerField(),
                            "name": serializers.CharField(),
                            "key": serializers.CharField(),
                        },
                    ),
                    "tokens": TOKENS,
                },
            ),
        },
    )
    def post(self, request):
        data = RegisterInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            user, project = user_register(**data.validated_data)
        except ValidationFailed as exc:
            raise_as_drf(exc)
        return Response(
            {
                "message": "User registered successfully",
                "user": UserBriefSerializer(user).data,
                "project": {"id": project.pk, "name": project.name, "key": project.key},
                "tokens": tokens_for(user),
            },
            status=status.HTTP_201_CREATED,
        )


class LoginView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        tags=[doc.TAG],
        summary="Log in with username (or email) and password",
        request=BoardsLoginInput,
        responses={
            400: doc.ERRORS[400],
            415: doc.ERRORS[415],
            429: doc.ERRORS[429],
            200: inline_serializer(
                "BoardsLoginResponse",
                {
                    "message": serializers.CharField(),
                    "user": UserBriefSerializer(),
                    "tokens": TOKENS,
                },
            ),
        },
    )
    def post(self, request):
        data = BoardsLoginInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            user = user_authenticate(
                request=request._request,
                login=data.validated_data["username"],
                password=data.validated_data["password"],
            )
        except TesseraError as exc:
            raise_as_drf(exc)
        if user is None:
            raise serializers.ValidationError({"non_field_errors": ["Invalid credentials"]})
        return Response(
            {
                "message": "Login successful",
                "user": UserBriefSerializer(user).data,
                "tokens": tokens_for(user),
            }
        )


class MeView(APIView):
    authentication_classes = [JWTAuthentication]
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=[doc.TAG],
        summary="The signed-in user",
        responses={200: MeSerializer, 401: doc.ERRORS[401]},
    )
    def get(self, request):
        return Response(MeSerializer(request.user).data)


class RefreshView(TokenRefreshView):
    """simplejwt's refresh, with its error statuses in the schema."""

    @extend_schema(
        tags=[doc.TAG],
        summary="A new access token for a refresh token",
        responses={
            200: inline_serializer("BoardsAccessToken", {"access": serializers.CharField()}),
            400: doc.ERRORS[400],
            415: doc.ERRORS[415],
            401: doc.ERRORS[401],
        },
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)


doc.prefix_components(globals())
