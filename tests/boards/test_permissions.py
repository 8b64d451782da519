"""Document 003's permission matrix, every cell: role × action → status.

Cells marked ❌ answer 403, except "View all project tickets" where a ticket the role
may not see answers 404 (ids cannot be probed). Creating a project is open to every
signed-in user (docs/surfaces/boards.md).
"""

from __future__ import annotations

import pytest

from tessera.core.organizations.models import Company
from tessera.core.tickets.models import Tag, Ticket

pytestmark = pytest.mark.django_db

ROLES = ["superadmin", "admin", "user", "manager"]


def _company_ticket(board, make_ticket):
    """A ticket of the company created by another company user: visible to every role."""
    board.company.users.add(board.users["user2"])
    return make_ticket("user2", company=board.company, title="Company ticket")


def create_project(board, c, make_ticket, role):
    return c.post(
        "/api/tickets/projects/", {"name": "New", "key": f"NEW{role[:3].upper()}"}, format="json"
    )


def edit_project(board, c, make_ticket, role):
    return c.patch(f"/api/tickets/projects/{board.project.pk}/", {"name": "Renamed"}, format="json")


def delete_project(board, c, make_ticket, role):
    return c.delete(f"/api/tickets/projects/{board.project.pk}/")


def manage_members(board, c, make_ticket, role):
    return c.post(
        f"/api/tickets/projects/{board.project.pk}/members/",
        {"user_id": board.users["outsider"].pk, "role": "user"},
        format="json",
    )


def view_project(board, c, make_ticket, role):
    return c.get(f"/api/tickets/projects/{board.project.pk}/")


def create_company(board, c, make_ticket, role):
    return c.post(
        "/api/tickets/companies/",
        {"name": "Acme", "project_ids": [board.project.pk]},
        format="json",
    )


def edit_company(board, c, make_ticket, role):
    return c.patch(f"/api/tickets/companies/{board.company.pk}/", {"phone": "555"}, format="json")


def delete_company(board, c, make_ticket, role):
    return c.delete(f"/api/tickets/companies/{board.company.pk}/")


def view_companies(board, c, make_ticket, role):
    r = c.get("/api/tickets/companies/")
    assert r.status_code != 200 or r.json()["count"] == 1
    return r


def _tag(board):
    return Tag.objects.create(project=board.project, name="backend")


def create_tag(board, c, make_ticket, role):
    return c.post(
        "/api/tickets/tags/", {"name": "Nokia", "project": board.project.pk}, format="json"
    )


def edit_tag(board, c, make_ticket, role):
    return c.patch(f"/api/tickets/tags/{_tag(board).pk}/", {"color": "#000000"}, format="json")


def delete_tag(board, c, make_ticket, role):
    return c.delete(f"/api/tickets/tags/{_tag(board).pk}/")


def view_tags(board, c, make_ticket, role):
    _tag(board)
    r = c.get("/api/tickets/tags/")
    assert r.status_code != 200 or r.json()["count"] == 1
    return r


def view_all_tickets(board, c, make_ticket, role):
    other = make_ticket("user2", title="Private to user2")
    return c.get(f"/api/tickets/tickets/{other.pk}/")


def create_ticket(board, c, make_ticket, role):
    return c.post("/api/tickets/tickets/", {"name": "New", "column": board.col(0)}, format="json")


def edit_own_ticket(board, c, make_ticket, role):
    own = make_ticket(role, title="Mine")
    return c.patch(f"/api/tickets/tickets/{own.pk}/", {"name": "Changed"}, format="json")


def edit_others_ticket(board, c, make_ticket, role):
    t = _company_ticket(board, make_ticket)
    return c.patch(f"/api/tickets/tickets/{t.pk}/", {"name": "Changed"}, format="json")


def delete_own_ticket(board, c, make_ticket, role):
    own = make_ticket(role, title="Mine")
    return c.delete(f"/api/tickets/tickets/{own.pk}/")


def assign_tickets(board, c, make_ticket, role):
    t = _company_ticket(board, make_ticket)
    return c.patch(
        f"/api/tickets/tickets/{t.pk}/", {"assignee_ids": [board.users["admin"].pk]}, format="json"
    )


def comment_ticket(board, c, make_ticket, role):
    t = _company_ticket(board, make_ticket)
    return c.post("/api/tickets/comments/", {"ticket": t.pk, "content": "Hi"}, format="json")


