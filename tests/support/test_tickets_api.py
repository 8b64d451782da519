"""Document 001's ticket endpoints, black-box through HTTP with the cookie."""

from __future__ import annotations

import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tessera.core.tickets.models import Ticket
from tessera.core.triage.services import support_ticket_update
from tests.conftest import jwt_for

from .conftest import error_of

pytestmark = pytest.mark.django_db

TICKET_KEYS = {
    "id",
    "title",
    "description",
    "status",
    "priority",
    "created_by",
    "assigned_to",
    "summary",
    "helpful_notes",
    "related_skills",
    "created_at",
    "updated_at",
}
ISO_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
VALID = {
    "title": "Cannot access user dashboard",
    "description": "When I try to access my dashboard, I get a 404 error since the update.",
}


# ----------------------------------------------------------------------------- create


def test_create_returns_201_envelope_with_the_ticket_as_created(desk, client_for):
    r = client_for(desk.user).post("/api/tickets", VALID, format="json")
    assert r.status_code == 201, r.content
    body = r.json()
    assert list(body) == ["success", "statusCode", "message", "data", "timestamp"]
    assert body["success"] is True and body["statusCode"] == 201
    assert body["message"] == "Ticket created and processing started"
    assert ISO_MS.match(body["timestamp"])
    data = body["data"]
    assert set(data) == TICKET_KEYS
    assert uuid.UUID(data["id"])
    assert data["title"] == VALID["title"] and data["description"] == VALID["description"]
    assert data["status"] == "todo" and data["priority"] == "medium"
    assert data["created_by"] == str(desk.user.public_id)
    assert data["assigned_to"] is None
    assert data["summary"] is None and data["helpful_notes"] is None
    assert data["related_skills"] is None
    assert ISO_MS.match(data["created_at"]) and ISO_MS.match(data["updated_at"])
    ticket = Ticket.objects.get(public_id=data["id"])
    assert ticket.project_id == desk.project.pk and ticket.created_by_id == desk.user.pk


@pytest.mark.parametrize(
    "change, message",
    [
        ({"title": "abcd"}, "Title must be at least 5 characters long"),
        ({"title": "x" * 201}, "Title cannot exceed 200 characters"),
        ({"title": "    ab    "}, "Title must be at least 5 characters long"),
        ({"title": 12345}, "title must be a string"),
        ({"title": None}, "title must be a string"),
        ({"description": "too short"}, "Description must be at least 10 characters long"),
        ({"description": "y" * 5001}, "Description cannot exceed 5000 characters"),
        ({"description": ["a list of words"]}, "description must be a string"),
        (
            {"title": "Null \x00 byte here"},
            "JSON parse error - NUL characters are not allowed (at title)",
        ),
    ],
)
def test_create_validation_messages(desk, client_for, change, message):
    r = client_for(desk.user).post("/api/tickets", {**VALID, **change}, format="json")
    assert r.status_code == 400
    body = error_of(r)
    assert body["message"] == "Bad request"
    assert body["error"] == message
    assert body["path"] == "/api/tickets"
    assert Ticket.objects.count() == 0


def test_create_missing_fields_and_bad_bodies(desk, client_for):
    client = client_for(desk.user)
    r = client.post("/api/tickets", {"description": VALID["description"]}, format="json")
    assert r.status_code == 400 and error_of(r)["error"] == "title must be a string"
    r = client.post("/api/tickets", {"title": VALID["title"]}, format="json")
    assert r.status_code == 400 and error_of(r)["error"] == "description must be a string"
    r = client.post("/api/tickets", '{"title": "oops', content_type="application/json")
    assert r.status_code == 400 and error_of(r)["message"] == "Bad request"
    r = client.post("/api/tickets", "[1, 2]", content_type="application/json")
    assert r.status_code == 400 and error_of(r)["error"] == "Request body must be a JSON object"
    assert Ticket.objects.count() == 0


