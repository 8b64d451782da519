"""Dashboards: charts with the numbers beside them, aggregated in a fixed number of queries."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tessera.core.common import clock
from tessera.core.organizations.models import Company
from tessera.core.tickets.services import ticket_assign, ticket_transition

pytestmark = pytest.mark.django_db


def rows(page: str, table_caption: str) -> dict[str, list[str]]:
    table = re.search(
        rf'<caption class="sr-only">{table_caption}</caption>.*?</table>', page, re.S
    ).group(0)
    out = {}
    for tr in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        head = re.search(r'<th scope="row">([^<]*)</th>', tr)
        if head:
            out[head.group(1)] = re.findall(r"<td>([^<]*)</td>", tr)
    return out


def test_dashboard_numbers(desk, make_ticket, browser_client):
    p, agent = desk["project"], desk["agent"]
    acme = Company.objects.create(name="Acme")
    now = clock.now()
    a = make_ticket(
        p, desk["customer"], "A", priority=4, company=acme, due_date=now - timedelta(days=1)
    )
    b = make_ticket(p, desk["customer"], "B", priority=4, company=acme)
    make_ticket(p, desk["customer"], "C", priority=2)
    ticket_assign(actor=agent, ticket=a, assignees=[agent])
    ticket_assign(actor=agent, ticket=b, assignees=[agent, desk["agent2"]])
    ticket_transition(actor=agent, ticket=b, to_state="in_progress")
    ticket_transition(actor=agent, ticket=b, to_state="resolved")
    page = browser_client(agent).get("/dashboards/").content.decode()
    assert rows(page, "Tickets by state") == {"To do": ["2"], "Resolved": ["1"]}
    assert rows(page, "Tickets by priority") == {"Low": ["1"], "High": ["2"]}
    assert rows(page, "Open tickets per agent") == {"agent": ["1"]}
    assert rows(page, "Company health") == {"Acme": ["1", "1", "1", "0%"]}
    today = rows(page, "Created and resolved per day")[now.date().isoformat()]
    assert today == ["3", "1"]
    # the charts are drawn (SVG bars), one per section
    for chart in ("by-state", "by-priority", "per-day", "workload", "company-health"):
        assert f'data-chart="{chart}"' in page
    assert page.count('class="bar"') >= 2 + 2 + 1 + 1


def test_dashboards_only_count_visible_tickets(desk, make_ticket, browser_client):
    make_ticket(desk["project"], desk["stranger"], "hidden")
    make_ticket(desk["project"], desk["customer"], "mine")
    page = browser_client(desk["customer"]).get("/dashboards/").content.decode()
    assert "1 ticket in view." in page


def test_dashboard_query_count_is_constant(desk, make_ticket, browser_client):
    c = browser_client(desk["agent"])

    def count(n: int) -> int:
        for i in range(n):
            t = make_ticket(desk["project"], desk["customer"], f"T{i}", priority=2 + i % 3)
            ticket_assign(actor=desk["agent"], ticket=t, assignees=[desk["agent"]])
        c.get("/dashboards/")
        with CaptureQueriesContext(connection) as ctx:
            assert c.get("/dashboards/").status_code == 200
        return len(ctx.captured_queries)

    assert count(2) == count(20)