S, A, U, M = "superadmin", "admin", "user", "manager"
MATRIX = [
    (create_project, {S, A, U, M}, 201, 403),
    (edit_project, {S}, 200, 403),
    (delete_project, {S}, 204, 403),
    (manage_members, {S}, 201, 403),
    (view_project, {S, A, U, M}, 200, 403),
    (create_company, {S}, 201, 403),
    (edit_company, {S}, 200, 403),
    (delete_company, {S}, 204, 403),
    (view_companies, {S, A, U, M}, 200, 403),
    (create_tag, {S}, 201, 403),
    (edit_tag, {S}, 200, 403),
    (delete_tag, {S}, 204, 403),
    (view_tags, {S, A, U, M}, 200, 403),
    (view_all_tickets, {S, A, M}, 200, 404),
    (create_ticket, {S, A, U}, 201, 403),
    (edit_own_ticket, {S, A, U}, 200, 403),
    (edit_others_ticket, {S}, 200, 403),
    (delete_own_ticket, {S, A, U}, 204, 403),
    (assign_tickets, {S, A}, 200, 403),
    (comment_ticket, {S, A, U, M}, 201, 403),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "action, allowed, ok, refused", MATRIX, ids=[m[0].__name__ for m in MATRIX]
)
def test_permission_matrix(board, client_for, make_ticket, role, action, allowed, ok, refused):
    r = action(board, client_for(role), make_ticket, role)
    expected = ok if role in allowed else refused
    assert r.status_code == expected, (role, action.__name__, r.status_code, r.content)
    if role not in allowed:
        assert "detail" in r.json()


def test_refused_writes_change_nothing(board, client_for, make_ticket):
    t = _company_ticket(board, make_ticket)
    before = Ticket.objects.filter(pk=t.pk).values().get()
    c = client_for("admin")
    assert (
        c.patch(
            f"/api/tickets/tickets/{t.pk}/", {"name": "X", "column": board.col(2)}, format="json"
        ).status_code
        == 403
    )
    assert Ticket.objects.filter(pk=t.pk).values().get() == before
    m = client_for("manager")
    assert (
        m.post(
            "/api/tickets/tickets/", {"name": "N", "column": board.col(0)}, format="json"
        ).status_code
        == 403
    )
    assert Ticket.objects.count() == 1
    assert (
        m.patch(
            f"/api/tickets/companies/{board.company.pk}/", {"name": "Z"}, format="json"
        ).status_code
        == 403
    )
    assert Company.objects.get(pk=board.company.pk).name == "Nikora"
    # a user may not create tags through tag_names, and the ticket is not created either
    u = client_for("user")
    r = u.post(
        "/api/tickets/tickets/",
        {"name": "N", "column": board.col(0), "tag_names": ["new-tag"]},
        format="json",
    )
    assert r.status_code == 400 and "tag_names" in r.json()
    assert Ticket.objects.count() == 1 and not Tag.objects.exists()


def test_outsider_sees_nothing(board, api, make_ticket):
    t = make_ticket()
    c = api(board.users["outsider"])
    assert c.get(f"/api/tickets/tickets/{t.pk}/").status_code == 404
    assert c.get("/api/tickets/tickets/").json()["count"] == 0
    assert c.get(f"/api/tickets/projects/{board.project.pk}/").status_code == 404
    assert c.get(f"/api/tickets/companies/{board.company.pk}/").status_code == 404
    r = c.get(f"/api/tickets/dashboard/newest/?project={board.project.pk}")
    assert r.status_code == 404


def test_user_sees_own_and_company_tickets_only(board, client_for, make_ticket):
    own = make_ticket("user", title="own")
    explicit = make_ticket("superadmin", title="explicit company", company=board.company)
    board.company.users.add(board.users["user2"])
    via_requester = make_ticket("user2", title="requester in company")
    other = Company.objects.create(name="Other")
    make_ticket("superadmin", title="other company", company=other)
    make_ticket("superadmin", title="no company")
    r = client_for("user").get("/api/tickets/tickets/")
    assert r.status_code == 200
    assert {t["id"] for t in r.json()["results"]} == {own.pk, explicit.pk, via_requester.pk}
    assert client_for("manager").get("/api/tickets/tickets/").json()["count"] == 5
