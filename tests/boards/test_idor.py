"""Objects of another project or company, by id, for every role of the document.

Each role of project A (superadmin, admin, user, manager) aims every boards endpoint at
project B's ticket, column, tag, contact, company, project and members: the answer is a
404 (ids in the path) or a 400 ``Invalid pk`` (ids in the body), never data, and B is
unchanged afterwards.
"""

from __future__ import annotations

import pytest

from tessera.core.contacts.services import contact_create, tag_create
from tessera.core.organizations.models import Company
from tessera.core.projects.models import BoardColumn
from tessera.core.tickets.models import Comment, Ticket
from tessera.core.tickets.services import ticket_create

pytestmark = pytest.mark.django_db

ROLES = ["superadmin", "admin", "user", "manager"]


@pytest.fixture
def other(make_user, make_project, member):
    owner = make_user("b_owner")
    project = make_project("boards", "BBB", name="Project B", owner=owner)
    b_user = member(project, "user", "b_client")
    column = BoardColumn.objects.filter(project=project).order_by("order").first()
    company = Company.objects.create(name="B Corp")
    company.projects.add(project)
    company.users.add(b_user)
    ticket = ticket_create(
        actor=owner, project=project, title="B secret", column=column, company=company
    )
    tag = tag_create(actor=owner, project=project, name="b-tag")
    contact = contact_create(actor=owner, project=project, name="B contact", email="b@x.test")
    return {
        "project": project,
        "column": column,
        "company": company,
        "ticket": ticket,
        "tag": tag,
        "contact": contact,
        "user": b_user,
    }


def calls(board, o) -> list[tuple[str, str, dict | None, int]]:
    t, col, tag, con = o["ticket"].pk, o["column"].pk, o["tag"].pk, o["contact"].pk
    p, co, u = o["project"].pk, o["company"].pk, o["user"].pk
    a_col = board.col(0)
    return [
        ("get", f"/api/tickets/tickets/{t}/", None, 404),
        ("patch", f"/api/tickets/tickets/{t}/", {"name": "pwned"}, 404),
        ("put", f"/api/tickets/tickets/{t}/", {"name": "pwned", "column": col}, 404),
        ("delete", f"/api/tickets/tickets/{t}/", None, 404),
        ("post", f"/api/tickets/tickets/{t}/toggle_follow/", None, 404),
        ("get", f"/api/tickets/tickets/?project={p}", None, 404),
        ("post", "/api/tickets/tickets/", {"name": "x", "column": col}, 400),
        ("post", "/api/tickets/tickets/", {"name": "x", "column": a_col, "company": co}, 400),
        ("get", f"/api/tickets/comments/?ticket={t}", None, 404),
        ("post", "/api/tickets/comments/", {"ticket": t, "content": "hi"}, 400),
        ("get", f"/api/tickets/attachments/?ticket={t}", None, 404),
        ("get", f"/api/tickets/projects/{p}/", None, 404),
        ("patch", f"/api/tickets/projects/{p}/", {"name": "pwned"}, 404),
        ("delete", f"/api/tickets/projects/{p}/", None, 404),
        ("get", f"/api/tickets/projects/{p}/members/", None, 404),
        ("post", f"/api/tickets/projects/{p}/members/", {"user_id": u, "role": "admin"}, 404),
        ("get", f"/api/tickets/columns/{col}/", None, 404),
        ("patch", f"/api/tickets/columns/{col}/", {"name": "pwned"}, 404),
        ("delete", f"/api/tickets/columns/{col}/", None, 404),
        ("get", f"/api/tickets/columns/?project={p}", None, 404),
        ("post", "/api/tickets/columns/", {"name": "x", "project": p}, 400),
        ("post", "/api/tickets/columns/reorder/", {"order": [{"id": col, "order": 0}]}, 400),
        ("get", f"/api/tickets/tags/{tag}/", None, 404),
        ("patch", f"/api/tickets/tags/{tag}/", {"name": "pwned"}, 404),
        ("delete", f"/api/tickets/tags/{tag}/", None, 404),
        ("post", f"/api/tickets/tags/{tag}/add_contact/", {"contact_id": con}, 404),
        ("post", "/api/tickets/tags/", {"name": "x", "project": p}, 400),
        ("get", f"/api/tickets/contacts/{con}/", None, 404),
        ("post", "/api/tickets/contacts/", {"name": "x", "project": p}, 400),
        ("get", f"/api/tickets/companies/{co}/", None, 404),
        ("patch", f"/api/tickets/companies/{co}/", {"name": "pwned"}, 404),
        ("delete", f"/api/tickets/companies/{co}/", None, 404),
        ("get", f"/api/tickets/companies/{co}/stats/", None, 404),
        ("get", f"/api/tickets/companies/{co}/tickets/", None, 404),
        ("post", f"/api/tickets/companies/{co}/assign_admin/", {"user_id": u}, 404),
        ("post", f"/api/tickets/companies/{co}/remove_user/", {"user_id": u}, 404),
        ("get", f"/api/tickets/users/{u}/", None, 404),
        ("get", f"/api/tickets/users/{u}/roles/", None, 404),
        ("patch", f"/api/tickets/users/{u}/", {"first_name": "pwned"}, 404),
        ("post", f"/api/tickets/users/{u}/set_password/", {"password": "Pwned-123456"}, 404),
        ("post", f"/api/tickets/users/{u}/toggle_active/", None, 404),
        ("post", f"/api/tickets/users/{u}/remove_role/", {"project_id": p}, 400),
        ("post", f"/api/tickets/users/{u}/assign_role/", {"project_id": p, "role": "user"}, 400),
        ("get", f"/api/tickets/dashboard/newest/?project={p}", None, 404),
        ("get", f"/api/tickets/dashboard/company-health/?project={p}", None, 404),
        ("get", f"/api/tickets/dashboard/activity/?project={p}", None, 404),
    ]


