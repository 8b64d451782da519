"""Tessera's URLs plus three floors: a trivial JSON view, one raw SQL query for 20 tickets,
and that same query behind Django REST Framework with JWT authentication (the least any
authenticated surface request costs on this stack)."""

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import include, path
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.authentication import JWTAuthentication


def floor_json(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})


def twenty_tickets() -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, number, title, priority, created_at FROM tickets_ticket "
            "ORDER BY created_at DESC, id DESC LIMIT 20"
        )
        rows = [
            {"id": r[0], "number": r[1], "title": r[2], "priority": r[3], "created_at": r[4]}
            for r in cursor.fetchall()
        ]
    return rows


def floor_sql(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"results": twenty_tickets()})


class FloorDrf(APIView):
    """DRF dispatch, JWT authentication (one user query), permission check, content
    negotiation and rendering around the same one query: no ticket surface can do less."""

    authentication_classes = [JWTAuthentication]
    permission_classes = [IsAuthenticated]

    def get(self, request: Request) -> Response:
        return Response({"results": twenty_tickets()})


urlpatterns = [
    path("bench/floor/json", floor_json),
    path("bench/floor/sql", floor_sql),
    path("bench/floor/drf", FloorDrf.as_view()),
    path("", include("tessera.urls")),
]
