"""Document 003 (`/work/shared/seeds/003_1f9465634fc0527d.txt`) as its own client sees it.

Written from the document only: its base URL is `/api`, so `/tickets/tickets/` is
`/api/tickets/tickets/`. The client logs in the documented way (`POST /tickets/auth/login/`,
then `Authorization: Bearer <access>`) with the demo's accounts (`manage.py demo --json`),
sends the document's own example bodies (ids replaced by the demo's), and checks the field
names, status codes, the `{count, next, previous, results}` pagination every list answers
(docs/surfaces/boards.md: also the lists the document shows as bare arrays), the dashboards'
documented keys, DRF's error bodies and the permission matrix's role rules.
"""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from PIL import Image
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

API = "/api"
PAGE = {"count", "next", "previous", "results"}
USER = {"id", "username", "email", "first_name", "last_name"}
TICKET = {
    "id", "name", "description", "type", "status", "priority_id", "urgency", "importance",
    "project", "project_key", "column", "column_name", "assignee_ids", "following",
    "comments_count", "tag_names", "due_date", "start_date", "created_at", "updated_at",
}  # fmt: skip
PROJECT = {"id", "name", "key", "description", "created_by", "created_at", "updated_at"}
COLUMN = {
    "id", "name", "order", "color", "project", "tickets_count", "created_at", "updated_at",
}  # fmt: skip
TAG = {
    "id", "name", "description", "color", "project", "project_name", "tickets_count",
    "contacts_count", "created_at", "updated_at",
}  # fmt: skip
CONTACT = {
    "id", "name", "email", "phone", "title", "department", "description", "created_at",
    "updated_at",
}  # fmt: skip
COMMENT = {"id", "ticket", "user", "content", "created_at", "updated_at"}
ATTACHMENT = {"id", "ticket", "file", "filename", "uploaded_by", "uploaded_at"}
COMPANY_ITEM = {
    "id", "name", "description", "logo_url", "logo_thumbnail_url", "primary_contact_email",
    "phone", "admin_count", "user_count", "ticket_count", "project_count", "admin_names",
    "created_at", "updated_at",
}  # fmt: skip
COMPANY = {
    "id", "name", "description", "logo", "logo_url", "logo_thumbnail", "logo_thumbnail_url",
    "primary_contact_email", "phone", "admins", "admin_count", "users", "user_count",
    "ticket_count", "project_count", "created_at", "updated_at",
}  # fmt: skip
STATS = {
    "open_tickets", "urgent_tickets", "overdue_tickets", "resolved_this_month",
    "total_tickets", "user_count", "admin_count", "health_status", "last_activity",
}  # fmt: skip
MANAGED_USER = USER | {
    "is_active", "is_staff", "is_superuser", "date_joined", "last_login", "project_roles",
    "administered_companies", "member_companies",
}  # fmt: skip


@pytest.fixture
def demo(capsys) -> dict:
    call_command("demo", "--json")
    data = json.loads(capsys.readouterr().out)
    project = next(p for p in data["projects"] if p["template"] == "boards")
    accounts = {a["username"]: a for a in data["accounts"]}
    return {"data": data, "project": project, "accounts": accounts}


def login(username: str, password: str = "tessera-demo") -> APIClient:
    """The document's "Login Flow", then the access token as a Bearer token."""
    r = APIClient().post(
        f"{API}/tickets/auth/login/", {"username": username, "password": password}, format="json"
    )
    assert r.status_code == 200, r.content
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {r.json()['tokens']['access']}")
    return client


def page(r, status: int = 200) -> list:
    assert r.status_code == status, r.content
    body = r.json()
    assert set(body) == PAGE, body
    assert isinstance(body["count"], int) and isinstance(body["results"], list)
    return body["results"]


def has(obj: dict, fields: set[str]) -> dict:
    missing = fields - set(obj)
    assert not missing, f"missing {missing} in {obj}"
    return obj


# --- Authentication ---------------------------------------------------------------------------


