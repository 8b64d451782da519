"""Tessera's URLs plus two floors: a trivial JSON view and one raw SQL query for 20 tickets."""

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import include, path


def floor_json(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})


def floor_sql(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, number, title, priority, created_at FROM tickets_ticket "
            "ORDER BY created_at DESC, id DESC LIMIT 20"
        )
        rows = [
            {"id": r[0], "number": r[1], "title": r[2], "priority": r[3], "created_at": r[4]}
            for r in cursor.fetchall()
        ]
    return JsonResponse({"results": rows})


urlpatterns = [
    path("bench/floor/json", floor_json),
    path("bench/floor/sql", floor_sql),
    path("", include("tessera.urls")),
]
