"""Dashboards on known data, the super-secret-key rule, and query budgets."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tessera.core.common import clock
from tessera.core.tickets.services import comment_add, ticket_assign, ticket_move_to_column

pytestmark = pytest.mark.django_db
NOW = datetime(2025, 12, 10, 12, tzinfo=UTC)


def test_dashboards_numbers(board, client_for, make_ticket):
    admin = board.users["admin"]
    p = board.project.pk
    with clock.frozen_at(NOW):
        late = make_ticket(title="late", company=board.company, due_date=NOW - timedelta(days=1))
        urgent = make_ticket(title="urgent", priority=5)
        make_ticket(title="calm", priority=2)
        done = make_ticket(title="done")
        ticket_assign(actor=admin, ticket=late, assignees=[admin], check_permission=False)
        ticket_assign(actor=admin, ticket=done, assignees=[admin], check_permission=False)
        ticket_move_to_column(actor=board.users["superadmin"], ticket=done, column=board.columns[3])
        ticket_move_to_column(actor=board.users["superadmin"], ticket=late, column=board.columns[1])
        c = client_for("manager")
        health = c.get(f"/api/tickets/dashboard/company-health/?project={p}").json()
        assert health == {
            "companies": [
                {
                    "id": board.company.pk,
                    "name": "Nikora",
                    "health_status": "attention",
                    "open_tickets": 1,
                    "urgent_tickets": 0,
                    "overdue_tickets": 1,
                }
            ]
        }
        att = c.get(f"/api/tickets/dashboard/attention-needed/?project={p}").json()
        assert [t["id"] for t in att["results"]] == [late.pk, urgent.pk]
        newest = c.get(f"/api/tickets/dashboard/newest/?project={p}&limit=2").json()
        assert newest["count"] == 4 and len(newest["results"]) == 2
        work = c.get(f"/api/tickets/dashboard/workload/?project={p}").json()
        by_name = {a["username"]: a for a in work["agents"]}
        assert by_name["itadmin"] == {
            "id": admin.pk,
            "username": "itadmin",
            "assigned_count": 1,
            "in_progress_count": 1,
            "resolved_today": 1,
        }
        kanban = c.get(f"/api/tickets/dashboard/kanban-summary/?project={p}").json()
        assert kanban == {
            "columns": [
                {"id": board.col(0), "name": "New", "count": 2},
                {"id": board.col(1), "name": "In Progress", "count": 1},
                {"id": board.col(2), "name": "Review", "count": 0},
                {"id": board.col(3), "name": "Done", "count": 1},
            ]
        }
        act = c.get(f"/api/tickets/dashboard/activity/?project={p}&limit=3").json()
        assert act["count"] > 3 and len(act["results"]) == 3
        assert (
            act["results"][0]["action"] == "status_changed"
            and act["results"][0]["ticket"] == late.pk
        )
    assert c.get("/api/tickets/dashboard/workload/").status_code == 400
    assert (
        client_for("user").get(f"/api/tickets/dashboard/workload/?project={p}").status_code == 403
    )


@pytest.fixture
def root(make_user):
    return make_user("root", is_superuser=True, is_staff=True)


def test_super_secret_key_does_nothing_by_default(board, root, settings):
    settings.SUPER_SECRET_KEY = ""
    settings.DEBUG = True
    c = APIClient()
    r = c.get("/api/tickets/tickets/", HTTP_X_SUPER_SECRET_KEY="dev-super-secret-key-12345")
    assert r.status_code == 401
    settings.SUPER_SECRET_KEY = "dev-super-secret-key-12345"
    settings.DEBUG = False
    assert (
        c.get(
            "/api/tickets/tickets/", HTTP_X_SUPER_SECRET_KEY="dev-super-secret-key-12345"
        ).status_code
        == 401
    )


def test_super_secret_key_in_debug_is_logged(board, root, settings, caplog):
    settings.SUPER_SECRET_KEY = "dev-super-secret-key-12345"
    settings.DEBUG = True
    c = APIClient()
    with caplog.at_level(logging.WARNING, logger="tessera.boards.super_secret_key"):
        r = c.get("/api/tickets/auth/me/", HTTP_X_SUPER_SECRET_KEY="dev-super-secret-key-12345")
        r = c.get("/api/tickets/tickets/", HTTP_X_SUPER_SECRET_KEY="dev-super-secret-key-12345")
    assert r.status_code == 200
    assert any("super secret key used" in m and "root" in m for m in caplog.messages)
    assert c.get("/api/tickets/tickets/", HTTP_X_SUPER_SECRET_KEY="wrong").status_code == 401


def test_production_settings_refuse_the_key():
    import subprocess
    import sys

    code = "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='tessera.settings.production'; django.setup()"
    env = {
        "SECRET_KEY": "x" * 50,
        "SUPER_SECRET_KEY": "dev-super-secret-key-12345",
        "PATH": "/usr/bin:/bin",
        "TESSERA_DATA_DIR": "/tmp/tessera-prod-check",
    }
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.returncode != 0 and "SUPER_SECRET_KEY" in out.stderr


LISTS = [
    "/api/tickets/tickets/",
    "/api/tickets/projects/",
    "/api/tickets/columns/",
    "/api/tickets/tags/",
    "/api/tickets/contacts/",
    "/api/tickets/comments/",
    "/api/tickets/attachments/",
    "/api/tickets/companies/",
    "/api/tickets/users/",
    "COMPANY_TICKETS",
    "DASH:newest",
    "DASH:attention-needed",
    "DASH:activity",
    "DASH:company-health",
    "DASH:workload",
    "DASH:kanban-summary",
]


def _seed(board, make_ticket, n):
    from tessera.core.contacts.models import Contact
    from tessera.core.organizations.models import Company
    from tessera.core.tickets.models import Tag

    for i in range(n):
        t = make_ticket(
            title=f"t{i}", company=board.company, priority=5, due_date=NOW - timedelta(days=1)
        )
        tag = Tag.objects.create(project=board.project, name=f"tag-{n}-{i}")
        t.tags.add(tag)
        ticket_assign(
            actor=None, ticket=t, assignees=[board.users["admin"]], check_permission=False
        )
        comment_add(actor=board.users["superadmin"], ticket=t, body="c", check_permission=False)
        Contact.objects.create(project=board.project, name=f"c{n}{i}")
        co = Company.objects.create(name=f"co-{n}-{i}")
        co.projects.add(board.project)
        co.admins.add(board.users["admin"])


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize("role", ["superadmin", "user"])
def test_list_query_count_is_constant(board, client_for, make_ticket, url, role):
    if url == "COMPANY_TICKETS":
        url = f"/api/tickets/companies/{board.company.pk}/tickets/"
    elif url.startswith("DASH:"):
        if role == "user":
            return
        url = f"/api/tickets/dashboard/{url[5:]}/?project={board.project.pk}"
    c = client_for(role)
    counts = []
    for n in (1, 6):
        _seed(board, make_ticket, n)
        c.get(url)  # warm caches of the first request
        with CaptureQueriesContext(connection) as ctx:
            r = c.get(url)
        assert r.status_code == 200, r.content
        counts.append(len(ctx))
    assert counts[0] == counts[1], (url, counts)


def test_login_refuses_an_overlong_username_with_a_400(make_user, api):
    """A username longer than any login (254) is a 400 and records nothing: it overflowed
    the failed-login record's column on PostgreSQL (a 500 the fuzzer found)."""
    from axes.models import AccessAttempt

    user = make_user("boardlogin")
    client = api()
    ok = client.post(
        "/api/tickets/auth/login/",
        {"username": "boardlogin", "password": "pw-Secret-123"},
        format="json",
    )
    assert ok.status_code == 200 and ok.json()["user"]["id"] == user.pk
    for body, fmt in (({"username": "x" * 300, "password": "p"}, "json"),
                      ({"username": "y" * 255, "password": "p"}, "multipart")):  # fmt: skip
        r = client.post("/api/tickets/auth/login/", body, format=fmt)
        assert r.status_code == 400 and "username" in r.json(), r.content
    assert not AccessAttempt.objects.filter(username__startswith="xxx").exists()


def test_user_authenticate_refuses_a_login_longer_than_any_user_has(rf, make_user):
    from tessera.core.accounts.login import MAX_LOGIN_LENGTH, user_authenticate

    make_user("shortname")
    request = rf.post("/login")
    assert (
        user_authenticate(request=request, login="z" * (MAX_LOGIN_LENGTH + 1), password="x") is None
    )