def test_login_flow_answers_exactly_the_documented_shape(demo):
    r = APIClient().post(
        f"{API}/tickets/auth/login/",
        {"username": "admin", "password": "tessera-demo"},
        format="json",
    )
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"message", "user", "tokens"}
    assert body["message"] == "Login successful"
    assert set(body["user"]) == USER and body["user"]["username"] == "admin"
    assert set(body["tokens"]) == {"refresh", "access"}
    me = APIClient()
    me.credentials(HTTP_AUTHORIZATION=f"Bearer {body['tokens']['access']}")
    r = me.get(f"{API}/tickets/auth/me/")
    assert r.status_code == 200
    assert set(r.json()) == USER | {"is_superuser", "is_staff"}
    assert r.json()["is_superuser"] is True and r.json()["is_staff"] is True


def test_the_document_example_password_is_not_the_demo_one(demo):
    """`{"username": "admin", "password": "admin"}` is the document's placeholder: the demo
    superuser's password is `tessera-demo` (README), so the example answers 400."""
    r = APIClient().post(
        f"{API}/tickets/auth/login/", {"username": "admin", "password": "admin"}, format="json"
    )
    assert r.status_code == 400
    assert isinstance(r.json(), dict) and r.json()


def test_every_boards_demo_account_logs_in_the_documented_way(demo):
    boards = [a for a in demo["data"]["accounts"] if a["surface"] == "boards"]
    assert {a["role"] for a in boards} == {"superadmin", "admin", "user", "manager"}
    for account in boards:
        client = login(account["username"], account["password"])
        assert client.get(f"{API}/tickets/auth/me/").json()["username"] == account["username"]
        projects = page(client.get(f"{API}/tickets/projects/"))
        assert demo["project"]["id"] in [p["id"] for p in projects]


@pytest.mark.parametrize(
    "missing", [{"username": "admin"}, {"password": "tessera-demo"}, {}], ids=str
)
def test_login_without_username_or_password_is_400_with_field_errors(demo, missing):
    r = APIClient().post(f"{API}/tickets/auth/login/", missing, format="json")
    assert r.status_code == 400
    for field in {"username", "password"} - set(missing):
        assert field in r.json()


REGISTER = {
    "username": "newuser",
    "email": "newuser@example.com",
    "password": "SecurePass123!",
    "password_confirm": "SecurePass123!",
    "first_name": "John",
    "last_name": "Doe",
    "project_key": "PROJ",
    "project_name": "My Project",
}


def test_register_with_the_document_example(demo):
    r = APIClient().post(f"{API}/tickets/auth/register/", REGISTER, format="json")
    assert r.status_code == 201, r.content
    body = r.json()
    assert set(body) == {"message", "user", "project", "tokens"}
    assert body["message"] == "User registered successfully"
    assert body["user"] == {
        "id": body["user"]["id"],
        "username": "newuser",
        "email": "newuser@example.com",
        "first_name": "John",
        "last_name": "Doe",
    }
    assert body["project"] == {"id": body["project"]["id"], "name": "My Project", "key": "PROJ"}
    assert set(body["tokens"]) == {"refresh", "access"}
    # the new user is the project's superadmin (auto-assigned)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {body['tokens']['access']}")
    roles = client.get(f"{API}/tickets/users/{body['user']['id']}/roles/").json()["roles"]
    assert [(x["project_key"], x["role"]) for x in roles] == [("PROJ", "superadmin")]


@pytest.mark.parametrize(
    "change, field",
    [
        ({"password_confirm": "Different123!"}, "password_confirm"),  # password mismatch
        ({"username": "bd_super"}, "username"),  # username taken
        ({"project_key": "not a key!"}, "project_key"),  # invalid project key format
        ({"project_key": "DEMO"}, "project_key"),  # key taken
    ],
)
def test_register_errors_are_400_with_field_errors_and_create_nothing(demo, change, field):
    from tessera.core.accounts.models import User

    users = User.objects.count()
    body = {**REGISTER, **change}
    if field != "username":
        body["username"] = "another"
    r = APIClient().post(f"{API}/tickets/auth/register/", body, format="json")
    assert r.status_code == 400, r.content
    assert field in r.json() and isinstance(r.json()[field], list)
    assert User.objects.count() == users


