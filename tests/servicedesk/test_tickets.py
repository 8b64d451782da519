"""Document 002, tickets: create, detail, PUT/PATCH/DELETE, numbers, filters, actions,
status rules and the history each change leaves — black-box through /api/ticketing/."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tessera.core.common import clock
from tessera.core.tickets.models import Ticket

from .conftest import BASE

pytestmark = pytest.mark.django_db

DOC_CREATE = {
    "subject": "Cannot login to account",
    "description": "User is experiencing login issues after password reset",
    "priority": "high",
    "category": "technical",
    "due_date": "2024-12-31T23:59:59Z",
    "estimated_hours": 2.5,
    "tags": "login, authentication, urgent",
}

LIST_FIELDS = {
    "id",
    "ticket_number",
    "subject",
    "description",
    "status",
    "status_display",
    "priority",
    "priority_display",
    "category",
    "category_name",
    "customer",
    "customer_name",
    "assigned_to",
    "assigned_to_name",
    "created_by",
    "created_by_name",
    "created_at",
    "updated_at",
    "resolved_at",
    "closed_at",
    "first_response_at",
    "due_date",
    "estimated_hours",
    "actual_hours",
    "tags",
    "is_overdue",
    "response_time_hours",
    "resolution_time_hours",
    "project",
}


def test_create_with_every_documented_field(client, categories, customer, agent, agent2):
    body = {**DOC_CREATE, "customer": customer.pk, "assigned_to": agent2.pk}
    r = client.post(f"{BASE}/tickets/", body, format="json")
    assert r.status_code == 201, r.content
    t = r.json()
    assert t["ticket_number"] == "TKT-000001"
    assert t["subject"] == body["subject"] and t["description"] == body["description"]
    assert t["status"] == "new"
    assert t["priority"] == "high" and t["category"] == "technical"
    assert t["customer"] == customer.pk and t["assigned_to"] == agent2.pk
    assert t["created_by"] == agent.pk
    assert t["due_date"] == "2024-12-31T23:59:59Z"
    assert t["estimated_hours"] == 2.5 and t["actual_hours"] is None
    assert set(t["tags"].split(", ")) == {"login", "authentication", "urgent"}
    assert t["resolved_at"] is None and t["closed_at"] is None
    # the detail adds related objects, comments, attachments, history and metrics
    assert t["customer_details"]["name"] == "Acme"
    assert t["assigned_to_details"]["username"] == "agent2"
    assert t["comments"] == [] and t["attachments"] == []
    assert [h["action"] for h in t["history"]][0] == "created"
    assert set(t["metrics"]) == {"response_time_hours", "resolution_time_hours", "is_overdue"}
    assert t["metrics"]["is_overdue"] is True  # due 2024, not resolved


def test_numbers_are_sequential(create):
    numbers = [create()["ticket_number"] for _ in range(3)]
    assert numbers == ["TKT-000001", "TKT-000002", "TKT-000003"]


def test_create_defaults_and_unassigned(create):
    t = create()
    assert t["priority"] == "medium" and t["status"] == "new"
    assert t["assigned_to"] is None and t["category"] is None and t["tags"] == ""


@pytest.mark.parametrize(
    "change, field",
    [
        ({"subject": ""}, "subject"),
        ({"priority": "extreme"}, "priority"),
        ({"category": "nonsense"}, "category"),
        ({"customer": 999}, "customer"),
        ({"assigned_to": 999}, "assigned_to"),
        ({"due_date": "tomorrow"}, "due_date"),
        ({"estimated_hours": "lots"}, "estimated_hours"),
        ({"estimated_hours": -1}, "estimated_hours"),
        ({"project": 999}, "project"),
        ({"status": "frozen"}, "status"),
    ],
)
def test_create_rejects_bad_fields_and_creates_nothing(client, categories, change, field):
    r = client.post(f"{BASE}/tickets/", {**DOC_CREATE, **change}, format="json")
    assert r.status_code == 400, r.content
    assert field in r.json()
    assert Ticket.objects.count() == 0


def test_create_rejects_assignee_outside_project(client, categories, outsider):
    r = client.post(f"{BASE}/tickets/", {**DOC_CREATE, "assigned_to": outsider.pk}, format="json")
    assert r.status_code == 400
    assert "assigned_to" in r.json()
    assert Ticket.objects.count() == 0


def test_create_with_several_projects_takes_field_or_first(
    api, make_project, member, agent, project
):
    other = make_project("servicedesk", "SD2")
    from tessera.core.projects.services import membership_set

    membership_set(actor=None, project=other, user=agent, role="agent")
    c = api(agent)
    first = c.post(f"{BASE}/tickets/", {"subject": "a"}, format="json").json()
    second = c.post(f"{BASE}/tickets/", {"subject": "b", "project": other.pk}, format="json").json()
    assert first["project"] == project.pk and second["project"] == other.pk
    assert first["ticket_number"] == second["ticket_number"] == "TKT-000001"


def test_auth_required_and_outsider_sees_nothing(api, create, outsider, make_project, member):
    t = create()
    assert APIClient().get(f"{BASE}/tickets/").status_code == 401
    o = api(outsider)
    assert o.get(f"{BASE}/tickets/").json()["count"] == 0
    assert o.get(f"{BASE}/tickets/{t['id']}/").status_code == 404
    assert o.post(f"{BASE}/tickets/", {"subject": "x"}, format="json").status_code == 403
    assert o.patch(f"{BASE}/tickets/{t['id']}/", {"subject": "x"}, format="json").status_code == 404
    assert o.delete(f"{BASE}/tickets/{t['id']}/").status_code == 404
    assert (
        o.post(
            f"{BASE}/tickets/{t['id']}/change_status/", {"status": "open"}, format="json"
        ).status_code
        == 404
    )
    # a member of a project of another surface sees nothing here either
    support = make_project("support", "SUP")
    mod = member(support, "moderator")
    assert api(mod).get(f"{BASE}/tickets/").json()["count"] == 0
    assert api(mod).post(f"{BASE}/tickets/", {"subject": "x"}, format="json").status_code == 403
    assert Ticket.objects.get(pk=t["id"]).title == "Cannot login"


def test_session_auth_with_csrf(agent, create):
    create()
    c = APIClient(enforce_csrf_checks=True)
    c.force_login(agent)
    assert c.get(f"{BASE}/tickets/").json()["count"] == 1
    r = c.post(f"{BASE}/tickets/", {"subject": "no csrf"}, format="json")
    assert r.status_code == 403  # session writes need the CSRF token
    assert Ticket.objects.count() == 1


def test_detail_put_patch_delete(client, create, customer, agent2):
    t = create(priority="low", category="billing")
    url = f"{BASE}/tickets/{t['id']}/"
    r = client.patch(
        url, {"status": "in_progress", "priority": "urgent", "actual_hours": 3.0}, format="json"
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["status"], body["priority"], body["actual_hours"]) == (
        "in_progress",
        "urgent",
        3.0,
    )
    assert body["subject"] == "Cannot login" and body["category"] == "billing"
    # PUT changes the fields sent, like PATCH (the document shows one body for both)
    r = client.put(url, {"priority": "low"}, format="json")
    assert r.status_code == 200 and r.json()["priority"] == "low"
    assert r.json()["subject"] == "Cannot login" and r.json()["status"] == "in_progress"
    r = client.put(url, {"subject": ""}, format="json")
    assert r.status_code == 400 and "subject" in r.json()
    r = client.put(
        url,
        {
            "subject": "New subject",
            "description": "d",
            "category": "technical",
            "customer": customer.pk,
            "assigned_to": agent2.pk,
            "tags": "a, b",
        },
        format="json",
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["subject"] == "New subject" and body["category"] == "technical"
    assert (
        body["customer"] == customer.pk
        and body["assigned_to"] == agent2.pk
        and body["tags"] == "a, b"
    )
    history = {(h["action"], h["field_name"]) for h in body["history"]}
    assert {
        ("updated", "subject"),
        ("updated", "priority"),
        ("updated", "actual_hours"),
        ("status_changed", "status"),
        ("assigned", "assigned_to"),
        ("updated", "tags"),
        ("updated", "category"),
    } <= history
    assert client.get(url).status_code == 200
    assert client.delete(url).status_code == 204
    assert client.get(url).status_code == 404
    assert not Ticket.objects.filter(pk=t["id"]).exists()


def test_patch_invalid_changes_nothing(client, create):
    t = create()
    url = f"{BASE}/tickets/{t['id']}/"
    r = client.patch(url, {"priority": "high", "status": "reopened"}, format="json")
    assert r.status_code == 400  # reopened only from resolved/closed; all or nothing
    after = client.get(url).json()
    assert after["priority"] == "medium" and after["status"] == "new"
    for bad in ({"priority": "x"}, {"status": "x"}, {"estimated_hours": "x"}, {"category": "zzz"}):
        assert client.patch(url, bad, format="json").status_code == 400


def test_status_rules_and_timestamps(client, create):
    t = create()
    url = f"{BASE}/tickets/{t['id']}/change_status/"
    assert client.post(url, {"status": "reopened"}, format="json").status_code == 400
    for st in ("open", "in_progress", "pending", "new", "pending"):
        r = client.post(url, {"status": st}, format="json")
        assert r.status_code == 200 and r.json()["status"] == st
    r = client.post(url, {"status": "resolved"}, format="json").json()
    assert r["resolved_at"] is not None and r["closed_at"] is None
    assert r["resolution_time_hours"] is not None
    r = client.post(url, {"status": "closed"}, format="json").json()
    assert r["closed_at"] is not None and r["resolved_at"] is not None
    r = client.post(url, {"status": "reopened"}, format="json").json()
    assert r["status"] == "reopened" and r["resolved_at"] is None and r["closed_at"] is None
    assert client.post(url, {"status": "bogus"}, format="json").status_code == 400
    assert client.post(url, {}, format="json").status_code == 400
    changes = [
        (h["old_value"], h["new_value"])
        for h in client.get(f"{BASE}/history/?ticket={t['id']}&action=status_changed").json()[
            "results"
        ]
    ]
    assert changes[-1] == ("closed", "reopened") and len(changes) == 8


def test_closing_directly_sets_both_timestamps(client, create):
    t = create()
    r = client.post(f"{BASE}/tickets/{t['id']}/change_status/", {"status": "closed"}, format="json")
    assert r.json()["closed_at"] is not None


def test_assign_action(client, create, agent2, outsider):
    t = create()
    url = f"{BASE}/tickets/{t['id']}/assign/"
    r = client.post(url, {"user_id": agent2.pk}, format="json")
    assert r.status_code == 200 and r.json()["assigned_to"] == agent2.pk
    hist = [h for h in r.json()["history"] if h["action"] == "assigned"]
    assert hist[-1]["field_name"] == "assigned_to" and hist[-1]["new_value"] == "agent2"
    assert client.post(url, {"user_id": outsider.pk}, format="json").status_code == 400
    assert client.post(url, {"user_id": 9999}, format="json").status_code == 400
    assert client.post(url, {"user_id": "abc"}, format="json").status_code == 400
    assert client.post(url, {}, format="json").status_code == 400
    assert client.get(f"{BASE}/tickets/{t['id']}/").json()["assigned_to"] == agent2.pk
    r = client.post(url, {"user_id": None}, format="json")
    assert r.status_code == 200 and r.json()["assigned_to"] is None


def test_customer_role_can_file_but_not_manage(api, project, member, create):
    cust = member(project, "customer")
    c = api(cust)
    mine = c.post(f"{BASE}/tickets/", {"subject": "Help"}, format="json")
    assert mine.status_code == 201
    other = create()
    ids = [t["id"] for t in c.get(f"{BASE}/tickets/").json()["results"]]
    assert ids == [mine.json()["id"]]
    assert c.get(f"{BASE}/tickets/{other['id']}/").status_code == 404
    assert (
        c.patch(
            f"{BASE}/tickets/{mine.json()['id']}/", {"priority": "critical"}, format="json"
        ).status_code
        == 403
    )
    assert (
        c.post(
            f"{BASE}/tickets/{mine.json()['id']}/change_status/",
            {"status": "closed"},
            format="json",
        ).status_code
        == 403
    )
    assert c.delete(f"{BASE}/tickets/{mine.json()['id']}/").status_code == 403
    r = c.post(
        f"{BASE}/tickets/{mine.json()['id']}/add_comment/",
        {"content": "x", "is_internal": True},
        format="json",
    )
    assert r.status_code == 403


# ---- filters ---------------------------------------------------------------------------


@pytest.fixture
def spread(client, create, customer, agent, agent2, categories):
    """Five tickets with different statuses, priorities, categories and assignees."""
    a = create(
        priority="high",
        category="technical",
        customer=customer.pk,
        assigned_to=agent.pk,
        tags="login, sso",
        subject="Login broken",
    )
    b = create(
        priority="low",
        category="billing",
        assigned_to=agent2.pk,
        subject="Invoice VAT",
        description="wrong vat rate",
    )
    c = create(
        priority="critical",
        category="technical",
        due_date="2020-01-01T00:00:00Z",
        subject="Export times out",
    )
    d = create(priority="high", category="bug", due_date="2020-01-01T00:00:00Z", subject="Crash")
    client.post(f"{BASE}/tickets/{b['id']}/change_status/", {"status": "open"}, format="json")
    client.post(f"{BASE}/tickets/{d['id']}/change_status/", {"status": "resolved"}, format="json")
    return {"a": a["id"], "b": b["id"], "c": c["id"], "d": d["id"]}


def _ids(client, query: str) -> set[int]:
    r = client.get(f"{BASE}/tickets/?{query}")
    assert r.status_code == 200, (query, r.content)
    return {t["id"] for t in r.json()["results"]}


def test_filters(client, spread, customer, agent, agent2):
    s = spread
    assert _ids(client, "status=open") == {s["b"]}
    assert _ids(client, "status=new") == {s["a"], s["c"]}
    assert _ids(client, "status=open&priority=high") == set()
    assert _ids(client, "priority=high") == {s["a"], s["d"]}
    assert _ids(client, "category=technical") == {s["a"], s["c"]}
    assert _ids(client, "category=product") == set()
    assert _ids(client, f"customer={customer.pk}") == {s["a"]}
    assert _ids(client, f"assigned_to={agent2.pk}") == {s["b"]}
    assert _ids(client, "my_tickets=true") == {s["a"]}
    assert _ids(client, "my_tickets=false") == {s["b"], s["c"], s["d"]}
    assert _ids(client, "unassigned=true") == {s["c"], s["d"]}
    assert _ids(client, "unassigned=false") == {s["a"], s["b"]}
    assert _ids(client, "overdue=true") == {s["c"]}  # d is resolved
    assert _ids(client, "overdue=false") == {s["a"], s["b"], s["d"]}
    today = clock.now().date().isoformat()
    assert _ids(client, f"created_after={today}") == set(s.values())
    assert _ids(client, f"created_before={today}") == set(s.values())
    assert _ids(client, "created_after=2999-01-01") == set()
    assert _ids(client, "created_before=2000-01-01") == set()
    assert _ids(client, "search=login") == {s["a"]}  # subject
    assert _ids(client, "search=vat%20rate") == {s["b"]}  # description
    assert _ids(client, "search=sso") == {s["a"]}  # tag
    assert _ids(client, "search=TKT-000003") == {s["c"]}  # number
    assert _ids(client, "search=nothing-like-this") == set()


def test_created_after_respects_dates(client, create):
    with clock.frozen_at(datetime(2024, 3, 1, 12, tzinfo=UTC)):
        old = create()
    new = create()
    assert _ids(client, "created_after=2024-03-02") == {new["id"]}
    assert _ids(client, "created_before=2024-03-01") == {old["id"]}


def test_created_day_filters_hold_the_whole_day(client, create):
    """A day is midnight to midnight (UTC): its first and last second are in, the next
    day's first second is not."""
    made = {}
    for name, moment in [
        ("first", datetime(2024, 3, 1, 0, 0, 0, tzinfo=UTC)),
        ("last", datetime(2024, 3, 1, 23, 59, 59, 999999, tzinfo=UTC)),
        ("next", datetime(2024, 3, 2, 0, 0, 0, tzinfo=UTC)),
        ("before", datetime(2024, 2, 29, 23, 59, 59, tzinfo=UTC)),
    ]:
        with clock.frozen_at(moment):
            made[name] = create()["id"]
    assert _ids(client, "created_after=2024-03-01&created_before=2024-03-01") == {
        made["first"],
        made["last"],
    }
    assert _ids(client, "created_before=2024-03-01") == {
        made["first"],
        made["last"],
        made["before"],
    }
    assert made["before"] not in _ids(client, "created_after=2024-03-01")
    assert made["next"] in _ids(client, "created_after=2024-03-02")
    # the first and the last day there is: everything, no error
    everything = set(made.values())
    assert _ids(client, "created_after=0001-01-01&created_before=9999-12-31") == everything


