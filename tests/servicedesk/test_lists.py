"""Named lists, statistics, bulk operations and the CSV export."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from tessera.core.common import clock
from tessera.core.tickets.models import Ticket

from .conftest import BASE

pytestmark = pytest.mark.django_db


def _ids(client, path: str) -> set[int]:
    r = client.get(f"{BASE}/{path}")
    assert r.status_code == 200, r.content
    body = r.json()
    assert set(body) == {"count", "next", "previous", "results"}
    return {t["id"] for t in body["results"]}


def test_named_lists(client, create, agent, agent2):
    mine = create(assigned_to=agent.pk)
    theirs = create(assigned_to=agent2.pk)
    free = create()
    late = create(due_date="2020-01-01T00:00:00Z", priority="high")
    done_late = create(due_date="2020-01-01T00:00:00Z")
    client.post(
        f"{BASE}/tickets/{done_late['id']}/change_status/", {"status": "closed"}, format="json"
    )
    future = create(due_date="2999-01-01T00:00:00Z")
    assert _ids(client, "tickets/my_tickets/") == {mine["id"]}
    assert _ids(client, "tickets/unassigned/") == {
        free["id"],
        late["id"],
        done_late["id"],
        future["id"],
    }
    assert _ids(client, "tickets/overdue/") == {late["id"]}
    # the lists take the same filters
    assert _ids(client, "tickets/unassigned/?priority=high") == {late["id"]}
    assert client.get(f"{BASE}/tickets/overdue/?priority=bad").status_code == 400
    assert theirs["id"] not in _ids(client, "tickets/my_tickets/")


def test_statistics_every_key(client, create, agent, agent2, categories):
    with clock.frozen_at(datetime(2024, 1, 1, 8, tzinfo=UTC)):
        a = create(priority="high", category="technical", assigned_to=agent.pk)
        b = create(priority="low", category="billing", due_date="2024-01-01T09:00:00Z")
        c = create(priority="critical")
        create(priority="urgent", category="technical", assigned_to=agent2.pk)
    with clock.frozen_at(datetime(2024, 1, 2, 8, tzinfo=UTC)):  # a resolved after 24 h
        client.post(
            f"{BASE}/tickets/{a['id']}/change_status/", {"status": "resolved"}, format="json"
        )
    with clock.frozen_at(
        datetime(2024, 1, 1, 20, tzinfo=UTC)
    ):  # c resolved after 12 h, then closed
        client.post(
            f"{BASE}/tickets/{c['id']}/change_status/", {"status": "resolved"}, format="json"
        )
        client.post(f"{BASE}/tickets/{c['id']}/change_status/", {"status": "closed"}, format="json")
    client.post(f"{BASE}/tickets/{b['id']}/change_status/", {"status": "open"}, format="json")
    r = client.get(f"{BASE}/tickets/statistics/")
    assert r.status_code == 200
    s = r.json()
    assert set(s) == {
        "total_tickets",
        "by_status",
        "by_priority",
        "by_category",
        "overdue_count",
        "unassigned_count",
        "my_tickets_count",
        "avg_resolution_time_hours",
    }
    assert s["total_tickets"] == 4
    assert s["by_status"] == {
        "new": 1,
        "open": 1,
        "in_progress": 0,
        "pending": 0,
        "resolved": 1,
        "closed": 1,
        "reopened": 0,
    }
    assert s["by_priority"] == {"low": 1, "medium": 0, "high": 1, "urgent": 1, "critical": 1}
    assert s["by_category"] == {
        "billing": 1,
        "bug": 0,
        "feature": 0,
        "general": 0,
        "product": 0,
        "technical": 2,
        "uncategorized": 1,
    }
    assert s["overdue_count"] == 1  # b: due 2024-01-01, still open
    assert s["unassigned_count"] == 2
    assert s["my_tickets_count"] == 1
    assert s["avg_resolution_time_hours"] == 18.0
    # filters narrow the statistics; invalid ones are 400
    assert client.get(f"{BASE}/tickets/statistics/?category=technical").json()["total_tickets"] == 2
    assert client.get(f"{BASE}/tickets/statistics/?status=nope").status_code == 400


def test_statistics_empty_and_outsider(api, outsider):
    s = api(outsider).get(f"{BASE}/tickets/statistics/").json()
    assert s["total_tickets"] == 0 and s["avg_resolution_time_hours"] is None
    assert set(s["by_status"]) == {
        "new",
        "open",
        "in_progress",
        "pending",
        "resolved",
        "closed",
        "reopened",
    }


# ---- bulk --------------------------------------------------------------------------------


def test_bulk_changes_many_tickets(client, create, agent2):
    ids = [create()["id"] for _ in range(3)]
    r = client.post(
        f"{BASE}/tickets/bulk/",
        {
            "ticket_ids": ids,
            "status": "in_progress",
            "priority": "urgent",
            "assigned_to": agent2.pk,
        },
        format="json",
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["updated"] == 3
    assert {(t["status"], t["priority"], t["assigned_to"]) for t in body["results"]} == {
        ("in_progress", "urgent", agent2.pk)
    }
    history = client.get(f"{BASE}/history/?ticket={ids[0]}").json()["results"]
    assert {"status_changed", "assigned", "updated"} <= {h["action"] for h in history}


def test_bulk_rolls_back_when_one_ticket_refuses(client, create):
    a, b, c = create(), create(), create()
    client.post(f"{BASE}/tickets/{c['id']}/change_status/", {"status": "resolved"}, format="json")
    # 'reopened' is allowed for c (resolved) but not for a and b (new): nothing may change
    r = client.post(
        f"{BASE}/tickets/bulk/",
        {"ticket_ids": [c["id"], a["id"], b["id"]], "status": "reopened", "priority": "critical"},
        format="json",
    )
    assert r.status_code == 400, r.content
    assert "ticket_ids" in r.json() and a["ticket_number"] in str(r.json())
    rows = {t.pk: (t.state.key, t.priority) for t in Ticket.objects.select_related("state")}
    assert rows == {a["id"]: ("new", 2), b["id"]: ("new", 2), c["id"]: ("resolved", 2)}
    assert (
        client.get(f"{BASE}/history/?ticket={c['id']}&action=status_changed").json()["count"] == 1
    )


def test_bulk_validation(client, create, api, outsider):
    t = create()
    url = f"{BASE}/tickets/bulk/"
    for body, field in (
        ({"ticket_ids": [t["id"]]}, "non_field_errors"),
        ({"ticket_ids": [], "status": "open"}, "ticket_ids"),
        ({"ticket_ids": [t["id"], 9999], "status": "open"}, "ticket_ids"),
        ({"ticket_ids": [t["id"]], "status": "x"}, "status"),
        ({"ticket_ids": [t["id"]], "priority": "x"}, "priority"),
        ({"ticket_ids": [t["id"]], "assigned_to": 9999}, "assigned_to"),
        ({"ticket_ids": ["a"], "status": "open"}, "ticket_ids"),
    ):
        r = client.post(url, body, format="json")
        assert r.status_code == 400 and field in r.json(), (body, r.content)
    assert (
        api(outsider)
        .post(url, {"ticket_ids": [t["id"]], "status": "open"}, format="json")
        .status_code
        == 400
    )
    assert client.get(f"{BASE}/tickets/{t['id']}/").json()["status"] == "new"


# ---- CSV export ------------------------------------------------------------------------


def test_csv_export_streams_the_filtered_list(client, create, customer):
    a = create(priority="high", customer=customer.pk, tags="x, y", subject='Quote "this", please')
    create(priority="low")
    r = client.get(f"{BASE}/tickets/export/?priority=high")
    assert r.status_code == 200 and r.streaming
    assert r["Content-Type"].startswith("text/csv")
    assert "attachment" in r["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(r.streaming_content).decode())))
    header, data = rows[0], rows[1:]
    assert header[:5] == ["id", "ticket_number", "subject", "status", "priority"]
    assert len(data) == 1
    row = dict(zip(header, data[0], strict=True))
    assert row["id"] == str(a["id"]) and row["ticket_number"] == "TKT-000001"
    assert (
        row["subject"] == 'Quote "this", please'
        and row["customer"] == "Acme"
        and row["tags"] == "x, y"
    )
    all_rows = list(
        csv.reader(
            io.StringIO(b"".join(client.get(f"{BASE}/tickets/export/").streaming_content).decode())
        )
    )
    assert len(all_rows) == 3
    assert client.get(f"{BASE}/tickets/export/?overdue=maybe").status_code == 400


def test_csv_export_of_named_list_and_outsider(client, create, api, outsider, agent):
    create(assigned_to=agent.pk)
    create()
    rows = list(
        csv.reader(
            io.StringIO(
                b"".join(
                    client.get(f"{BASE}/tickets/export/?unassigned=true").streaming_content
                ).decode()
            )
        )
    )
    assert len(rows) == 2
    out = list(
        csv.reader(
            io.StringIO(
                b"".join(api(outsider).get(f"{BASE}/tickets/export/").streaming_content).decode()
            )
        )
    )
    assert len(out) == 1  # header only


def test_overdue_flag_moves_with_the_clock(client, create):
    due = clock.now() + timedelta(hours=1)
    t = create(due_date=due.isoformat())
    assert client.get(f"{BASE}/tickets/{t['id']}/").json()["is_overdue"] is False
    with clock.frozen_at(due + timedelta(minutes=1)):
        assert client.get(f"{BASE}/tickets/{t['id']}/").json()["is_overdue"] is True
        assert _ids(client, "tickets/overdue/") == {t["id"]}


def test_list_rows_match_the_detail(client, create, customer, agent, agent2):
    """A list row (read as plain columns) says exactly what the detail (read as model
    instances) says, field for field, whatever the ticket holds."""
    from tessera.surfaces.servicedesk.serializers import TicketSerializer

    plain = create(subject="Plain")
    full = create(
        subject="Full",
        priority="critical",
        category="billing",
        customer=customer.pk,
        assigned_to=agent2.pk,
        due_date="2020-01-01T10:00:00Z",
        estimated_hours="1.25",
        actual_hours=3,
        tags="zeta, alpha, Mid",
    )
    client.post(f"{BASE}/tickets/{full['id']}/add_comment/", {"content": "hi"}, format="json")
    client.post(f"{BASE}/tickets/{full['id']}/change_status/", {"status": "resolved"})
    rows = {r["id"]: r for r in client.get(f"{BASE}/tickets/").json()["results"]}
    assert set(TicketSerializer().fields) == set(rows[plain["id"]])
    for t in (plain, full):
        detail = client.get(f"{BASE}/tickets/{t['id']}/").json()
        assert rows[t["id"]] == {k: detail[k] for k in rows[t["id"]]}
    row = rows[full["id"]]
    assert set(row["tags"].split(", ")) == {"alpha", "Mid", "zeta"}
    assert row["assigned_to_name"] == agent2.full_name
    assert row["resolution_time_hours"] is not None and row["is_overdue"] is False


def test_list_times_follow_the_current_time_zone_as_drf_renders_them(client, create):
    """The list's times skip DRF's field machinery only for values already in the current
    zone, looked up once per page: in another zone each time is DRF's rendering of it."""
    from django.utils import timezone
    from rest_framework import serializers

    made = create(subject="Zoned", due_date="2020-07-01T10:00:00Z")
    ticket = Ticket.objects.get(pk=made["id"])
    with timezone.override("America/New_York"):
        row = client.get(f"{BASE}/tickets/").json()["results"][0]
        drf = serializers.DateTimeField()
        assert row["created_at"] == drf.to_representation(ticket.created_at)
        assert (
            row["due_date"] == drf.to_representation(ticket.due_date) == "2020-07-01T06:00:00-04:00"
        )
        # a detail's comments and history share one lookup the same way
        client.post(f"{BASE}/tickets/{made['id']}/add_comment/", {"content": "hi"}, format="json")
        detail = client.get(f"{BASE}/tickets/{made['id']}/").json()
        comment = ticket.comments.get()
        assert detail["comments"][0]["created_at"] == drf.to_representation(comment.created_at)
        assert detail["comments"][0]["created_at"].endswith(("-05:00", "-04:00"))
        assert (
            all(h["timestamp"].endswith(("-05:00", "-04:00")) for h in detail["history"])
            and detail["history"]
        )
    row = client.get(f"{BASE}/tickets/").json()["results"][0]
    assert row["due_date"] == "2020-07-01T10:00:00Z"
    detail = client.get(f"{BASE}/tickets/{made['id']}/").json()
    assert detail["comments"][0]["created_at"].endswith("Z")


def test_search_keeps_the_list_newest_first(client, create):
    """``search`` filters; it does not reorder (no relevance rank over every match)."""
    ids = [create(subject=f"printer jam {i}")["id"] for i in range(3)]
    create(subject="unrelated")
    found = [r["id"] for r in client.get(f"{BASE}/tickets/?search=printer").json()["results"]]
    assert found == sorted(ids, reverse=True)