def test_token_refresh_and_its_401(demo):
    r = APIClient().post(
        f"{API}/tickets/auth/login/", {"username": "bd_user1", "password": "tessera-demo"}
    )
    refresh = r.json()["tokens"]["refresh"]
    r = APIClient().post(f"{API}/tickets/auth/token/refresh/", {"refresh": refresh}, format="json")
    assert r.status_code == 200 and "access" in r.json()
    r = APIClient().post(
        f"{API}/tickets/auth/token/refresh/", {"refresh": "eyJ0eXAiOiJKV1QiLCJhbGc"}, format="json"
    )
    assert r.status_code == 401
    assert "detail" in r.json() and r.json()["code"] == "token_not_valid"


def test_unauthenticated_401_and_the_super_secret_key_is_off_by_default(demo):
    r = APIClient().get(f"{API}/tickets/tickets/")
    assert r.status_code == 401
    assert r.json() == {"detail": "Authentication credentials were not provided."}
    r = APIClient().get(
        f"{API}/tickets/tickets/", HTTP_X_SUPER_SECRET_KEY="dev-super-secret-key-12345"
    )
    assert r.status_code == 401
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION="Bearer not.a.token")
    r = bad.get(f"{API}/tickets/tickets/")
    assert r.status_code == 401 and r.json()["code"] == "token_not_valid"
    assert r.json()["messages"][0]["token_class"] == "AccessToken"


# --- Tickets ----------------------------------------------------------------------------------


def _columns(client, project_id: int) -> list[dict]:
    return page(client.get(f"{API}/tickets/columns/", {"project": project_id}))


def test_tickets_list_create_detail_patch_delete_follow(demo):
    sa = login("bd_super")
    pid = demo["project"]["id"]
    tickets = page(sa.get(f"{API}/tickets/tickets/"))
    assert tickets and all(has(t, TICKET) for t in tickets)
    cols = _columns(sa, pid)
    ids = {a: demo["accounts"][a]["id"] for a in ("bd_super", "bd_admin")}
    # "POST /tickets/tickets/" with the document's example (its ids are the demo's here)
    body = {
        "name": "Fix homepage loading issue",
        "description": "Homepage is slow to load for mobile users",
        "type": "bug",
        "priority_id": 3,
        "urgency": "high",
        "importance": "medium",
        "column": cols[0]["id"],
        "assignee_ids": [ids["bd_super"], ids["bd_admin"]],
        "tag_names": ["frontend", "performance"],
        "due_date": "2025-11-01",
        "start_date": "2025-10-25",
    }
    r = sa.post(f"{API}/tickets/tickets/", body, format="json")
    assert r.status_code == 201, r.content
    t = has(r.json(), TICKET)
    assert t["status"] == "new" and t["column"] == cols[0]["id"] and t["column_name"] == "New"
    assert t["project"] == pid and t["project_key"] == "DEMO"
    assert sorted(t["assignee_ids"]) == sorted(ids.values())
    assert t["tag_names"] == ["frontend", "performance"]
    assert (t["due_date"], t["start_date"]) == ("2025-11-01", "2025-10-25")
    assert t["following"] is False and t["comments_count"] == 0
    url = f"{API}/tickets/tickets/{t['id']}/"
    assert has(sa.get(url).json(), TICKET)["id"] == t["id"]
    # PATCH: "Only send fields you want to change"; common updates
    r = sa.patch(url, {"column": cols[2]["id"], "priority_id": 4}, format="json")
    assert r.status_code == 200, r.content
    assert (r.json()["column"], r.json()["priority_id"]) == (cols[2]["id"], 4)
    assert r.json()["status"] == cols[2]["status"]
    assert sa.patch(url, {"due_date": "2025-11-02"}, format="json").json()["due_date"] == (
        "2025-11-02"
    )
    assert sa.patch(url, {"assignee_ids": [ids["bd_admin"]]}, format="json").json()[
        "assignee_ids"
    ] == [ids["bd_admin"]]
    done = next(c for c in cols if c["name"] == "Done")
    assert sa.patch(url, {"column": done["id"]}, format="json").json()["status"] == "done"
    # toggle_follow
    r = sa.post(f"{url}toggle_follow/")
    assert r.status_code == 200 and r.json() == {"following": True}
    assert sa.get(url).json()["following"] is True
    assert sa.post(f"{url}toggle_follow/").json() == {"following": False}
    # DELETE 204, then 404 with DRF's body
    assert sa.delete(url).status_code == 204
    r = sa.get(url)
    assert r.status_code == 404 and set(r.json()) == {"detail"}


