"""Companies: shapes, side effects on project roles, logo upload, stats and health."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tessera.core.common import clock
from tessera.core.organizations.models import Company
from tessera.core.projects.permissions import role_in

pytestmark = pytest.mark.django_db


def _role(user, project):
    user = type(user).objects.get(pk=user.pk)
    return role_in(user, project.pk)


def _png(size=(400, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 10, 10)).save(out, format="PNG")
    return out.getvalue()


def test_list_and_detail_shapes(board, client_for):
    c = client_for("manager")
    r = c.get("/api/tickets/companies/")
    assert r.status_code == 200
    row = r.json()["results"][0]
    assert set(row) == {
        "id",
        "name",
        "description",
        "logo_url",
        "logo_thumbnail_url",
        "primary_contact_email",
        "phone",
        "admin_count",
        "user_count",
        "ticket_count",
        "project_count",
        "admin_names",
        "created_at",
        "updated_at",
    }
    assert (
        row["admin_names"] == ["John Smith"] and row["admin_count"] == 1 and row["user_count"] == 1
    )
    r = c.get(f"/api/tickets/companies/{board.company.pk}/")
    body = r.json()
    assert {"logo", "logo_url", "logo_thumbnail", "logo_thumbnail_url", "admins", "users"} <= set(
        body
    )
    assert body["admins"][0]["username"] == "itadmin" and body["users"][0]["username"] == "client1"
    assert c.get("/api/tickets/companies/?search=nikora").json()["count"] == 1
    assert c.get("/api/tickets/companies/?search=zzz").json()["count"] == 0


def test_create_company_grants_roles(board, client_for, make_user):
    new_admin, new_user = make_user("newadmin"), make_user("newclient")
    r = client_for("superadmin").post(
        "/api/tickets/companies/",
        {
            "name": "Acme Corp",
            "admin_ids": [new_admin.pk],
            "user_ids": [new_user.pk],
            "project_ids": [board.project.pk],
            "primary_contact_email": "support@acme.com",
        },
        format="json",
    )
    assert r.status_code == 201, r.content
    assert (
        r.json()["admin_count"] == 1
        and r.json()["user_count"] == 1
        and r.json()["project_count"] == 1
    )
    assert _role(new_admin, board.project) == "admin"
    assert _role(new_user, board.project) == "user"
    r = client_for("superadmin").post(
        "/api/tickets/companies/", {"name": "acme corp"}, format="json"
    )
    assert r.status_code == 400 and "name" in r.json()


def test_assign_and_remove_admin_side_effects(board, client_for, make_user):
    c = client_for("superadmin")
    john = make_user("john")
    url = f"/api/tickets/companies/{board.company.pk}"
    r = c.post(f"{url}/assign_admin/", {"user_id": john.pk}, format="json")
    assert r.status_code == 200
    assert r.json()["message"] == "john assigned as admin to Nikora"
    assert "john" in [a["username"] for a in r.json()["company"]["admins"]]
    assert _role(john, board.project) == "admin"
    # removing: not a company user anywhere → role removed
    r = c.post(f"{url}/remove_admin/", {"user_id": john.pk}, format="json")
    assert r.json()["message"] == "john removed from Nikora admins"
    assert _role(john, board.project) is None
    # a company user who was also admin is downgraded to user
    c.post(f"{url}/assign_user/", {"user_id": john.pk}, format="json")
    c.post(f"{url}/assign_admin/", {"user_id": john.pk}, format="json")
    assert _role(john, board.project) == "admin"
    c.post(f"{url}/remove_admin/", {"user_id": john.pk}, format="json")
    assert _role(john, board.project) == "user"
    # the project's superadmin keeps their role when made company admin
    c.post(f"{url}/assign_admin/", {"user_id": board.users["superadmin"].pk}, format="json")
    assert _role(board.users["superadmin"], board.project) == "superadmin"
    assert c.post(f"{url}/assign_admin/", {"user_id": 999999}, format="json").status_code == 400


def test_assign_remove_and_create_user(board, client_for, make_user):
    c = client_for("superadmin")
    url = f"/api/tickets/companies/{board.company.pk}"
    client = make_user("client9")
    r = c.post(f"{url}/assign_user/", {"user_id": client.pk}, format="json")
    assert r.json()["message"] == "client9 assigned to Nikora"
    assert _role(client, board.project) == "user"
    r = c.post(f"{url}/remove_user/", {"user_id": client.pk}, format="json")
    assert r.json()["message"] == "client9 removed from Nikora"
    assert _role(client, board.project) is None
    r = c.post(
        f"{url}/create_user/",
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
    assert r.json()["message"] == "User newclient created and assigned to Nikora"
    assert set(r.json()["user"]) == {"id", "username", "email", "first_name", "last_name"}
    user = type(client).objects.get(username="newclient")
    assert board.company.users.filter(pk=user.pk).exists()
    assert _role(user, board.project) == "user"
    r = c.post(
        f"{url}/create_user/",
        {"username": "newclient", "email": "o@x.com", "password": "SecurePass123!"},
        format="json",
    )
    assert r.status_code == 400 and "username" in r.json()
    assert (
        client_for("admin")
        .post(f"{url}/assign_user/", {"user_id": client.pk}, format="json")
        .status_code
        == 403
    )


def test_logo_upload_makes_thumbnail_and_refuses_non_images(board, client_for):
    c = client_for("superadmin")
    url = f"/api/tickets/companies/{board.company.pk}/"
    fake = SimpleUploadedFile("logo.png", b"<?php echo 'hi'; ?>", content_type="image/png")
    r = c.patch(url, {"name": "Nikora", "logo": fake}, format="multipart")
    assert r.status_code == 400 and "logo" in r.json()
    assert not Company.objects.get(pk=board.company.pk).logo
    logo = SimpleUploadedFile("nikora.png", _png(), content_type="image/png")
    r = c.patch(
        url,
        {"name": "Nikora Updated", "logo": logo, "primary_contact_email": "new@nikora.com"},
        format="multipart",
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["name"] == "Nikora Updated" and body["logo_url"].startswith(
        "http://testserver/media/company_logos/"
    )
    company = Company.objects.get(pk=board.company.pk)
    with Image.open(company.logo_thumbnail.path) as thumb:
        assert max(thumb.size) == 128
    big = SimpleUploadedFile(
        "big.png", b"\x89PNG" + b"0" * (3 * 1024 * 1024), content_type="image/png"
    )
    assert c.patch(url, {"logo": big}, format="multipart").status_code == 400


def test_stats_and_health(board, client_for, make_ticket):
    now = datetime(2025, 12, 10, 12, tzinfo=UTC)
    c = client_for("admin")
    url = f"/api/tickets/companies/{board.company.pk}/stats/"
    with clock.frozen_at(now):
        assert c.get(url).json()["health_status"] == "inactive"
        make_ticket(title="ok", company=board.company)
        assert c.get(url).json()["health_status"] == "healthy"
        make_ticket(title="late", company=board.company, due_date=now - timedelta(days=1))
        body = c.get(url).json()
        assert body["health_status"] == "attention" and body["overdue_tickets"] == 1
        for i in range(3):
            make_ticket(title=f"late{i}", company=board.company, due_date=now - timedelta(days=2))
        body = c.get(url).json()
        assert body["health_status"] == "critical" and body["overdue_tickets"] == 4
        assert body["open_tickets"] == 5 and body["total_tickets"] == 5
        assert set(body) == {
            "open_tickets",
            "urgent_tickets",
            "overdue_tickets",
            "resolved_this_month",
            "total_tickets",
            "user_count",
            "admin_count",
            "health_status",
            "last_activity",
        }
    other = Company.objects.create(name="Quiet")
    other.projects.add(board.project)
    with clock.frozen_at(now - timedelta(days=40)):
        make_ticket(title="old", company=other)
    with clock.frozen_at(now):
        assert (
            c.get(f"/api/tickets/companies/{other.pk}/stats/").json()["health_status"] == "inactive"
        )
        make_ticket(title="p5", company=other, priority=5)
        body = c.get(f"/api/tickets/companies/{other.pk}/stats/").json()
        assert body["health_status"] == "critical" and body["urgent_tickets"] == 1


def test_company_tickets(board, client_for, make_ticket):
    t = make_ticket(company=board.company)
    make_ticket(title="unrelated")
    r = client_for("user").get(f"/api/tickets/companies/{board.company.pk}/tickets/")
    assert r.status_code == 200 and [x["id"] for x in r.json()["results"]] == [t.pk]


def test_company_tickets_hold_its_users_tickets_without_a_company(board, client_for, make_ticket):
    """A company's tickets: those naming it, and those naming no company whose requester
    is one of its users; counted alike."""
    other = Company.objects.create(name="Elsewhere")
    named = make_ticket(company=board.company)
    by_user = make_ticket(creator="user", title="from a user of the company")
    make_ticket(creator="user", title="the user's, for another company", company=other)
    make_ticket(creator="user2", title="by a non-member, no company")
    body = client_for("superadmin").get(f"/api/tickets/companies/{board.company.pk}/tickets/")
    assert body.status_code == 200
    assert body.json()["count"] == 2
    assert {x["id"] for x in body.json()["results"]} == {named.pk, by_user.pk}
    empty = Company.objects.create(name="Nobody")
    empty.projects.add(board.project)
    r = client_for("superadmin").get(f"/api/tickets/companies/{empty.pk}/tickets/")
    assert r.status_code == 200 and r.json()["count"] == 0 and r.json()["results"] == []


def test_a_company_created_without_project_ids_joins_the_creators_project(board, client_for):
    c = client_for("superadmin")
    r = c.post("/api/tickets/companies/", {"name": "Orphan"}, format="json")
    assert r.status_code == 201, r.content
    assert r.json()["project_ids"] == [board.project.pk]
    assert "Orphan" in [x["name"] for x in c.get("/api/tickets/companies/").json()["results"]]
    assert client_for("admin").post("/api/tickets/companies/", {"name": "No"}).status_code == 403


def test_figures_count_requesters_tickets_for_each_of_their_companies(
    board, client_for, make_ticket
):
    """A ticket without a company belongs to every company of its requester; the list,
    the detail, the stats and the health dashboard agree on the figures."""
    now = datetime(2025, 12, 10, 12, tzinfo=UTC)
    other = Company.objects.create(name="Second")
    other.projects.add(board.project)
    other.users.add(board.users["user"])  # the requester is a user of both companies
    with clock.frozen_at(now):
        make_ticket(title="named", company=board.company)
        make_ticket("user", title="by requester")  # no company: both of the user's
        make_ticket("user", title="urgent", priority=4)  # open, urgent, nobody assigned
        make_ticket(title="elsewhere", company=other, due_date=now - timedelta(days=1))
        make_ticket(title="no company, not a company user")
        c = client_for("admin")
        first = c.get(f"/api/tickets/companies/{board.company.pk}/stats/").json()
        second = c.get(f"/api/tickets/companies/{other.pk}/stats/").json()
        assert (first["total_tickets"], first["urgent_tickets"]) == (3, 1)
        assert (second["total_tickets"], second["overdue_tickets"]) == (3, 1)
        assert first["health_status"] == second["health_status"] == "attention"
        listed = c.get(f"/api/tickets/companies/?project={board.project.pk}").json()["results"]
        assert {row["name"]: row["ticket_count"] for row in listed} == {
            board.company.name: 3,
            "Second": 3,
        }
        detail = c.get(f"/api/tickets/companies/{other.pk}/").json()
        assert detail["ticket_count"] == 3
        health = client_for("superadmin").get(
            f"/api/tickets/dashboard/company-health/?project={board.project.pk}"
        )
        by_name = {row["name"]: row for row in health.json()["companies"]}
        assert by_name["Second"]["overdue_tickets"] == 1
        assert by_name[board.company.name]["open_tickets"] == 3