def test_create_is_json_only(desk, client_for):
    r = client_for(desk.user).post("/api/tickets", VALID)  # multipart form
    assert r.status_code == 415
    assert error_of(r)["path"] == "/api/tickets"
    r = client_for(desk.user).post(
        "/api/tickets", "title=Hello+there&description=Some+long+text", content_type="text/plain"
    )
    assert r.status_code == 415
    assert Ticket.objects.count() == 0


def test_extra_fields_are_ignored(desk, client_for):
    r = client_for(desk.user).post(
        "/api/tickets", {**VALID, "priority": "high", "status": "closed"}, format="json"
    )
    assert r.status_code == 201
    assert r.json()["data"]["priority"] == "medium" and r.json()["data"]["status"] == "todo"


def test_a_user_without_a_support_role_can_still_open_a_ticket(desk, client_for, make_user):
    outsider = make_user("outsider")
    r = client_for(outsider).post("/api/tickets", VALID, format="json")
    assert r.status_code == 201
    r = client_for(outsider).get("/api/tickets")
    assert r.json()["meta"]["total"] == 1


# ----------------------------------------------------------------------------- auth


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/api/tickets"),
        ("post", "/api/tickets"),
        ("get", "/api/tickets/all"),
        ("get", f"/api/tickets/{uuid.uuid4()}"),
        ("patch", f"/api/tickets/{uuid.uuid4()}"),
        ("delete", f"/api/tickets/{uuid.uuid4()}"),
        ("get", f"/api/tickets/{uuid.uuid4()}/processing"),
    ],
)
def test_unauthenticated_is_401_never_403(desk, method, path):
    r = getattr(APIClient(), method)(path, {}, format="json")
    assert r.status_code == 401
    body = error_of(r)
    assert body["message"] == "Unauthorized access" and body["path"] == path


def test_bearer_tokens_and_bad_cookies_are_not_accepted(desk, client_for):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {jwt_for(desk.user)}")
    assert client.get("/api/tickets").status_code == 401
    client = APIClient()
    client.cookies["tessera_access"] = "garbage"
    r = client.get("/api/tickets")
    assert r.status_code == 401 and error_of(r)["message"] == "Unauthorized access"


def test_login_cookie_then_create_like_the_documents_frontend(desk):
    client = APIClient()
    r = client.post(
        "/api/auth/login", {"email": desk.user.email, "password": "pw-Secret-123"}, format="json"
    )
    assert r.status_code == 200
    assert r.json()["data"]["user"]["role"] == "user"
    r = client.post("/api/tickets", VALID, format="json", HTTP_ORIGIN="http://testserver")
    assert r.status_code == 201
    r = client.get("/api/auth/me")
    assert r.json()["data"]["user"]["id"] == str(desk.user.public_id)


def test_cross_site_writes_are_refused(desk, client_for, make_ticket):
    client = client_for(desk.user)
    # a cross-site form post (what a CSRF attack can send) is refused and changes nothing
    r = client.post("/api/tickets", VALID, HTTP_ORIGIN="https://evil.example")
    assert r.status_code == 403
    assert error_of(r)["message"] == "Forbidden - cross-site request refused"
    r = client.post("/api/tickets", VALID, format="json", HTTP_ORIGIN="https://evil.example")
    assert r.status_code == 403
    r = client.post("/api/tickets", VALID, format="json", HTTP_SEC_FETCH_SITE="cross-site")
    assert r.status_code == 403
    assert Ticket.objects.count() == 0
    ticket = make_ticket(desk.user)
    mod = client_for(desk.mod)
    r = mod.delete(f"/api/tickets/{ticket.public_id}", HTTP_ORIGIN="null")
    assert r.status_code == 403
    r = mod.patch(
        f"/api/tickets/{ticket.public_id}",
        {"status": "cancelled"},
        format="json",
        HTTP_ORIGIN="https://evil.example",
    )
    assert r.status_code == 403
    ticket.refresh_from_db()
    assert ticket.state.key == "todo"
    # same origin and non-browser clients (no Origin) are fine; reads are never blocked
    r = client.post("/api/tickets", VALID, format="json", HTTP_ORIGIN="http://testserver")
    assert r.status_code == 201
    r = client.post("/api/tickets", VALID, format="json")
    assert r.status_code == 201
    assert client.get("/api/tickets", HTTP_ORIGIN="https://evil.example").status_code == 200


