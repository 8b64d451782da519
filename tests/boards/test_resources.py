"""Projects, columns, tags, contacts and users endpoints."""

from __future__ import annotations

import pytest

from tessera.core.projects.models import BoardColumn, Membership, Project, WorkflowState
from tessera.core.tickets.models import Tag

pytestmark = pytest.mark.django_db


def test_projects(board, client_for, api, make_user):
    newbie = make_user("newbie")
    r = api(newbie).post(
        "/api/tickets/projects/",
        {"name": "Mobile App", "key": "MOB", "description": "d"},
        format="json",
    )
    assert r.status_code == 201
    body = r.json()
    assert set(body) == {
        "id",
        "name",
        "key",
        "description",
        "created_by",
        "created_at",
        "updated_at",
    }
    assert Membership.objects.get(project_id=body["id"], user=newbie).role.name == "superadmin"
    assert api(newbie).get("/api/tickets/projects/").json()["count"] == 1
    assert (
        api(newbie)
        .post("/api/tickets/projects/", {"name": "x", "key": "MOB"}, format="json")
        .status_code
        == 400
    )
    r = client_for("manager").get(f"/api/tickets/projects/{board.project.pk}/members/")
    assert r.json()["count"] == 5 and {
        "id",
        "user",
        "project",
        "role",
        "assigned_at",
        "assigned_by",
    } == set(r.json()["results"][0])


def test_columns_crud_and_reorder(board, client_for, make_ticket):
    c = client_for("superadmin")
    r = c.post(
        "/api/tickets/columns/", {"name": "Testing", "order": 3, "color": "#9c27b0"}, format="json"
    )
    assert r.status_code == 201, r.content
    col = r.json()
    assert {
        "id",
        "name",
        "order",
        "color",
        "project",
        "tickets_count",
        "created_at",
        "updated_at",
    } <= set(col)
    state = BoardColumn.objects.get(pk=col["id"]).state
    assert (
        state.key == "testing" and WorkflowState.objects.filter(project=board.project).count() == 5
    )
    t = make_ticket()
    r = c.patch(f"/api/tickets/tickets/{t.pk}/", {"column": col["id"]}, format="json")
    assert r.json()["status"] == "testing"
    assert c.delete(f"/api/tickets/columns/{col['id']}/").status_code == 400
    order = [
        {"id": board.col(0), "order": 2},
        {"id": board.col(1), "order": 0},
        {"id": board.col(2), "order": 1},
    ]
    r = c.post("/api/tickets/columns/reorder/", {"order": order}, format="json")
    assert r.status_code == 200 and r.json() == {"status": "columns reordered"}
    assert BoardColumn.objects.get(pk=board.col(1)).order == 0
    bad = [{"id": board.col(0), "order": 5}, {"id": 999999, "order": 1}]
    assert c.post("/api/tickets/columns/reorder/", {"order": bad}, format="json").status_code == 400
    assert BoardColumn.objects.get(pk=board.col(0)).order == 2
    assert (
        client_for("admin")
        .post("/api/tickets/columns/reorder/", {"order": order}, format="json")
        .status_code
        == 403
    )
    r = c.get(f"/api/tickets/columns/?project={board.project.pk}")
    assert r.json()["count"] == 5
    assert (
        c.patch(f"/api/tickets/columns/{board.col(2)}/", {"name": "QA"}, format="json").json()[
            "name"
        ]
        == "QA"
    )


def test_tags_and_contacts(board, client_for, make_ticket):
    c = client_for("superadmin")
    r = c.post(
        "/api/tickets/tags/",
        {
            "name": "Nokia",
            "description": "Nokia telecommunications tickets",
            "color": "#0052cc",
            "project": board.project.pk,
        },
        format="json",
    )
    assert r.status_code == 201
    tag = r.json()
    assert tag["project_name"] == "Demo Project" and tag["tickets_count"] == 0
    r = c.post(
        "/api/tickets/contacts/",
        {
            "name": "Giorgi Beridze",
            "email": "g.beridze@example.com",
            "title": "IT Manager",
            "department": "IT Department",
        },
        format="json",
    )
    assert r.status_code == 201
    contact = r.json()
    assert c.get("/api/tickets/contacts/?search=IT Dep").json()["count"] == 1
    assert c.get("/api/tickets/contacts/?search=nobody").json()["count"] == 0
    r = c.post(
        f"/api/tickets/tags/{tag['id']}/add_contact/",
        {"contact_id": contact["id"], "role": "Primary Contact"},
        format="json",
    )
    assert r.status_code == 201
    assert r.json()["contact"] == {
        "id": contact["id"],
        "name": "Giorgi Beridze",
        "email": "g.beridze@example.com",
    }
    assert r.json()["role"] == "Primary Contact" and r.json()["tag"] == tag["id"]
    assert c.get("/api/tickets/tags/?search=telecom").json()["results"][0]["contacts_count"] == 1
    assert c.get(f"/api/tickets/tags/?project={board.project.pk}").json()["count"] == 1
    nokia = Tag.objects.get(pk=tag["id"])
    for _ in range(2):
        make_ticket(tags=[nokia])
    make_ticket()
    assert c.get(f"/api/tickets/tags/{tag['id']}/").json()["tickets_count"] == 2
    assert c.get("/api/tickets/tags/?search=Nokia").json()["results"][0]["tickets_count"] == 2
    assert (
        client_for("admin").post("/api/tickets/contacts/", {"name": "X"}, format="json").status_code
        == 403
    )


