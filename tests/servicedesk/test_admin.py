"""The admin the document promises at /admin/ticketing/, loaded through the test client."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tessera.core.audit.models import Event
from tessera.core.tickets.models import Attachment, Comment, Ticket

from .conftest import BASE, attach, comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(make_user) -> Client:
    su = make_user("root", is_superuser=True, is_staff=True)
    c = Client()
    c.force_login(su)
    return c


@pytest.fixture
def tickets(create, client, customer, agent2):
    a = create(
        subject="Late one",
        due_date="2020-01-01T00:00:00Z",
        priority="critical",
        customer=customer.pk,
    )
    b = create(subject="Assigned one", assigned_to=agent2.pk, tags="vip")
    client.post(f"{BASE}/tickets/{b['id']}/change_status/", {"status": "open"}, format="json")
    comment(client, a["id"], "First reply")
    attach(client, a["id"], "trace.txt", b"x" * 2048, "trace")
    return a, b


def _errors(r) -> str:
    ctx = r.context
    form = ctx["adminform"].form
    return str(form.errors) + str([fs.formset.errors for fs in ctx["inline_admin_formsets"]])


def _inline_management(data: dict, prefix: str, initial: int = 0, total: int | None = None) -> None:
    data[f"{prefix}-TOTAL_FORMS"] = str(total if total is not None else initial)
    data[f"{prefix}-INITIAL_FORMS"] = str(initial)
    data[f"{prefix}-MIN_NUM_FORMS"] = "0"
    data[f"{prefix}-MAX_NUM_FORMS"] = "1000"


def test_admin_index_lists_the_ticketing_models(admin_client):
    r = admin_client.get("/admin/ticketing/")
    assert r.status_code == 200
    html = r.content.decode()
    for path in ("ticket/", "ticketcomment/", "ticketattachment/", "tickethistory/"):
        assert f"/admin/ticketing/{path}" in html


def test_ticket_changelist_badges_overdue_and_filters(admin_client, tickets):
    a, b = tickets
    r = admin_client.get("/admin/ticketing/ticket/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "TKT-000001" in html and "TKT-000002" in html
    assert 'class="sd-badge"' in html and "#6a1b9a" in html  # critical priority colour
    assert STATUS_OPEN_COLOR in html
    assert html.count('class="sd-overdue"') == 1  # the late one is highlighted
    assert "servicedesk/admin.css" in html
    for query, expected, absent in (
        ("status=open", "Assigned one", "Late one"),
        ("overdue=yes", "Late one", "Assigned one"),
        ("assignment=unassigned", "Late one", "Assigned one"),
        ("priority=5", "Late one", "Assigned one"),
        ("q=TKT-000002", "Assigned one", "Late one"),
        ("q=vip", "Assigned one", "Late one"),
    ):
        page = admin_client.get(f"/admin/ticketing/ticket/?{query}")
        assert page.status_code == 200, query
        text = page.content.decode()
        assert expected in text and absent not in text, query


def test_ticket_changelist_searches_the_index_and_customers_and_counts_without_distinct(
    admin_client, tickets, customer
):
    """Search finds words of the title, description and comments, tags, ticket numbers and
    the customer's name or e-mail; the list is read without ``DISTINCT`` and the unfiltered
    count comes from the kept per-group counts (no second count of every ticket)."""
    with CaptureQueriesContext(connection) as ctx:
        page = admin_client.get("/admin/ticketing/ticket/").content.decode()
    sql = [q["sql"] for q in ctx.captured_queries]
    assert not [q for q in sql if "DISTINCT" in q]
    assert any("tickets_ticketcount" in q for q in sql)
    assert "2 results" in page or "2 tickets" in page
    for query, expected, absent in (
        ("q=first+reply", "Late one", "Assigned one"),  # a comment's words
        ("q=assigned", "Assigned one", "Late one"),
        ("q=" + customer.name.split()[0], "Late one", "Assigned one"),
        ("q=" + customer.email.split("@")[0], "Late one", "Assigned one"),
        ("q=2", "Assigned one", "Late one"),  # a bare number
    ):
        r = admin_client.get(f"/admin/ticketing/ticket/?{query}")
        assert r.status_code == 200, query
        text = r.content.decode()
        assert expected in text and absent not in text, query
    assert admin_client.get("/admin/ticketing/ticket/?q=%00").status_code == 200


def test_comment_list_counts_from_the_kept_counts(admin_client, tickets, client):
    """All comments, or only the public or internal ones, are counted from the kept
    per-group counts; a search counts for real; every count agrees with the rows."""
    a, _ = tickets
    comment(client, a["id"], "A note", internal=True)
    for query, expected, kept in (
        ("", 2, True),
        ("?is_internal__exact=1", 1, True),
        ("?is_internal__exact=0", 1, True),
        ("?q=note", 1, False),
    ):
        with CaptureQueriesContext(connection) as ctx:
            response = admin_client.get(f"/admin/ticketing/ticketcomment/{query}")
        assert response.context["cl"].result_count == expected, query
        used = any("tickets_ticketcount" in q["sql"] for q in ctx.captured_queries)
        assert used == kept, query
    history = admin_client.get("/admin/ticketing/tickethistory/?action=commented")
    assert history.context["cl"].result_count == Event.objects.filter(action="commented").count()


def test_comment_search_finds_the_text_through_the_index_and_an_author(
    admin_client, tickets, client, agent
):
    """A search finds the comments holding its text (among the tickets the full-text
    index finds for it), not the other comments of those tickets; a username finds that
    author's comments."""
    a, b = tickets
    comment(client, a["id"], "Rebooted the router twice")
    comment(client, b["id"], "Customer called back")

    def shown(q: str) -> set[str]:
        response = admin_client.get("/admin/ticketing/ticketcomment/", {"q": q})
        assert response.status_code == 200
        return {c.body for c in response.context["cl"].result_list}

    assert shown("router") == {"Rebooted the router twice"}
    assert shown("ROUTER twice") == {"Rebooted the router twice"}  # any case
    assert shown("twice router") == set()  # the text as typed, not any order of its words
    assert shown("rebooted the") == {"Rebooted the router twice"}
    assert shown(agent.username) == {
        "First reply",
        "Rebooted the router twice",
        "Customer called back",
    }
    assert shown("nothing-like-it") == set()