def test_trusted_origins_are_accepted(desk, client_for, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://app.example"]
    r = client_for(desk.user).post(
        "/api/tickets", VALID, format="json", HTTP_ORIGIN="https://app.example"
    )
    assert r.status_code == 201


# ----------------------------------------------------------------------------- lists


def test_own_list_shows_only_own_tickets_with_meta(desk, client_for, make_ticket):
    mine = [make_ticket(desk.user, title=f"My ticket {i}") for i in range(3)]
    make_ticket(desk.other)
    make_ticket(desk.mod)
    r = client_for(desk.user).get("/api/tickets")
    assert r.status_code == 200
    body = r.json()
    assert list(body) == ["success", "statusCode", "message", "data", "meta", "timestamp"]
    assert body["message"] == "Tickets retrieved successfully"
    assert body["meta"] == {"total": 3, "page": 1, "limit": 20}
    assert [t["id"] for t in body["data"]] == [str(t.public_id) for t in reversed(mine)]
    assert all(set(t) == TICKET_KEYS for t in body["data"])
    # moderators and admins also see only their own tickets here
    r = client_for(desk.mod).get("/api/tickets")
    assert r.json()["meta"]["total"] == 1
    assert client_for(desk.admin).get("/api/tickets").json()["meta"]["total"] == 0


def test_pagination_and_filters(desk, client_for, make_ticket):
    tickets = [make_ticket(desk.user, title=f"Ticket number {i}") for i in range(5)]
    support_ticket_update(actor=desk.mod, ticket=tickets[0], status="in_progress")
    client = client_for(desk.user)
    r = client.get("/api/tickets?page=2&limit=2")
    body = r.json()
    assert body["meta"] == {"total": 5, "page": 2, "limit": 2}
    assert [t["title"] for t in body["data"]] == ["Ticket number 2", "Ticket number 1"]
    r = client.get("/api/tickets?page=9&limit=2")
    assert r.json()["data"] == [] and r.json()["meta"]["total"] == 5
    r = client.get("/api/tickets?status=in_progress")
    assert [t["id"] for t in r.json()["data"]] == [str(tickets[0].public_id)]
    r = client.get("/api/tickets?status=todo&limit=100")
    assert r.json()["meta"]["total"] == 4
    priorities = {t["priority"] for t in client.get("/api/tickets").json()["data"]}
    for p in priorities:
        r = client.get(f"/api/tickets?priority={p}")
        assert r.status_code == 200 and {t["priority"] for t in r.json()["data"]} == {p}
    # assigned_to does not apply to the user's own view
    r = client.get(f"/api/tickets?assigned_to={uuid.uuid4()}")
    assert r.json()["meta"]["total"] == 5


@pytest.mark.parametrize(
    "query, message",
    [
        ("page=0", "Page must be greater than 0"),
        ("page=-3", "Page must be greater than 0"),
        ("page=abc", "Page must be greater than 0"),
        ("page=", "Page must be greater than 0"),
        ("page=1.5", "page must be an integer number"),
        ("limit=0", "Limit must be greater than 0"),
        ("limit=x", "Limit must be greater than 0"),
        ("limit=101", "Limit cannot exceed 100"),
        ("limit=1e9", "Limit cannot exceed 100"),
        ("status=open", "Status must be a valid ticket status"),
        ("status=", "Status must be a valid ticket status"),
        ("priority=urgent", "Priority must be low, medium, or high"),
        ("priority=HIGH", "Priority must be low, medium, or high"),
        ("assigned_to=not-a-uuid", "assigned_to must be a UUID"),
    ],
)
def test_bad_query_values_are_400(desk, client_for, query, message):
    for path in ("/api/tickets", "/api/tickets/all"):
        r = client_for(desk.mod).get(f"{path}?{query}")
        assert r.status_code == 400, (path, query)
        body = error_of(r)
        assert body["error"] == message and body["path"] == path


def test_all_tickets_for_moderators_with_assignee_and_creator(desk, client_for, make_ticket):
    t1 = make_ticket(
        desk.user, "Dashboard route 404", "React router shows 404 for the dashboard page."
    )
    t2 = make_ticket(
        desk.other, "Database timeout", "PostgreSQL queries time out on the report page."
    )
    for viewer in (desk.mod, desk.admin):
        r = client_for(viewer).get("/api/tickets/all")
        assert r.status_code == 200
        body = r.json()
        assert body["message"] == "All tickets retrieved successfully"
        assert body["meta"] == {"total": 2, "page": 1, "limit": 20}
        rows = {t["id"]: t for t in body["data"]}
        assert set(rows) == {str(t1.public_id), str(t2.public_id)}
        for t, creator in ((t1, desk.user), (t2, desk.other)):
            row = rows[str(t.public_id)]
            assert set(row) == TICKET_KEYS | {"assignee", "creator"}
            assert row["creator"] == {"email": creator.email}
            if row["assigned_to"] is None:
                assert row["assignee"] is None
            else:
                assignee = t.assignees.get()
                assert row["assigned_to"] == str(assignee.public_id)
                assert row["assignee"] == {"email": assignee.email}


def test_all_tickets_assigned_to_filter(desk, client_for, make_ticket):
    from tessera.core.tickets.services import ticket_assign

    t1, t2, _t3 = (make_ticket(desk.user, title=f"Ticket {i} here") for i in range(3))
    for t in (t1, t2, _t3):
        ticket_assign(actor=None, ticket=t, assignees=[], check_permission=False)
    ticket_assign(actor=None, ticket=t1, assignees=[desk.mod], check_permission=False)
    ticket_assign(actor=None, ticket=t2, assignees=[desk.mod2], check_permission=False)
    client = client_for(desk.admin)
    r = client.get(f"/api/tickets/all?assigned_to={desk.mod.public_id}")
    assert [t["id"] for t in r.json()["data"]] == [str(t1.public_id)]
    assert r.json()["data"][0]["assignee"] == {"email": desk.mod.email}
    r = client.get(f"/api/tickets/all?assigned_to={uuid.uuid4()}")
    assert r.json()["data"] == [] and r.json()["meta"]["total"] == 0


def test_all_tickets_is_403_for_users(desk, client_for):
    r = client_for(desk.user).get("/api/tickets/all")
    assert r.status_code == 403
    assert error_of(r)["message"] == "Only moderators and admins can view all tickets"


def _count_queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def test_lists_run_a_constant_number_of_queries(desk, client_for, make_ticket):
    from tessera.core.tickets.services import ticket_assign

    make_ticket(desk.user)
    own, everything = client_for(desk.user), client_for(desk.mod)
    small_own = _count_queries(own, "/api/tickets?limit=100")
    small_all = _count_queries(everything, "/api/tickets/all?limit=100")
    for i in range(12):
        t = make_ticket([desk.user, desk.other][i % 2], title=f"More tickets {i}")
        ticket_assign(actor=None, ticket=t, assignees=[desk.mod, desk.mod2], check_permission=False)
    assert _count_queries(own, "/api/tickets?limit=100") == small_own
    assert _count_queries(everything, "/api/tickets/all?limit=100") == small_all
    assert _count_queries(everything, "/api/tickets/all?limit=3") == small_all


# ----------------------------------------------------------------------------- detail


def test_get_by_id_access_rules(desk, client_for, make_ticket):
    ticket = make_ticket(desk.user)
    path = f"/api/tickets/{ticket.public_id}"
    for viewer in (desk.user, desk.mod, desk.admin):
        r = client_for(viewer).get(path)
        assert r.status_code == 200
        body = r.json()
        assert body["message"] == "Ticket retrieved successfully"
        assert set(body["data"]) == TICKET_KEYS and body["data"]["id"] == str(ticket.public_id)
    r = client_for(desk.other).get(path)
    assert r.status_code == 403
    body = error_of(r)
    assert body["message"] == "Forbidden - cannot access this ticket" and body["path"] == path


@pytest.mark.parametrize("ident", [str(uuid.uuid4()), "invalid-uuid", "123", "all-tickets"])
def test_get_unknown_or_malformed_id_is_404(desk, client_for, ident):
    r = client_for(desk.mod).get(f"/api/tickets/{ident}")
    assert r.status_code == 404
    body = error_of(r)
    assert body["message"] == "Ticket not found" and body["path"] == f"/api/tickets/{ident}"


def test_method_not_allowed_is_405_in_envelope(desk, client_for, make_ticket):
    ticket = make_ticket(desk.user)
    r = client_for(desk.mod).put(f"/api/tickets/{ticket.public_id}", {}, format="json")
    assert r.status_code == 405 and error_of(r)["statusCode"] == 405
    r = client_for(desk.mod).delete("/api/tickets")
    assert r.status_code == 405


# ----------------------------------------------------------------------------- update


def test_moderator_updates_status_and_notes(desk, client_for, make_ticket):
    ticket = make_ticket(desk.user)
    before = client_for(desk.user).get(f"/api/tickets/{ticket.public_id}").json()["data"]
    notes = "Started investigating the routing issue."
    r = client_for(desk.mod).patch(
        f"/api/tickets/{ticket.public_id}",
        {"status": "in_progress", "helpful_notes": notes},
        format="json",
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["message"] == "Ticket updated successfully"
    data = body["data"]
    assert set(data) == TICKET_KEYS
    assert data["status"] == "in_progress" and data["helpful_notes"] == notes
    assert data["updated_at"] >= before["updated_at"]
    seen = client_for(desk.user).get(f"/api/tickets/{ticket.public_id}").json()["data"]
    assert seen["status"] == "in_progress" and seen["helpful_notes"] == notes
    from tessera.core.audit.models import Event

    assert Event.objects.filter(
        ticket=ticket, action="status_changed", new_value="in_progress"
    ).exists()
    assert Event.objects.filter(ticket=ticket, field="helpful_notes").exists()


def test_users_cannot_update_or_delete(desk, client_for, make_ticket):
    ticket = make_ticket(desk.user)
    path = f"/api/tickets/{ticket.public_id}"
    r = client_for(desk.user).patch(path, {"status": "cancelled"}, format="json")
    assert r.status_code == 403
    assert error_of(r)["message"] == "Only moderators can update tickets"
    r = client_for(desk.user).delete(path)
    assert r.status_code == 403
    assert error_of(r)["message"] == "Only moderators and admins can delete tickets"
    ticket.refresh_from_db()
    assert ticket.state.key == "todo"


@pytest.mark.parametrize(
    "body, message",
    [
        ({"status": "processing"}, "Status must be a valid ticket status"),
        ({"status": 3}, "Status must be a valid ticket status"),
        ({"helpful_notes": "n" * 2001}, "Helpful notes cannot exceed 2000 characters"),
        ({"helpful_notes": 42}, "helpful_notes must be a string"),
    ],
)
def test_update_validation(desk, client_for, make_ticket, body, message):
    ticket = make_ticket(desk.user)
    r = client_for(desk.mod).patch(f"/api/tickets/{ticket.public_id}", body, format="json")
    assert r.status_code == 400
    assert error_of(r)["error"] == message


def test_update_unknown_ticket_is_404(desk, client_for):
    r = client_for(desk.mod).patch(
        f"/api/tickets/{uuid.uuid4()}", {"status": "closed"}, format="json"
    )
    assert r.status_code == 404 and error_of(r)["message"] == "Ticket not found"
    r = client_for(desk.mod).patch("/api/tickets/nope", {}, format="json")
    assert r.status_code == 404


ARROWS = {
    ("todo", "in_progress"),
    ("in_progress", "waiting_for_customer"),
    ("waiting_for_customer", "in_progress"),
    ("in_progress", "resolved"),
    ("resolved", "closed"),
    ("todo", "cancelled"),
    ("in_progress", "cancelled"),
    ("waiting_for_customer", "cancelled"),
    ("resolved", "cancelled"),
}
PATH_TO = {
    "todo": [],
    "in_progress": ["in_progress"],
    "waiting_for_customer": ["in_progress", "waiting_for_customer"],
    "resolved": ["in_progress", "resolved"],
    "closed": ["in_progress", "resolved", "closed"],
    "cancelled": ["cancelled"],
}
STATUSES = list(PATH_TO)


@pytest.mark.parametrize("source", STATUSES)
def test_status_workflow_follows_the_diagram(desk, client_for, make_ticket, source):
    client = client_for(desk.mod)
    for target in STATUSES:
        if target == source:
            continue
        ticket = make_ticket(desk.user)
        path = f"/api/tickets/{ticket.public_id}"
        for step in PATH_TO[source]:
            assert client.patch(path, {"status": step}, format="json").status_code == 200
        r = client.patch(path, {"status": target, "helpful_notes": "moving on"}, format="json")
        after = client.get(path).json()["data"]
        if (source, target) in ARROWS:
            assert r.status_code == 200, (source, target)
            assert after["status"] == target
        else:
            assert r.status_code == 400, (source, target)
            assert error_of(r)["error"] == f"Cannot move from {source} to {target}"
            assert after["status"] == source
            assert after["helpful_notes"] != "moving on"  # nothing of a refused update applies


# ----------------------------------------------------------------------------- delete


def test_moderator_and_admin_delete(desk, client_for, make_ticket):
    for deleter in (desk.mod, desk.admin):
        ticket = make_ticket(desk.user)
        path = f"/api/tickets/{ticket.public_id}"
        r = client_for(deleter).delete(path)
        assert r.status_code == 200
        body = r.json()
        assert body == {
            "success": True,
            "statusCode": 200,
            "message": "Ticket deleted successfully",
            "data": None,
            "timestamp": body["timestamp"],
        }
        assert client_for(deleter).get(path).status_code == 404
        assert client_for(deleter).delete(path).status_code == 404


# ----------------------------------------------------------------------------- matrix


@pytest.mark.parametrize(
    "role, expected",
    [
        (
            "user",
            {
                "post": 201,
                "list": 200,
                "all": 403,
                "get_own": 200,
                "get_other": 403,
                "patch": 403,
                "delete": 403,
            },
        ),
        (
            "moderator",
            {
                "post": 201,
                "list": 200,
                "all": 200,
                "get_own": 200,
                "get_other": 200,
                "patch": 200,
                "delete": 200,
            },
        ),
        (
            "admin",
            {
                "post": 201,
                "list": 200,
                "all": 200,
                "get_own": 200,
                "get_other": 200,
                "patch": 200,
                "delete": 200,
            },
        ),
    ],
)
def test_permission_matrix(desk, client_for, make_ticket, role, expected):
    actor = {"user": desk.user, "moderator": desk.mod, "admin": desk.admin}[role]
    client = client_for(actor)
    own = make_ticket(actor)
    other = make_ticket(desk.other)
    got = {
        "post": client.post("/api/tickets", VALID, format="json").status_code,
        "list": client.get("/api/tickets").status_code,
        "all": client.get("/api/tickets/all").status_code,
        "get_own": client.get(f"/api/tickets/{own.public_id}").status_code,
        "get_other": client.get(f"/api/tickets/{other.public_id}").status_code,
        "patch": client.patch(
            f"/api/tickets/{other.public_id}", {"helpful_notes": "checked"}, format="json"
        ).status_code,
        "delete": client.delete(f"/api/tickets/{other.public_id}").status_code,
    }
    assert got == expected


def test_moderator_of_another_desk_cannot_reach_this_desks_tickets(
    desk, client_for, make_ticket, make_project, member
):
    elsewhere = make_project("support", "SUP2")
    stranger = member(elsewhere, "moderator", "mod_elsewhere")
    ticket = make_ticket(desk.user)
    client = client_for(stranger)
    assert client.get("/api/tickets/all").json()["meta"]["total"] == 0
    r = client.get(f"/api/tickets/{ticket.public_id}")
    assert r.status_code == 403
    r = client.patch(f"/api/tickets/{ticket.public_id}", {"status": "cancelled"}, format="json")
    assert r.status_code == 403
    assert client.delete(f"/api/tickets/{ticket.public_id}").status_code == 403
    assert Ticket.objects.filter(pk=ticket.pk).exists()


def test_cross_site_login_is_refused_and_me_reports_the_role(desk):
    client = APIClient()
    body = {"email": desk.mod.email, "password": "pw-Secret-123"}
    r = client.post("/api/auth/login", body, format="json", HTTP_ORIGIN="https://evil.example")
    assert r.status_code == 403 and "tessera_access" not in r.cookies
    r = client.post("/api/auth/login", body, format="json", HTTP_ORIGIN="http://testserver")
    assert r.status_code == 200 and r.json()["data"]["user"]["role"] == "moderator"
    assert client.get("/api/auth/me").json()["data"]["user"]["role"] == "moderator"
    r = client.post("/api/auth/logout")
    assert r.status_code == 200 and r.json()["data"] is None
    assert client.get("/api/auth/me").status_code == 401


@pytest.mark.parametrize(
    "method, path, body",
    [
        ("post", "/api/tickets", "null"),
        ("post", "/api/auth/login", '{"email": "\\ud800@x.y", "password": "\\udfff"}'),
        ("post", "/api/tickets", "true"),
        ("post", "/api/tickets", '"a string"'),
        ("post", "/api/tickets", ""),
        ("post", "/api/tickets", '{"title": {"a": 1}, "description": 5}'),
        (
            "post",
            "/api/tickets",
            '{"title": "\\ud800 lone surrogate", "description": "a long enough description"}',
        ),
        ("patch", "/api/tickets/{id}", "null"),
        ("patch", "/api/tickets/{id}", "[]"),
        ("patch", "/api/tickets/{id}", '{"status": null, "helpful_notes": null}'),
        ("patch", "/api/tickets/{id}", '{"status": ["todo"]}'),
        ("get", "/api/tickets?page=99999999999999999999999&limit=100", None),
        ("get", "/api/tickets?page=1e400", None),
        ("get", "/api/tickets/all?assigned_to=%00", None),
        ("get", "/api/tickets/all?status=todo&status=closed&limit=7.0", None),
        ("get", "/api/tickets/" + "9" * 300, None),
    ],
)
def test_odd_inputs_never_cause_a_500(desk, client_for, make_ticket, method, path, body):
    ticket = make_ticket(desk.user)
    path = path.replace("{id}", str(ticket.public_id))
    kwargs = {} if body is None else {"data": body, "content_type": "application/json"}
    r = getattr(client_for(desk.mod), method)(path, **kwargs)
    assert r.status_code < 500, r.content
    if r.status_code >= 400:
        error_of(r)