def test_ticket_create_errors_are_field_errors(demo):
    sa = login("bd_super")
    r = sa.post(f"{API}/tickets/tickets/", {"description": "no name"}, format="json")
    assert r.status_code == 400
    assert r.json()["name"] == ["This field is required."]
    assert r.json()["column"] == ["This field is required."]
    r = sa.post(f"{API}/tickets/tickets/", {"name": "x", "column": 999999}, format="json")
    assert r.status_code == 400
    assert r.json() == {"column": ['Invalid pk "999999" - object does not exist.']}
    col = _columns(sa, demo["project"]["id"])[0]["id"]
    r = sa.post(
        f"{API}/tickets/tickets/", {"name": "x", "column": col, "assignee_ids": [999999]}, "json"
    )
    assert r.status_code == 400 and "assignee_ids" in r.json()


def test_the_curl_example_and_the_bench_payload_create_tickets(demo):
    sa = login("bd_super")
    col = _columns(sa, demo["project"]["id"])[0]["id"]
    r = sa.post(f"{API}/tickets/tickets/", {"name": "New ticket", "type": "task", "column": col})
    assert r.status_code == 201
    bench = {
        "name": "Bench pagination bug",
        "description": "Created by the benchmark",
        "type": "bug",
        "column": col,
        "priority_id": 3,
    }
    assert sa.post(f"{API}/tickets/tickets/", bench, format="json").status_code == 201


def test_ticket_filters_ordering_and_pagination(demo):
    sa = login("bd_super")
    pid = demo["project"]["id"]
    cols = _columns(sa, pid)
    for i in range(25):
        sa.post(
            f"{API}/tickets/tickets/",
            {
                "name": f"authentication {i}",
                "type": "bug",
                "priority_id": 4,
                "column": cols[1]["id"],
            },
            format="json",
        )
    r = sa.get(f"{API}/tickets/tickets/")
    body = r.json()
    assert len(body["results"]) == 20 and body["previous"] is None
    assert body["next"].endswith("/api/tickets/tickets/?page=2")
    assert len(page(sa.get(f"{API}/tickets/tickets/", {"page": 2}))) == body["count"] - 20
    assert len(page(sa.get(f"{API}/tickets/tickets/", {"page_size": 500}))) == body["count"]
    results = page(
        sa.get(
            f"{API}/tickets/tickets/",
            {
                "search": "authentication",
                "type": "bug",
                "priority_id": 4,
                "ordering": "-created_at",
            },
        )
    )
    assert len(results) >= 20
    assert all(t["type"] == "bug" and t["priority_id"] == 4 for t in results)
    stamps = [t["created_at"] for t in results]
    assert stamps == sorted(stamps, reverse=True)
    assert all(
        t["column"] == cols[1]["id"]
        for t in page(sa.get(f"{API}/tickets/tickets/", {"column": cols[1]["id"]}))
    )
    for name in ["created_at", "updated_at", "priority_id", "name"]:
        for prefix in ["", "-"]:
            r = sa.get(f"{API}/tickets/tickets/", {"ordering": prefix + name})
            assert r.status_code == 200, (prefix + name, r.content)
    assert sa.get(f"{API}/tickets/tickets/", {"ordering": "password"}).status_code == 400
    assert sa.get(f"{API}/tickets/tickets/", {"priority_id": 6}).status_code == 400
    tags = page(sa.get(f"{API}/tickets/tags/", {"project": pid}))
    tag = tags[0]
    tagged = page(sa.get(f"{API}/tickets/tickets/?tags={tag['id']}&tags=999999"))
    assert all(tag["name"] in t["tag_names"] for t in tagged)