def _snapshot(o) -> tuple:
    t = Ticket.objects.get(pk=o["ticket"].pk)
    user = type(o["user"]).objects.get(pk=o["user"].pk)
    return (
        t.title,
        t.version,
        Comment.objects.filter(ticket=t).count(),
        BoardColumn.objects.filter(project=o["project"]).count(),
        sorted(BoardColumn.objects.filter(project=o["project"]).values_list("name", flat=True)),
        o["tag"].__class__.objects.get(pk=o["tag"].pk).name,
        Company.objects.get(pk=o["company"].pk).name,
        list(Company.objects.get(pk=o["company"].pk).admins.values_list("pk", flat=True)),
        user.first_name,
        user.is_active,
        user.password,
        o["project"].__class__.objects.get(pk=o["project"].pk).name,
    )


@pytest.mark.parametrize("role", ROLES)
def test_objects_of_another_project_are_never_reachable(board, other, client_for, role):
    c = client_for(role)
    before = _snapshot(other)
    for method, url, body, expected in calls(board, other):
        r = getattr(c, method)(url, body, format="json") if body else getattr(c, method)(url)
        assert r.status_code == expected, (role, method, url, r.status_code, r.content)
        text = r.content.decode()
        assert "B secret" not in text and "B Corp" not in text and "b_client" not in text
    assert _snapshot(other) == before


@pytest.mark.parametrize("role", ROLES)
def test_lists_hold_nothing_of_another_project(board, other, client_for, role):
    c = client_for(role)
    for url in [
        "/api/tickets/tickets/",
        "/api/tickets/columns/",
        "/api/tickets/tags/",
        "/api/tickets/contacts/",
        "/api/tickets/companies/",
        "/api/tickets/projects/",
        "/api/tickets/comments/",
        "/api/tickets/attachments/",
        "/api/tickets/users/",
    ]:
        r = c.get(url, {"page_size": 100})
        assert r.status_code == 200, (url, r.content)
        text = r.content.decode()
        for secret in ["B secret", "B Corp", "b_client", "b-tag", "B contact", "Project B"]:
            assert secret not in text, (role, url, secret)
