"""Permission matrix: which role of which blueprint sees, through the feed, a ticket that
someone else created — in the list and by number — and its own / assigned tickets."""

from __future__ import annotations

import pytest

from tessera.core.tickets.services import ticket_assign, ticket_create
from tests.factories import any_ticket

pytestmark = pytest.mark.django_db

MATRIX = [
    ("workshop", "master", True),
    ("workshop", "super_admin", True),
    ("workshop", "ops_manager", True),
    ("workshop", "technician", True),
    ("workshop", "qc_inspector", True),
    ("support", "user", False),
    ("support", "moderator", True),
    ("support", "admin", True),
    ("servicedesk", "customer", False),
    ("servicedesk", "agent", True),
    ("servicedesk", "admin", True),
    ("boards", "user", False),
    ("boards", "admin", True),
    ("boards", "manager", True),
    ("boards", "superadmin", True),
]


@pytest.mark.parametrize("template, role, sees_others", MATRIX)
def test_role_sees_what_its_project_role_allows(
    make_user, make_project, member, make_token, feed, template, role, sees_others
):
    root = make_user(is_superuser=True)
    project = make_project(template, "MX")
    viewer = member(project, role)
    other = any_ticket(project, root, "someone else's")
    _, raw = make_token(viewer)
    client = feed(raw)
    body = client.get("/api/tickets/").json()
    assert body["count"] == (1 if sees_others else 0)
    status = client.get(f"/api/tickets/{other.display_number}/").status_code
    assert status == (200 if sees_others else 404)
    # a ticket assigned to the viewer is always visible to them
    ticket_assign(actor=root, ticket=other, assignees=[viewer])
    assert client.get(f"/api/tickets/{other.public_id}/").status_code == 200
    assert client.get("/api/tickets/").json()["count"] == 1


@pytest.mark.parametrize(
    "template, role", [("support", "user"), ("servicedesk", "customer"), ("boards", "user")]
)
def test_own_tickets_are_visible_to_requesters(
    make_user, make_project, member, make_token, feed, template, role
):
    project = make_project(template, "OWN")
    requester = member(project, role)
    mine = ticket_create(actor=requester, project=project, title="mine")
    ticket_create(actor=make_user(is_superuser=True), project=project, title="not mine")
    _, raw = make_token(requester)
    body = feed(raw).get("/api/tickets/").json()
    assert [t["title"] for t in body["tickets"]] == ["mine"] and body["count"] == 1
    assert feed(raw).get(f"/api/tickets/{mine.pk}/").status_code == 200