def test_users(board, client_for, api, make_user):
    sa = client_for("superadmin")
    r = sa.get("/api/tickets/users/")
    assert r.json()["count"] == 5  # the outsider shares no project
    row = next(u for u in r.json()["results"] if u["username"] == "itadmin")
    assert row["project_roles"] == [
        {"project_id": board.project.pk, "project_name": "Demo Project", "role": "admin"}
    ]
    assert row["administered_companies"] == [{"id": board.company.pk, "name": "Nikora"}]
    assert (
        sa.get("/api/tickets/users/?ordering=-username").json()["results"][0]["username"] == "owner"
    )
    assert sa.get("/api/tickets/users/?ordering=password").status_code == 400
    assert sa.get(f"/api/tickets/users/{board.users['outsider'].pk}/").status_code == 404
    root = make_user("root", is_superuser=True, is_staff=True)
    assert api(root).get("/api/tickets/users/").json()["count"] == 7
    # create, assign a role, manage
    r = sa.post(
        "/api/tickets/users/",
        {"username": "newuser", "email": "n@example.com", "password": "SecurePass123!"},
        format="json",
    )
    assert r.status_code == 201, r.content
    uid = r.json()["id"]
    r = sa.post(
        f"/api/tickets/users/{uid}/assign_role/",
        {"project_id": board.project.pk, "role": "admin"},
        format="json",
    )
    assert r.status_code == 201 and r.json()["created"] is True
    assert r.json()["message"] == "newuser assigned as admin in Demo Project"
    r = sa.post(
        f"/api/tickets/users/{uid}/assign_role/",
        {"project_id": board.project.pk, "role": "user"},
        format="json",
    )
    assert r.status_code == 200 and r.json()["user_role"]["role"] == "user"
    r = sa.get(f"/api/tickets/users/{uid}/roles/")
    assert r.json()["roles"][0]["project_key"] == "DEMO"
    assert (
        sa.patch(f"/api/tickets/users/{uid}/", {"first_name": "Updated"}, format="json").json()[
            "first_name"
        ]
        == "Updated"
    )
    assert sa.post(
        f"/api/tickets/users/{uid}/set_password/", {"password": "NewSecurePass123!"}, format="json"
    ).json() == {"message": "Password updated for newuser"}
    assert sa.post(f"/api/tickets/users/{uid}/toggle_active/").json() == {
        "message": "User newuser is now inactive",
        "is_active": False,
    }
    adm = client_for("admin")
    assert (
        adm.patch(f"/api/tickets/users/{uid}/", {"first_name": "X"}, format="json").status_code
        == 403
    )
    assert (
        adm.post(
            f"/api/tickets/users/{uid}/assign_role/",
            {"project_id": board.project.pk, "role": "admin"},
            format="json",
        ).status_code
        == 403
    )
    assert (
        adm.post(
            "/api/tickets/users/",
            {"username": "u3", "email": "u3@example.com", "password": "SecurePass123!"},
            format="json",
        ).status_code
        == 403
    )
    assert sa.post(
        f"/api/tickets/users/{uid}/remove_role/", {"project_id": board.project.pk}, format="json"
    ).json() == {"message": "Role removed for newuser"}
    r = sa.post(
        f"/api/tickets/users/{board.users['user'].pk}/assign_role/",
        {"project_id": board.project.pk, "role": "admin"},
        format="json",
    )
    assert r.status_code == 200
    assert sa.delete(f"/api/tickets/users/{board.users['user2'].pk}/").status_code == 204
    assert sa.delete(f"/api/tickets/users/{board.users['superadmin'].pk}/").status_code == 403
    assert Project.objects.filter(pk=board.project.pk).exists()


@pytest.mark.parametrize("resource", ["users", "companies", "tags", "contacts", "tickets"])
def test_search_with_a_nul_character_is_a_400_and_changes_nothing(board, client_for, resource):
    """PostgreSQL cannot compare text with NUL: a search carrying one is refused as the
    surface's 400 before any query, on both engines (it was a 500 on PostgreSQL)."""
    c = client_for("superadmin")
    r = c.get(f"/api/tickets/{resource}/?search=a%00b")
    assert r.status_code == 400, r.content
    assert r.json() == {"search": ["NUL characters are not allowed"]}
    assert c.get(f"/api/tickets/{resource}/?search=ab").status_code == 200
    r = c.get(f"/api/tickets/{resource}/?x%00=1")
    assert r.status_code == 400 and r.json() == {"query": ["NUL characters are not allowed"]}


def test_every_list_documents_the_400_it_answers_to_a_nul_in_the_query(board, client_for):
    """Each boards list and dashboard refuses a NUL in its query string with a 400 (the
    projects list's schema lacked it: found by the PostgreSQL fuzz run); every one of them
    must say so in the schema, and answer it."""
    import re

    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    boards = re.compile(
        r"^/api/tickets/(tickets|projects|columns|tags|contacts|comments|attachments"
        r"|companies|users|dashboard)/"
    )
    c = client_for("superadmin")
    lists = []
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        if not boards.match(path) or get is None or "{" in path:
            continue
        params = {p["name"] for p in get.get("parameters", []) if p["in"] == "query"}
        if not params & {"page", "limit"}:
            continue
        lists.append(path)
        assert "400" in get["responses"], path
        r = c.get(f"{path}?x%00=1")
        assert r.status_code == 400, (path, r.status_code)
    assert "/api/tickets/projects/" in lists and len(lists) >= 10, lists
