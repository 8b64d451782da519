"""Ticket list filters and ordering; every list runs a constant number of queries."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .conftest import PART_GREEN, PART_RED, T0

pytestmark = pytest.mark.django_db


def ids(shop, **params) -> list[int]:
    r = shop.get("admin", "/api/v1/tickets/", **params)
    assert r.status_code == 200, r.content
    return [t["id"] for t in r.json()["results"]]


def test_filters_and_ordering(shop, frozen):
    frozen(T0)
    green = shop.intake("SN-G", parts=[PART_GREEN])["id"]
    frozen(T0 + timedelta(minutes=1))
    red = shop.to_in_progress(serial="SN-R", parts=[PART_RED])
    frozen(T0 + timedelta(minutes=2))
    other = shop.to_in_progress(serial="SN-O", parts=[PART_GREEN, PART_RED], tech="tech2")
    assert ids(shop) == [other, red, green]  # newest first
    assert ids(shop, ordering="created_at") == [green, red, other]
    assert ids(shop, ordering="-xp_amount")[0] == other
    assert ids(shop, state="NEW") == [green]
    assert ids(shop, state="IN_PROGRESS", ordering="id") == [red, other]
    r = shop.get("admin", "/api/v1/tickets/", state="NOPE")  # like a bad colour: 400
    assert r.status_code == 400 and "state" in r.json()
    assert ids(shop, technician=shop.tech.pk) == [red]
    assert ids(shop, technician=shop.tech2.pk) == [other]
    assert ids(shop, flag_color="red") == [other, red]
    assert ids(shop, flag_color="green") == [green]
    assert ids(shop, serial="SN-O") == [other]
    assert ids(shop, serial="SN-O", flag_color="green") == []
    for bad in ({"technician": "me"}, {"flag_color": "blue"}, {"ordering": "title"}):
        r = shop.get("admin", "/api/v1/tickets/", **bad)
        assert r.status_code == 400 and set(r.json()) == set(bad)
    body = shop.get("admin", "/api/v1/tickets/", page_size=2).json()
    assert body["count"] == 3 and len(body["results"]) == 2 and "page=2" in body["next"]
    assert shop.get("admin", "/api/v1/tickets/", page=7).status_code == 404


def test_metric_orderings_break_ties_by_id(shop, frozen):
    """``[-]xp_amount`` and ``[-]total_duration`` order by the metric, then by id in the
    same direction, and count every ticket (the page joins the metrics, the count not)."""
    frozen(T0)
    a = shop.intake("SN-A", parts=[PART_GREEN])["id"]  # xp 10, 30 min
    b = shop.intake("SN-B", parts=[PART_RED])["id"]  # xp 5, 15 min
    c = shop.intake("SN-C", parts=[PART_GREEN])["id"]  # xp 10, 30 min
    d = shop.intake("SN-D", parts=[PART_GREEN, PART_RED])["id"]  # xp 15, 45 min
    for name in ("xp_amount", "total_duration"):
        assert ids(shop, ordering=name) == [b, a, c, d]
        assert ids(shop, ordering=f"-{name}") == [d, c, a, b]
        body = shop.get("admin", "/api/v1/tickets/", ordering=f"-{name}", page_size=2).json()
        assert body["count"] == 4 and [t["id"] for t in body["results"]] == [d, c]


def test_a_metric_ordering_joins_the_metrics_first():
    """The metric order's page joins the metrics as an inner join ahead of the display
    columns' joins: the web processes let PostgreSQL reorder joins only within groups of
    four, and walking the metric's index needs that join among the first."""
    from tessera.core.tickets.models import Ticket
    from tessera.core.workshop import selectors

    def joined(ordering: str) -> list[tuple[str, str]]:
        qs = selectors.ticket_rows_qs(Ticket.objects.order_by(ordering))
        return re.findall(r'(INNER|LEFT OUTER) JOIN "(\w+)"', str(qs.query))

    by_metric = joined("-workshop__xp_amount")
    # the tickets and the first three joined tables make the first group of four
    assert ("INNER", "workshop_core_ticketmetrics") in by_metric[:3]
    assert ("LEFT OUTER", "workshop_core_ticketmetrics") in joined("-created_at")


def _populate(shop, frozen, n: int, member) -> None:
    """n tickets in mixed states, with running, paused and stopped sessions and XP."""
    for i in range(n):
        frozen(T0 + timedelta(minutes=i))
        kind = i % 4
        if kind == 0:
            shop.intake()
        elif kind == 1:
            tid = shop.to_in_progress(tech="tech" if i % 8 == 1 else "tech2")
            shop.act("tech" if i % 8 == 1 else "tech2", tid, "work-session/pause")
            shop.act("tech" if i % 8 == 1 else "tech2", tid, "work-session/stop")
            shop.act("tech" if i % 8 == 1 else "tech2", tid, "to-waiting-qc")
            shop.act("qc", tid, "qc-pass")
        elif kind == 2:
            tid = shop.to_waiting_qc(tech="tech")
            shop.act("qc", tid, "qc-fail")
        else:
            tid = shop.to_waiting_qc(tech="tech2")
            shop.act("qc", tid, "qc-pass")
    # one open, paused session of a new technician on top
    name = f"extra{n}"
    shop.users[name] = member(shop.project, "technician")
    tid = shop.to_in_progress(tech=name)
    shop.act(name, tid, "work-session/pause")


LISTS = [
    "/api/v1/tickets/",
    "/api/v1/tickets/?state=DONE&ordering=-xp_amount",
    "/api/v1/inventory-items/",
    "/api/v1/xp/transactions/",
    "/api/v1/xp/leaderboard/",
    "/api/v1/analytics/technicians/",
]


def _count(shop, path: str) -> tuple[int, int]:
    client = shop.as_("ops")
    client.get(path)  # warm the user's permission cache paths alike
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(path)
    assert r.status_code == 200, r.content
    return len(ctx.captured_queries), r.json()["count"]


@pytest.mark.parametrize("path", LISTS)
def test_list_query_count_is_constant(shop, frozen, member, path):
    _populate(shop, frozen, 3, member)
    small, small_rows = _count(shop, path)
    _populate(shop, frozen, 12, member)
    big, big_rows = _count(shop, path)
    assert big_rows > small_rows or path.startswith("/api/v1/analytics")
    assert small == big, (path, small, big)


def test_ticket_history_lists_query_count_is_constant(shop, frozen):
    tid = shop.to_in_progress()
    paths = [f"/api/v1/tickets/{tid}/transitions/", f"/api/v1/tickets/{tid}/work-session/history/"]
    before = [_count(shop, p)[0] for p in paths]
    for _ in range(5):
        shop.act("tech", tid, "work-session/pause")
        shop.act("tech", tid, "work-session/resume")
    shop.act("tech", tid, "work-session/stop")
    shop.act("tech", tid, "to-waiting-qc")
    shop.act("qc", tid, "qc-fail")
    shop.act("tech", tid, "start")
    after = [_count(shop, p)[0] for p in paths]
    assert before == after