# --- Projects, columns, tags, contacts ---------------------------------------------------------


def test_projects_are_paginated_and_creating_one_makes_the_creator_superadmin(demo):
    user = login("bd_user1")
    projects = page(user.get(f"{API}/tickets/projects/"))
    demo_project = next(p for p in projects if p["key"] == "DEMO")
    assert has(demo_project, PROJECT)["name"] == "Demo Project"
    r = user.post(
        f"{API}/tickets/projects/",
        {"name": "Mobile App", "key": "MOB", "description": "Mobile application project"},
        format="json",
    )
    assert r.status_code == 201, r.content
    assert has(r.json(), PROJECT)["key"] == "MOB"
    me = demo["accounts"]["bd_user1"]["id"]
    roles = user.get(f"{API}/tickets/users/{me}/roles/").json()["roles"]
    assert ("MOB", "superadmin") in [(x["project_key"], x["role"]) for x in roles]
    # "Edit/Delete own project": superadmin only
    assert user.patch(
        f"{API}/tickets/projects/{demo_project['id']}/", {"name": "x"}
    ).status_code == (403)


def test_columns_list_create_and_reorder(demo):
    sa = login("bd_super")
    pid = demo["project"]["id"]
    cols = _columns(sa, pid)
    assert all(has(c, COLUMN) for c in cols)
    assert [c["order"] for c in cols] == sorted(c["order"] for c in cols)
    r = sa.post(
        f"{API}/tickets/columns/",
        {"name": "Testing", "order": 3, "color": "#9c27b0", "project": pid},
        format="json",
    )
    assert r.status_code == 201, r.content
    assert has(r.json(), COLUMN)["name"] == "Testing"
    ids = [c["id"] for c in _columns(sa, pid)]
    order = [{"id": cid, "order": i} for i, cid in enumerate(reversed(ids))]
    r = sa.post(f"{API}/tickets/columns/reorder/", {"order": order}, format="json")
    assert r.status_code == 200 and r.json() == {"status": "columns reordered"}
    assert [c["id"] for c in _columns(sa, pid)] == list(reversed(ids))
    assert (
        login("bd_admin")
        .post(f"{API}/tickets/columns/reorder/", {"order": order}, format="json")
        .status_code
        == 403
    )


def test_tags_contacts_and_add_contact(demo):
    sa = login("bd_super")
    pid = demo["project"]["id"]
    tags = page(sa.get(f"{API}/tickets/tags/", {"project": pid, "search": "Nikora"}))
    assert tags and all(has(t, TAG) for t in tags)
    r = sa.post(
        f"{API}/tickets/tags/",
        {
            "name": "Nokia",
            "description": "Nokia telecommunications tickets",
            "color": "#0052cc",
            "project": pid,
        },
        format="json",
    )
    assert r.status_code == 201, r.content
    tag = has(r.json(), TAG)
    contacts = page(sa.get(f"{API}/tickets/contacts/", {"search": "IT Manager"}))
    assert contacts and all(has(c, CONTACT) for c in contacts)
    r = sa.post(
        f"{API}/tickets/contacts/",
        {
            "name": "John Smith",
            "email": "j.smith@example.com",
            "phone": "+995 555 999 888",
            "title": "Project Manager",
            "department": "Operations",
            "description": "Main point of contact for project",
        },
        format="json",
    )
    assert r.status_code == 201, r.content
    contact = has(r.json(), CONTACT)
    r = sa.post(
        f"{API}/tickets/tags/{tag['id']}/add_contact/",
        {"contact_id": contact["id"], "role": "Primary Contact"},
        format="json",
    )
    assert r.status_code == 201, r.content
    link = r.json()
    assert set(link) == {"id", "tag", "contact", "role", "added_at"}
    assert link["tag"] == tag["id"] and link["role"] == "Primary Contact"
    assert link["contact"] == {
        "id": contact["id"],
        "name": "John Smith",
        "email": "j.smith@example.com",
    }
    # Create tag: superadmin only
    r = login("bd_admin").post(f"{API}/tickets/tags/", {"name": "x", "project": pid}, "json")
    assert r.status_code == 403