STATUS_OPEN_COLOR = "#0288d1"


def test_ticket_change_page_shows_inlines_and_audit_trail(admin_client, tickets):
    a, _ = tickets
    r = admin_client.get(f"/admin/ticketing/ticket/{a['id']}/change/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "First reply" in html  # inline comment
    assert "trace.txt" in html and "2.0\xa0KB" in html  # inline attachment, human size
    assert "history (audit trail)" in html.lower() or "History (audit trail)" in html
    assert "status_changed" in html or "commented" in html  # audit rows
    assert "admin/js/autocomplete.js" in html or "autocomplete" in html


def test_admin_change_goes_through_services(admin_client, tickets, agent2):
    a, _ = tickets
    ticket = Ticket.objects.get(pk=a["id"])
    data = {
        "title": "Late one (edited)",
        "description": ticket.description,
        "status": "in_progress",
        "priority": "4",
        "category": "",
        "customer": str(ticket.customer_id),
        "assigned_to": str(agent2.pk),
        "tags_text": "escalated",
        "due_date_0": "2020-01-01",
        "due_date_1": "00:00:00",
        "estimated_hours": "",
        "actual_hours": "1.5",
        "comments-0-body": "Admin note",
        "comments-0-is_internal": "on",
    }
    _inline_management(data, "comments", initial=1, total=2)
    data["comments-0-id"] = str(Comment.objects.get(ticket_id=a["id"]).pk)
    data["comments-0-ticket"] = str(a["id"])
    data["comments-1-body"] = "Admin note"
    data["comments-1-is_internal"] = "on"
    data["comments-1-ticket"] = str(a["id"])
    data.pop("comments-0-body")
    data.pop("comments-0-is_internal")
    _inline_management(data, "attachments", initial=1, total=1)
    data["attachments-0-id"] = str(Attachment.objects.get(ticket_id=a["id"]).pk)
    data["attachments-0-ticket"] = str(a["id"])
    _inline_management(data, "events")
    r = admin_client.post(f"/admin/ticketing/ticket/{a['id']}/change/", data)
    assert r.status_code == 302, _errors(r)
    ticket.refresh_from_db()
    assert ticket.title == "Late one (edited)" and ticket.state.key == "in_progress"
    assert ticket.priority == 4 and str(ticket.actual_hours) == "1.50"
    assert list(ticket.assignees.all()) == [agent2]
    assert [t.name for t in ticket.tags.all()] == ["escalated"]
    assert Comment.objects.filter(ticket=ticket, body="Admin note", is_internal=True).exists()
    actions = set(Event.objects.filter(ticket=ticket).values_list("action", "field"))
    assert {
        ("updated", "title"),
        ("status_changed", "status"),
        ("assigned", "assigned_to"),
        ("commented", "comment"),
    } <= actions


def test_admin_refuses_invalid_transition(admin_client, tickets):
    a, _ = tickets
    ticket = Ticket.objects.get(pk=a["id"])
    data = {
        "title": ticket.title,
        "description": "",
        "status": "reopened",
        "priority": "5",
        "customer": str(ticket.customer_id),
    }
    for p in ("comments", "attachments", "events"):
        _inline_management(data, p)
    r = admin_client.post(f"/admin/ticketing/ticket/{a['id']}/change/", data)
    assert r.status_code == 200 and "Cannot move from new to reopened" in r.content.decode()
    ticket.refresh_from_db()
    assert ticket.state.key == "new"


def test_admin_add_ticket(admin_client, project, customer):
    data = {
        "project": str(project.pk),
        "title": "From admin",
        "description": "d",
        "priority": "3",
        "customer": str(customer.pk),
        "tags_text": "a, b",
    }
    for p in ("comments", "attachments", "events"):
        _inline_management(data, p)
    r = admin_client.post("/admin/ticketing/ticket/add/", data)
    assert r.status_code == 302, _errors(r)
    t = Ticket.objects.get(title="From admin")
    assert t.display_number == "TKT-000001" and t.state.key == "new" and t.priority == 3
    assert Event.objects.filter(ticket=t, action="created").exists()


def test_other_admin_pages_and_autocomplete(admin_client, tickets, customer):
    for path in (
        "ticketcomment/",
        "ticketattachment/",
        "tickethistory/",
        "tickethistory/?action=status_changed",
        "ticketcomment/?is_internal__exact=0",
        "ticketattachment/?q=trace",
    ):
        r = admin_client.get(f"/admin/ticketing/{path}")
        assert r.status_code == 200, path
    assert "2.0\xa0KB" in admin_client.get("/admin/ticketing/ticketattachment/").content.decode()
    assert (
        "Add"
        not in admin_client.get("/admin/ticketing/tickethistory/")
        .content.decode()
        .split("<h1>")[1][:200]
    )
    r = admin_client.get(
        "/admin/autocomplete/",
        {"app_label": "ticketing", "model_name": "ticket", "field_name": "customer", "term": "Ac"},
    )
    assert r.status_code == 200 and [x["text"] for x in r.json()["results"]] == ["Acme"]
    r = admin_client.get(
        "/admin/autocomplete/",
        {
            "app_label": "ticketing",
            "model_name": "ticket",
            "field_name": "created_by",
            "term": "agent2",
        },
    )
    assert r.status_code == 200 and [x["text"] for x in r.json()["results"]] == ["agent2"]


def test_admin_requires_staff(agent, tickets):
    c = Client()
    c.force_login(agent)
    assert c.get("/admin/ticketing/ticket/").status_code == 302
