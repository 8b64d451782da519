"""Tessera's URLs plus the bench's floors: a trivial JSON view, one raw SQL query for 20
tickets, that same query behind Django REST Framework with JWT authentication (the least any
authenticated surface request costs on this stack), and the least a list page and a create
can do on Tessera's schema without DRF or the ORM (``floor_list``, ``floor_create``)."""

from datetime import UTC, datetime

import orjson
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
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


# ---- the least a list page and a create can do ------------------------------------------
# Plain Django views, hand-written SQL, no DRF, no ORM, no checks beyond the token's: what
# any surface's authenticated list page or create must do at the least on this schema, so
# the bench can say how much of a surface's cost is the surface (docs/performance.md).


def _bearer_user(request: HttpRequest, cursor) -> int | None:
    """The active user a ``Bearer`` JWT names (simplejwt's signature, expiry and type
    checks), read by one query; None: no such user."""
    from rest_framework_simplejwt.exceptions import TokenError
    from rest_framework_simplejwt.tokens import AccessToken

    try:
        token = AccessToken(request.headers.get("Authorization", "").removeprefix("Bearer "))
    except TokenError:
        return None
    cursor.execute("SELECT id FROM accounts_user WHERE id = %s AND is_active", [token["user_id"]])
    row = cursor.fetchone()
    return row[0] if row else None


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat().replace("+00:00", "Z")


# The service desk list's columns (document 002's ticket), newest first.
_PAGE_SQL = """
SELECT t.id, p.key, t.number, t.title, t.description, s.key, s.name, t.priority, c.slug,
       c.name, t.customer_id, cu.name, t.created_by_id, u.username, u.first_name,
       u.last_name, t.created_at, t.updated_at, t.resolved_at, t.closed_at,
       t.first_response_at, t.due_date, t.estimated_hours, t.actual_hours, t.project_id
FROM tickets_ticket t
JOIN projects_project p ON p.id = t.project_id
JOIN projects_workflowstate s ON s.id = t.state_id
LEFT JOIN tickets_category c ON c.id = t.category_id
LEFT JOIN crm_customer cu ON cu.id = t.customer_id
LEFT JOIN accounts_user u ON u.id = t.created_by_id
ORDER BY t.created_at DESC, t.id DESC LIMIT 20
"""
# The page's assignees and tags in one read.
_RELATIONS_SQL = """
SELECT a.ticket_id, 0, u.id, u.username, u.first_name, u.last_name
FROM tickets_ticketassignment a JOIN accounts_user u ON u.id = a.user_id
WHERE a.ticket_id = ANY(%s)
UNION ALL
SELECT tt.ticket_id, 1, g.id, g.name, NULL, NULL
FROM tickets_ticket_tags tt JOIN tickets_tag g ON g.id = tt.tag_id
WHERE tt.ticket_id = ANY(%s)
"""


def floor_list(request: HttpRequest) -> HttpResponse:
    """A list page at its least: the token's user, the count (from the per-group counts),
    20 tickets with their joined names, their assignees and tags, rendered as JSON."""
    with connection.cursor() as cursor:
        if _bearer_user(request, cursor) is None:
            return JsonResponse({"detail": "Not authenticated."}, status=401)
        cursor.execute("SELECT COALESCE(SUM(n), 0) FROM tickets_ticketcount")
        count = int(cursor.fetchone()[0])
        cursor.execute(_PAGE_SQL)
        rows = cursor.fetchall()
        ids = [r[0] for r in rows]
        cursor.execute(_RELATIONS_SQL, [ids, ids])
        relations = cursor.fetchall()
    assignees: dict[int, list] = {}
    tags: dict[int, list] = {}
    for ticket_id, kind, rid, name, first, last in relations:
        if kind:
            tags.setdefault(ticket_id, []).append(name)
        else:
            assignees.setdefault(ticket_id, []).append(
                {"id": rid, "name": f"{first or ''} {last or ''}".strip() or name}
            )
    results = [
        {
            "id": r[0],
            "ticket_number": f"{r[1]}-{r[2]}",
            "subject": r[3],
            "description": r[4],
            "status": r[5],
            "status_display": r[6],
            "priority": r[7],
            "category": r[8],
            "category_name": r[9],
            "customer": r[10],
            "customer_name": r[11],
            "assigned_to": assignees.get(r[0], []),
            "created_by": r[12],
            "created_by_name": f"{r[14] or ''} {r[15] or ''}".strip() or r[13],
            "created_at": _iso(r[16]),
            "updated_at": _iso(r[17]),
            "resolved_at": _iso(r[18]),
            "closed_at": _iso(r[19]),
            "first_response_at": _iso(r[20]),
            "due_date": _iso(r[21]),
            "estimated_hours": r[22],
            "actual_hours": r[23],
            "tags": ", ".join(tags.get(r[0], [])),
            "project": r[24],
        }
        for r in rows
    ]
    body = {"count": count, "next": None, "previous": None, "results": results}
    return HttpResponse(
        orjson.dumps(body, option=orjson.OPT_PASSTHROUGH_DATETIME, default=str),
        content_type="application/json",
    )


_CREATE_SQL = """
INSERT INTO tickets_ticket (project_id, number, public_id, title, description, state_id,
    column_id, rank, priority, type, location, department, urgency, importance,
    created_by_id, created_at, updated_at, version, assignee_count)
SELECT %(project)s, %(number)s, gen_random_uuid(), %(title)s, %(description)s, s.id, NULL,
    0, 2, 'task', '', '', '', '', %(user)s, %(now)s, %(now)s, 1, 0
FROM projects_workflowstate s WHERE s.project_id = %(project)s AND s.is_initial
RETURNING id, number, title, description, priority, created_at
"""
_EVENT_SQL = """
INSERT INTO audit_event (project_id, ticket_id, ticket_ref, actor_id, action, field,
    old_value, new_value, data, created_at)
VALUES (%s, %s, %s, %s, 'created', '', '', %s, '{}', %s)
"""


@csrf_exempt
def floor_create(request: HttpRequest, project: int) -> HttpResponse:
    """A create at its least: the token's user, then in one transaction the project's next
    number, the ticket (its database triggers keep the search index and the counts, as for
    every create) and its audit event, answered with the row as written."""
    data = orjson.loads(request.body)
    with connection.cursor() as cursor:
        user = _bearer_user(request, cursor)
        if user is None:
            return JsonResponse({"detail": "Not authenticated."}, status=401)
        now = datetime.now(UTC)
        with transaction.atomic():
            cursor.execute(
                "UPDATE projects_projectcounter SET last_number = last_number + 1 "
                "WHERE project_id = %s RETURNING last_number",
                [project],
            )
            (number,) = cursor.fetchone()
            cursor.execute(
                _CREATE_SQL,
                {
                    "project": project,
                    "number": number,
                    "title": data["subject"],
                    "description": data.get("description", ""),
                    "user": user,
                    "now": now,
                },
            )
            row = cursor.fetchone()
            cursor.execute(_EVENT_SQL, [project, row[0], f"{project}-{number}", user, row[2], now])
    body = {
        "id": row[0],
        "number": row[1],
        "subject": row[2],
        "description": row[3],
        "priority": row[4],
        "created_at": _iso(row[5]),
    }
    return HttpResponse(orjson.dumps(body), status=201, content_type="application/json")


urlpatterns = [
    path("bench/floor/json", floor_json),
    path("bench/floor/sql", floor_sql),
    path("bench/floor/drf", FloorDrf.as_view()),
    path("bench/floor/list", floor_list),
    path("bench/floor/create/<int:project>", floor_create),
    path("", include("tessera.urls")),
]
