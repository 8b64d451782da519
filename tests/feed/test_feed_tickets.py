"""Document 004's endpoints, black-box: envelopes, exact fields, lookups, errors, visibility."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from rest_framework.test import APIClient

from tessera.core.common import clock
from tessera.core.tickets.models import Category, Ticket
from tessera.core.tickets.services import ticket_assign, ticket_create, ticket_transition
from tests.factories import any_ticket

pytestmark = pytest.mark.django_db

FIELDS = {
    "ticket_number",
    "title",
    "description",
    "category",
    "created_by",
    "assigned_to",
    "status",
    "priority",
    "location",
    "department",
    "created_at",
    "closed_on",
}
ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$")
T0 = datetime(2025, 8, 21, 19, 20, 51, tzinfo=UTC)


@pytest.fixture
def desk(make_user, make_project, member):
    """A service-desk project (numbers TKT-000001) with an agent, a customer and a ticket."""
    owner = make_user("owner", first_name="Olga", last_name="Owner")
    project = make_project("servicedesk", "DESK", owner=owner)
    agent = member(project, "agent", "jane", first_name="Jane", last_name="Smith")
    creator = member(project, "customer", "john", first_name="John", last_name="Doe")
    category = Category.objects.create(project=project, slug="checksheets", name="Checksheets")
    with clock.frozen_at(T0):
        ticket = ticket_create(
            actor=creator,
            project=project,
            title="Create a client application",
            description="Detailed description...",
            priority=3,
            category=category,
            location="Corporate",
            department="IT",
        )
    ticket_assign(actor=owner, ticket=ticket, assignees=[agent])
    return {
        "project": project,
        "owner": owner,
        "agent": agent,
        "creator": creator,
        "ticket": ticket,
    }


def test_list_envelope_and_exact_ticket(desk, make_token, feed):
    _, raw = make_token(desk["agent"])
    with clock.frozen_at(datetime(2025, 8, 26, 15, 30, tzinfo=UTC)):
        r = feed(raw).get("/api/tickets/")
    assert r.status_code == 200
    assert r["Content-Type"] == "application/json"
    body = r.json()
    assert list(body) == ["success", "count", "tickets", "timestamp"]
    assert body["success"] is True and body["count"] == 1
    assert body["timestamp"] == "2025-08-26T15:30:00+00:00"
    assert body["tickets"] == [
        {
            "ticket_number": "TKT-000001",
            "title": "Create a client application",
            "description": "Detailed description...",
            "category": "Checksheets",
            "created_by": "John Doe",
            "assigned_to": "Jane Smith",
            "status": "New",
            "priority": "High",
            "location": "Corporate",
            "department": "IT",
            "created_at": "2025-08-21T19:20:51+00:00",
            "closed_on": None,
        }
    ]


def test_detail_envelope_and_every_key_form(desk, make_token, feed):
    _, raw = make_token(desk["agent"])
    ticket = desk["ticket"]
    client = feed(raw)
    for ident in ("TKT-000001", "tkt-000001", "DESK-1", str(ticket.pk), str(ticket.public_id)):
        r = client.get(f"/api/tickets/{ident}/")
        assert r.status_code == 200, ident
        body = r.json()
        assert list(body) == ["success", "ticket", "timestamp"]
        assert body["success"] is True
        assert set(body["ticket"]) == FIELDS
        assert body["ticket"]["ticket_number"] == "TKT-000001"
        assert ISO_UTC.match(body["timestamp"])


def test_unassigned_uncategorised_closed_ticket(make_user, make_project, member, make_token, feed):
    project = make_project("support", "SUP")
    mod = member(project, "moderator", "mo", first_name="Mo", last_name="Derator")
    ticket = ticket_create(actor=mod, project=project, title="Printer", priority=4)
    with clock.frozen_at(T0):
        for state in ("in_progress", "resolved", "closed"):
            ticket_transition(actor=mod, ticket=ticket, to_state=state)
    _, raw = make_token(mod)
    r = feed(raw).get(f"/api/tickets/SUP-{ticket.number}/")
    t = r.json()["ticket"]
    assert t["ticket_number"] == f"SUP-{ticket.number}"
    assert t["assigned_to"] is None
    assert t["category"] is None
    assert t["status"] == "Closed" and t["priority"] == "High"
    assert t["closed_on"] == "2025-08-21T19:20:51+00:00"
    assert t["location"] == "" and t["department"] == ""
    assert t["created_by"] == "Mo Derator"


def test_created_by_falls_back_to_username(make_user, make_project, make_token, feed):
    admin = make_user("plainadmin", is_superuser=True)
    project = make_project("boards", "BRD")
    ticket_create(actor=admin, project=project, title="x")
    _, raw = make_token(admin)
    t = feed(raw).get("/api/tickets/BRD-1/").json()["ticket"]
    assert t["created_by"] == "plainadmin"
    assert t["status"] == "New" and t["priority"] == "Medium"


@pytest.mark.parametrize(
    "ident", ["TKT-000099", "999999", "NOPE-1", str(uuid.uuid4()), "garbage", "9" * 40, "DESK-0"]
)
def test_unknown_ticket_is_404_envelope(desk, make_token, feed, ident):
    _, raw = make_token(desk["agent"])
    r = feed(raw).get(f"/api/tickets/{ident}/")
    assert r.status_code == 404
    body = r.json()
    assert body["success"] is False and body["error"]
    assert set(body) <= {"success", "error", "detail", "timestamp"}
    assert ISO_UTC.match(body["timestamp"])


def test_a_token_sees_what_its_user_may_see(
    desk, make_user, make_project, member, make_token, feed
):
    other_customer = member(desk["project"], "customer", "eve")
    _, raw = make_token(other_customer)
    client = feed(raw)
    body = client.get("/api/tickets/").json()
    assert body["count"] == 0 and body["tickets"] == []
    ticket = desk["ticket"]
    for ident in ("TKT-000001", str(ticket.pk), str(ticket.public_id)):
        assert client.get(f"/api/tickets/{ident}/").status_code == 404
    # the creator (a customer) sees their own ticket
    _, raw = make_token(desk["creator"])
    assert feed(raw).get("/api/tickets/").json()["count"] == 1
    # a stranger with no membership sees nothing
    _, raw = make_token(make_user())
    assert feed(raw).get("/api/tickets/").json()["count"] == 0


def test_tickets_of_every_project_and_surface(make_user, make_project, make_token, feed):
    admin = make_user("root", is_superuser=True)
    numbers = set()
    for template, key in (
        ("workshop", "WS"),
        ("support", "SUP"),
        ("servicedesk", "SD"),
        ("boards", "BRD"),
    ):
        project = make_project(template, key)
        t = any_ticket(project, admin, f"{template} ticket")
        numbers.add(t.display_number)
    _, raw = make_token(admin)
    body = feed(raw).get("/api/tickets/").json()
    assert body["count"] == 4
    assert (
        {t["ticket_number"] for t in body["tickets"]}
        == numbers
        == {
            "WS-1",
            "SUP-1",
            "TKT-000001",
            "BRD-1",
        }
    )


def test_shared_service_desk_number_resolves_to_a_visible_ticket(
    make_project, member, make_token, feed
):
    first = make_project("servicedesk", "SDA")
    second = make_project("servicedesk", "SDB")
    agent_a = member(first, "agent")
    agent_b = member(second, "agent")
    ticket_create(actor=agent_a, project=first, title="in A")
    ticket_create(actor=agent_b, project=second, title="in B")
    _, raw = make_token(agent_b)
    client = feed(raw)
    # agent B sees only desk B: its TKT-000001 is desk B's, shown as SDB-1 (desk A, the
    # oldest desk, keeps the plain TKT numbers), and desk A's ticket stays hidden
    b = client.get("/api/tickets/TKT-000001/").json()["ticket"]
    assert b["title"] == "in B" and b["ticket_number"] == "SDB-1"
    assert client.get("/api/tickets/SDB-1/").json()["ticket"]["title"] == "in B"
    assert client.get("/api/tickets/SDA-1/").status_code == 404
    assert [t["ticket_number"] for t in client.get("/api/tickets/").json()["tickets"]] == ["SDB-1"]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "options"])
@pytest.mark.parametrize("path", ["/api/tickets/", "/api/tickets/TKT-000001/"])
def test_writes_are_405_envelope_and_change_nothing(desk, make_token, method, path):
    _, raw = make_token(desk["owner"])
    before = list(Ticket.objects.values_list("pk", "title", "version").order_by("pk"))
    authed = APIClient()
    authed.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    for client in (authed, APIClient()):  # with and without a token
        r = getattr(client, method)(path, {"title": "changed"}, format="json")
        assert r.status_code == 405, r.content
        body = r.json()
        assert body["success"] is False and body["error"]
        assert set(body) <= {"success", "error", "detail", "timestamp"}
        assert ISO_UTC.match(body["timestamp"])
        assert "GET" in r["Allow"] and "POST" not in r["Allow"]
    assert list(Ticket.objects.values_list("pk", "title", "version").order_by("pk")) == before


def test_head_is_allowed(desk, make_token, feed):
    _, raw = make_token(desk["agent"])
    assert feed(raw).head("/api/tickets/").status_code == 200


def test_json_whatever_the_accept_header(desk, make_token, feed):
    _, raw = make_token(desk["agent"])
    r = feed(raw).get("/api/tickets/", HTTP_ACCEPT="text/html")
    assert r.status_code == 200 and r["Content-Type"] == "application/json"
    r = APIClient().get("/api/tickets/", HTTP_ACCEPT="application/xml")
    assert r.status_code == 401 and r.json()["success"] is False


def test_unexpected_error_is_500_in_the_envelope(desk, make_token, feed, monkeypatch):
    from tessera.surfaces.feed import views

    def boom(*args, **kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(views, "tickets_visible_to", boom)
    monkeypatch.setattr(views, "access_ticket", boom)
    _, raw = make_token(desk["agent"])
    for path in ("/api/tickets/", "/api/tickets/TKT-000001/"):
        r = feed(raw).get(path)
        assert r.status_code == 500
        body = r.json()
        assert body["success"] is False and body["error"]
        assert set(body) <= {"success", "error", "detail", "timestamp"}
        assert "fire" not in r.content.decode()  # no internals leak
        assert ISO_UTC.match(body["timestamp"])


def test_routes_of_other_surfaces_are_not_taken(desk, make_token, feed):
    """Boards owns literal names under /api/tickets/; support owns paths without a slash."""
    _, raw = make_token(desk["agent"])
    r = feed(raw).get("/api/tickets/auth/me/")
    assert "tickets" not in r.json() and "ticket" not in r.json()


def test_deleted_project_member_loses_access_at_once(desk, make_token, feed):
    from tessera.core.projects.services import membership_remove

    _, raw = make_token(desk["agent"])
    assert feed(raw).get("/api/tickets/").json()["count"] == 1
    membership_remove(actor=None, project=desk["project"], user=desk["agent"])
    assert feed(raw).get("/api/tickets/").json()["count"] == 0
    assert feed(raw).get("/api/tickets/TKT-000001/").status_code == 404


def test_timestamps_are_utc_even_in_another_time_zone(desk, make_token, feed, settings):
    settings.TIME_ZONE = "America/New_York"
    _, raw = make_token(desk["agent"])
    t = feed(raw).get("/api/tickets/").json()["tickets"][0]
    assert t["created_at"] == "2025-08-21T19:20:51+00:00"


def test_closed_on_cleared_when_reopened(make_project, member, make_token, feed):
    project = make_project("servicedesk", "RE")
    agent = member(project, "agent")
    ticket = ticket_create(actor=agent, project=project, title="again")
    with clock.frozen_at(T0):
        ticket_transition(actor=agent, ticket=ticket, to_state="closed")
    _, raw = make_token(agent)
    assert feed(raw).get("/api/tickets/RE-1/").json()["ticket"]["closed_on"] == (
        "2025-08-21T19:20:51+00:00"
    )
    with clock.frozen_at(T0 + timedelta(hours=1)):
        ticket_transition(actor=agent, ticket=ticket, to_state="reopened")
    t = feed(raw).get("/api/tickets/RE-1/").json()["ticket"]
    assert t["closed_on"] is None and t["status"] == "Reopened"


def test_two_service_desks_give_unique_numbers_and_the_oldest_keeps_tkt(
    make_user, make_project, member, make_token, feed
):
    """Document 004: ticket_number is a "Unique ticket identifier". The service desk's
    TKT-000001 repeats per project, so a second desk's tickets show ``<KEY>-<n>``; each
    listed number fetches its own ticket, for a user who sees both desks."""
    root = make_user(is_superuser=True)
    first = make_project("servicedesk", "SDA")
    second = make_project("servicedesk", "SDB")
    ticket_create(actor=root, project=first, title="in A")
    ticket_create(actor=root, project=second, title="in B")
    client = feed(make_token(root)[1])
    listed = {t["ticket_number"]: t["title"] for t in client.get("/api/tickets/").json()["tickets"]}
    assert listed == {"TKT-000001": "in A", "SDB-1": "in B"}
    for number, title in listed.items():
        r = client.get(f"/api/tickets/{number}/")
        assert (
            r.json()["ticket"]["title"] == title and r.json()["ticket"]["ticket_number"] == number
        )
    assert client.get("/api/tickets/SDA-1/").json()["ticket"]["title"] == "in A"
    assert client.get("/api/tickets/tkt-000001/").json()["ticket"]["title"] == "in A"


def test_detail_sends_the_version_as_etag(desk, make_token, feed):
    from tessera.core.tickets.services import ticket_update

    client = feed(make_token(desk["owner"])[1])
    ticket = desk["ticket"]
    r = client.get(f"/api/tickets/{ticket.pk}/")
    assert r["ETag"] == f'"{ticket.version}"'
    ticket_update(actor=desk["owner"], ticket=ticket, changes={"title": "renamed"})
    ticket.refresh_from_db()
    assert client.get(f"/api/tickets/{ticket.pk}/")["ETag"] == f'"{ticket.version}"'
    assert client.head(f"/api/tickets/{ticket.pk}/")["ETag"] == f'"{ticket.version}"'