# --- Comments and attachments -----------------------------------------------------------------


def _a_ticket(client) -> dict:
    return page(client.get(f"{API}/tickets/tickets/"))[0]


def test_comments_for_a_ticket(demo):
    manager = login("bd_manager")
    ticket = _a_ticket(manager)
    r = manager.post(
        f"{API}/tickets/comments/",
        {"ticket": ticket["id"], "content": "This has been fixed and deployed to production."},
        format="json",
    )
    assert r.status_code == 201, r.content  # managers may comment
    comment = has(r.json(), COMMENT)
    assert set(comment["user"]) == USER and comment["user"]["username"] == "bd_manager"
    comments = page(manager.get(f"{API}/tickets/comments/?ticket={ticket['id']}"))
    assert comment["id"] in [c["id"] for c in comments]
    assert all(c["ticket"] == ticket["id"] for c in comments)
    assert manager.get(f"{API}/tickets/tickets/{ticket['id']}/").json()["comments_count"] >= 1


def _png() -> io.BytesIO:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buf, "PNG")
    buf.seek(0)
    buf.name = "screenshot.png"
    return buf


def test_attachment_upload_and_list(demo):
    sa = login("bd_super")
    ticket = _a_ticket(sa)
    r = sa.post(
        f"{API}/tickets/attachments/",
        {"ticket": ticket["id"], "file": _png(), "filename": "screenshot.png"},
        format="multipart",
    )
    assert r.status_code == 201, r.content
    a = has(r.json(), ATTACHMENT)
    assert a["filename"] == "screenshot.png" and a["file"].startswith("http")
    assert a["uploaded_by"] == {"id": demo["accounts"]["bd_super"]["id"], "username": "bd_super"}
    listed = page(sa.get(f"{API}/tickets/attachments/?ticket={ticket['id']}"))
    assert [x["id"] for x in listed] == [a["id"]]


# --- Companies --------------------------------------------------------------------------------


def test_companies_list_detail_create_patch_stats_and_actions(demo):
    sa = login("bd_super")
    pid = demo["project"]["id"]
    acc = demo["accounts"]
    companies = page(sa.get(f"{API}/tickets/companies/", {"project": pid, "search": "Nikora"}))
    nikora = has(companies[0], COMPANY_ITEM)
    assert nikora["name"] == "Nikora" and nikora["admin_names"] == ["John Smith"]
    detail = has(sa.get(f"{API}/tickets/companies/{nikora['id']}/").json(), COMPANY)
    assert all(set(u) == USER for u in detail["admins"] + detail["users"])
    # POST with the document's example (ids are the demo's)
    r = sa.post(
        f"{API}/tickets/companies/",
        {
            "name": "Acme Corp",
            "description": "Acme Corporation",
            "primary_contact_email": "support@acme.com",
            "phone": "555-9999",
            "admin_ids": [acc["bd_admin"]["id"]],
            "user_ids": [acc["bd_user2"]["id"]],
            "project_ids": [pid],
        },
        format="json",
    )
    assert r.status_code == 201, r.content
    acme = has(r.json(), COMPANY)
    url = f"{API}/tickets/companies/{acme['id']}/"
    r = sa.patch(
        url,
        {"name": "Acme Updated", "primary_contact_email": "new@acme.com", "phone": "555-4321"},
        format="json",
    )
    assert r.status_code == 200 and r.json()["name"] == "Acme Updated"
    r = sa.patch(url, {"name": "Acme Logo", "logo": _png()}, format="multipart")
    assert r.status_code == 200, r.content
    assert r.json()["logo_url"] and r.json()["logo_thumbnail_url"]
    stats = sa.get(f"{url}stats/", {"project": pid})
    assert stats.status_code == 200 and set(stats.json()) == STATS
    assert stats.json()["health_status"] in {"critical", "attention", "healthy", "inactive"}
    manager = acc["bd_manager"]
    for action, message in [
        ("assign_admin", "bd_manager assigned as admin to Acme Logo"),
        ("remove_admin", "bd_manager removed from Acme Logo admins"),
        ("assign_user", "bd_manager assigned to Acme Logo"),
        ("remove_user", "bd_manager removed from Acme Logo"),
    ]:
        r = sa.post(f"{url}{action}/", {"user_id": manager["id"]}, format="json")
        assert r.status_code == 200, (action, r.content)
        assert r.json()["message"] == message
        has(r.json()["company"], COMPANY)
    r = sa.post(
        f"{url}create_user/",
        {
            "username": "newclient",
            "email": "newclient@nikora.com",
            "password": "SecurePass123!",
            "first_name": "New",
            "last_name": "Client",
        },
        format="json",
    )
    assert r.status_code == 201, r.content
    assert r.json()["message"] == "User newclient created and assigned to Acme Logo"
    assert set(r.json()["user"]) == USER
    tickets = page(sa.get(f"{API}/tickets/companies/{nikora['id']}/tickets/"))
    assert all(has(t, TICKET) for t in tickets)
    assert sa.delete(url).status_code == 204
    assert sa.get(url).status_code == 404