@pytest.mark.parametrize(
    "query",
    [
        "status=frozen",
        "priority=extreme",
        "category=nope",
        "customer=abc",
        "customer=999",
        "assigned_to=abc",
        "assigned_to=999",
        "my_tickets=maybe",
        "unassigned=yes please",
        "overdue=2",
        "created_after=01/02/2024",
        "created_before=2024-13-40",
        "page=999",
    ],
)
def test_invalid_filter_values_are_400(client, spread, query):
    r = client.get(f"{BASE}/tickets/?{query}")
    expected = 404 if query.startswith("page") else 400
    assert r.status_code == expected, (query, r.content)
    if expected == 400:
        assert query.split("=")[0] in r.json()


def test_pagination_envelope(client, create):
    for _ in range(3):
        create()
    r = client.get(f"{BASE}/tickets/?page_size=2").json()
    assert set(r) == {"count", "next", "previous", "results"}
    assert r["count"] == 3 and len(r["results"]) == 2 and r["next"] and r["previous"] is None
    assert set(r["results"][0]) == LIST_FIELDS


def _count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url)
        assert r.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "path",
    [
        "tickets/",
        "tickets/my_tickets/",
        "tickets/unassigned/",
        "tickets/overdue/",
        "tickets/?category=technical&search=x",
        "tickets/statistics/",
    ],
)
def test_ticket_lists_run_constant_queries(api, agent, agent2, customer, categories, project, path):
    from tessera.core.servicedesk.services import sd_ticket_create

    def seed(n: int) -> None:
        for i in range(n):
            t = sd_ticket_create(
                actor=agent,
                project=project,
                subject=f"x{i}",
                category=categories["technical"],
                customer=customer,
                assigned_to=[agent, agent2][i % 2],
                tags=f"t{i}, x",
                due_date=clock.now() - timedelta(days=1),
            )
            sd_ticket_create(actor=agent, project=project, subject=f"u{i}")
            assert t.pk

    seed(2)
    few = _count_queries(api(agent), f"{BASE}/{path}")
    seed(10)
    many = _count_queries(api(agent), f"{BASE}/{path}")
    assert few == many