def test_company_writes_are_superadmin_only(demo):
    nikora = page(login("bd_super").get(f"{API}/tickets/companies/"))[0]
    for role in ["bd_admin", "bd_user1", "bd_manager"]:
        c = login(role)
        assert c.get(f"{API}/tickets/companies/{nikora['id']}/").status_code == 200
        assert (
            c.patch(f"{API}/tickets/companies/{nikora['id']}/", {"phone": "1"}).status_code == 403
        )
        assert c.delete(f"{API}/tickets/companies/{nikora['id']}/").status_code == 403


# --- Users ------------------------------------------------------------------------------------


def test_user_management(demo):
    admin = login("admin")  # the Django superuser
    pid = demo["project"]["id"]
    users = page(admin.get(f"{API}/tickets/users/", {"search": "bd_", "ordering": "username"}))
    assert all(has(u, MANAGED_USER) for u in users)
    assert [u["username"] for u in users] == sorted(u["username"] for u in users)
    r = admin.post(
        f"{API}/tickets/users/",
        {
            "username": "newuser",
            "email": "newuser@example.com",
            "password": "SecurePass123!",
            "first_name": "New",
            "last_name": "User",
            "is_active": True,
            "is_staff": False,
        },
        format="json",
    )
    assert r.status_code == 201, r.content
    uid = has(r.json(), MANAGED_USER)["id"]
    url = f"{API}/tickets/users/{uid}/"
    assert has(admin.get(url).json(), MANAGED_USER)["username"] == "newuser"
    r = admin.patch(
        url,
        {"first_name": "Updated", "last_name": "Name", "email": "newemail@example.com"},
        format="json",
    )
    assert r.status_code == 200 and r.json()["email"] == "newemail@example.com"
    r = admin.post(f"{url}assign_role/", {"project_id": pid, "role": "admin"}, format="json")
    assert r.status_code == 201, r.content
    assert r.json()["message"] == "newuser assigned as admin in Demo Project"
    assert r.json()["created"] is True
    assert set(r.json()["user_role"]) == {
        "id", "user", "project", "role", "assigned_at", "assigned_by",
    }  # fmt: skip
    r = admin.post(f"{url}assign_role/", {"project_id": pid, "role": "manager"}, format="json")
    assert r.status_code == 200 and r.json()["created"] is False
    roles = admin.get(f"{url}roles/").json()
    assert set(roles) == {"roles"}
    assert set(roles["roles"][0]) == {
        "id", "project_id", "project_name", "project_key", "role", "assigned_at",
    }  # fmt: skip
    r = admin.post(f"{url}remove_role/", {"project_id": pid}, format="json")
    assert r.status_code == 200 and r.json() == {"message": "Role removed for newuser"}
    r = admin.post(f"{url}set_password/", {"password": "NewSecurePass123!"}, format="json")
    assert r.json() == {"message": "Password updated for newuser"}
    login("newuser", "NewSecurePass123!")
    r = admin.post(f"{url}toggle_active/")
    assert r.json() == {"message": "User newuser is now inactive", "is_active": False}
    assert admin.delete(url).status_code == 204
    assert admin.get(url).status_code == 404


# --- Dashboards -------------------------------------------------------------------------------


def test_dashboards_answer_their_documented_keys(demo):
    admin = login("bd_admin")
    q = {"project": demo["project"]["id"]}
    body = admin.get(f"{API}/tickets/dashboard/company-health/", q).json()
    assert set(body) == {"companies"}
    assert set(body["companies"][0]) == {
        "id", "name", "health_status", "open_tickets", "urgent_tickets", "overdue_tickets",
    }  # fmt: skip
    body = admin.get(f"{API}/tickets/dashboard/workload/", q).json()
    assert set(body) == {"agents"}
    assert set(body["agents"][0]) == {
        "id", "username", "assigned_count", "in_progress_count", "resolved_today",
    }  # fmt: skip
    body = admin.get(f"{API}/tickets/dashboard/kanban-summary/", q).json()
    assert set(body) == {"columns"}
    assert all(set(c) == {"id", "name", "count"} for c in body["columns"])
    # "returns array of …": the array is `results` of the page (docs/surfaces/boards.md)
    newest = page(admin.get(f"{API}/tickets/dashboard/newest/", {**q, "limit": 2}))
    assert len(newest) == 2 and all(has(t, TICKET) for t in newest)
    stamps = [t["created_at"] for t in newest]
    assert stamps == sorted(stamps, reverse=True)
    assert len(page(admin.get(f"{API}/tickets/dashboard/newest/", q))) <= 10
    attention = page(admin.get(f"{API}/tickets/dashboard/attention-needed/", q))
    assert all(has(t, TICKET) for t in attention)
    activity = page(admin.get(f"{API}/tickets/dashboard/activity/", q))
    assert activity and all({"ticket", "user", "action", "created_at"} <= set(a) for a in activity)
    assert admin.get(f"{API}/tickets/dashboard/newest/").status_code == 400  # project required
    assert login("bd_user1").get(f"{API}/tickets/dashboard/newest/", q).status_code == 403


# --- The permission matrix, seen by the demo's roles ------------------------------------------


def test_matrix_cells_for_tickets(demo):
    pid = demo["project"]["id"]
    col = _columns(login("bd_super"), pid)[0]["id"]
    new = {"name": "Role check", "column": col}
    assert login("bd_manager").post(f"{API}/tickets/tickets/", new, "json").status_code == 403
    user = login("bd_user1")
    r = user.post(f"{API}/tickets/tickets/", new, "json")
    assert r.status_code == 201
    mine = r.json()["id"]
    assert user.patch(f"{API}/tickets/tickets/{mine}/", {"name": "Mine"}, "json").status_code == 200
    admin_ticket = login("bd_admin").post(f"{API}/tickets/tickets/", new, "json").json()["id"]
    # users do not see all project tickets; admins cannot edit others' tickets
    assert user.get(f"{API}/tickets/tickets/{admin_ticket}/").status_code == 404
    r = login("bd_admin").patch(f"{API}/tickets/tickets/{mine}/", {"name": "x"}, "json")
    assert r.status_code == 403
    assert r.json() == {"detail": "You do not have permission to perform this action."}
    # assign: superadmin and admin, not user
    me = demo["accounts"]["bd_user1"]["id"]
    r = user.patch(f"{API}/tickets/tickets/{mine}/", {"assignee_ids": [me]}, "json")
    assert r.status_code == 403
    r = login("bd_admin").patch(f"{API}/tickets/tickets/{mine}/", {"assignee_ids": [me]}, "json")
    assert r.status_code == 200
    assert login("bd_super").delete(f"{API}/tickets/tickets/{mine}/").status_code == 204
