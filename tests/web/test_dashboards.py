"""Dashboards: the overview, the boards surface's dashboards and the service-desk statistics
as charts with the numbers beside them — the same numbers the APIs answer — in a fixed
number of queries."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tessera.core.common import clock
from tessera.core.tickets.services import ticket_assign, ticket_create, ticket_transition

pytestmark = pytest.mark.django_db


def rows(page: str, table_caption: str) -> dict[str, list[str]]:
    found = re.search(
        rf'<caption class="sr-only">{re.escape(table_caption)}</caption>.*?</table>', page, re.S
    )
    assert found, f"no table {table_caption!r}"
    out = {}
    for tr in re.findall(r"<tr>(.*?)</tr>", found.group(0), re.S):
        head = re.search(r'<th scope="row">([^<]*)</th>', tr)
        if head:
            cells = re.findall(r"<td>(.*?)</td>", tr, re.S)
            out[head.group(1)] = [re.sub(r"<[^>]+>", "", c).strip() for c in cells]
    return out


def test_overview_numbers(desk, make_ticket, browser_client):
    p, agent = desk["project"], desk["agent"]
    now = clock.now()
    a = make_ticket(p, desk["customer"], "A", priority=4, due_date=now - timedelta(days=1))
    b = make_ticket(p, desk["customer"], "B", priority=4)
    make_ticket(p, desk["customer"], "C", priority=2)
    ticket_assign(actor=agent, ticket=a, assignees=[agent])
    ticket_transition(actor=agent, ticket=b, to_state="in_progress")
    ticket_transition(actor=agent, ticket=b, to_state="resolved")
    with CaptureQueriesContext(connection) as ctx:
        page = browser_client(agent).get("/dashboards/").content.decode()
    # by state and priority from the kept per-group counts, not a GROUP BY of the tickets
    grouped = [q["sql"] for q in ctx.captured_queries if "GROUP BY" in q["sql"]]
    by_ticket = [sql for sql in grouped if 'FROM "tickets_ticket"' in sql]
    assert not [sql for sql in by_ticket if "priority" in sql or "state" in sql]
    assert any("tickets_ticketcount" in q["sql"] for q in ctx.captured_queries)
    assert rows(page, "Tickets by state") == {"To do": ["2"], "Resolved": ["1"]}
    assert rows(page, "Tickets by priority") == {"Low": ["1"], "High": ["2"]}
    today = rows(page, "Created and resolved per day")[now.date().isoformat()]
    assert today == ["3", "1"]
    for chart in ("by-state", "by-priority", "per-day"):
        assert f'data-chart="{chart}"' in page
    assert page.count('class="bar"') >= 2 + 2 + 1
    # a support-only agent has no service-desk statistics nor boards dashboards
    assert "Service desk statistics" not in page and "Project dashboards" not in page


def test_dashboards_only_count_visible_tickets(desk, make_ticket, browser_client):
    make_ticket(desk["project"], desk["stranger"], "hidden")
    make_ticket(desk["project"], desk["customer"], "mine")
    page = browser_client(desk["customer"]).get("/dashboards/").content.decode()
    assert "1 ticket in view" in page


def test_boards_dashboards_show_the_api_numbers(boards, browser_client, api):
    p, manager = boards["project"], boards["manager"]
    page = browser_client(manager).get(f"/dashboards/?project={p.pk}").content.decode()
    c = api(manager)
    q = f"?project={p.pk}"

    health = c.get(f"/api/tickets/dashboard/company-health/{q}").json()["companies"]
    assert {x["name"]: x["health_status"] for x in health} == {
        "Hotcorp": "critical",
        "Idlecorp": "inactive",
        "Latecorp": "attention",
    }
    assert rows(page, "Company health") == {
        x["name"]: [
            x["health_status"],
            str(x["open_tickets"]),
            str(x["urgent_tickets"]),
            str(x["overdue_tickets"]),
        ]
        for x in health
    }
    assert rows(page, "Companies by health status") == {
        "critical": ["1"],
        "attention": ["1"],
        "healthy": ["0"],
        "inactive": ["1"],
    }

    agents = c.get(f"/api/tickets/dashboard/workload/{q}").json()["agents"]
    assert rows(page, "Workload per agent") == {
        a["username"]: [
            str(a["assigned_count"]),
            str(a["in_progress_count"]),
            str(a["resolved_today"]),
        ]
        for a in agents
    }
    assert rows(page, "Workload per agent")["badmin"] == ["2", "1", "0"]

    columns = c.get(f"/api/tickets/dashboard/kanban-summary/{q}").json()["columns"]
    assert rows(page, "Tickets per board column") == {
        col["name"]: [str(col["count"])] for col in columns
    }

    attention = c.get(f"/api/tickets/dashboard/attention-needed/{q}").json()["results"]
    listed = re.search(r'id="attention">(.*?)</ol>', page, re.S).group(1)
    assert [int(i) for i in re.findall(r'<a href="/tickets/(\d+)/">', listed)] == [
        t["id"] for t in attention
    ]
    assert re.findall(r'<a href="/tickets/\d+/">[^ ]+ ([^<]+)</a>', listed) == [
        "Late one",
        "Server down",
    ]
    newest = c.get(f"/api/tickets/dashboard/newest/{q}").json()["results"]
    listed = re.search(r'id="newest">(.*?)</ol>', page, re.S).group(1)
    assert [int(i) for i in re.findall(r'<a href="/tickets/(\d+)/">', listed)] == [
        t["id"] for t in newest
    ]
    for chart in ("company-health", "workload", "kanban-summary"):
        assert f'data-chart="{chart}"' in page


def test_boards_dashboards_need_view_reports(boards, browser_client, api):
    p = boards["project"]
    r = browser_client(boards["user"]).get(f"/dashboards/?project={p.pk}")
    page = r.content.decode()
    assert r.status_code == 200
    assert 'id="boards-refused"' in page and 'data-chart="company-health"' not in page
    assert (
        "Server down"
        not in re.search(r"<main.*</main>", page, re.S).group(0).split("Project dashboards")[1]
    )
    url = f"/api/tickets/dashboard/company-health/?project={p.pk}"
    assert api(boards["user"]).get(url).status_code == 403
    # without a project the page offers the per-project dashboards as links, to those who
    # may open them
    page = browser_client(boards["manager"]).get("/dashboards/").content.decode()
    assert f'href="?project={p.pk}"' in page and 'data-chart="company-health"' not in page
    page = browser_client(boards["user"]).get("/dashboards/").content.decode()
    assert f'href="?project={p.pk}"' not in page


def test_servicedesk_statistics_show_the_api_numbers(servicedesk, browser_client, api):
    agent = servicedesk["agent"]
    stats = api(agent).get("/api/ticketing/tickets/statistics/").json()
    for url in ("/dashboards/", f"/dashboards/?project={servicedesk['project'].pk}"):
        page = browser_client(agent).get(url).content.decode()
        assert rows(page, "Service desk: tickets by status") == {
            k: [str(v)] for k, v in stats["by_status"].items()
        }
        assert rows(page, "Service desk: tickets by priority") == {
            k: [str(v)] for k, v in stats["by_priority"].items()
        }
        assert rows(page, "Service desk: tickets by category") == {
            k: [str(v)] for k, v in stats["by_category"].items()
        }
        for key, value in (
            ("sd-total", stats["total_tickets"]),
            ("sd-overdue", stats["overdue_count"]),
            ("sd-unassigned", stats["unassigned_count"]),
            ("sd-mine", stats["my_tickets_count"]),
        ):
            assert f'id="{key}">{value}<' in page
    assert stats["total_tickets"] == 4 and stats["overdue_count"] == 1
    assert stats["my_tickets_count"] == 1 and stats["unassigned_count"] == 3


def test_dashboard_query_count_is_constant(boards, servicedesk, desk, make_ticket, browser_client):
    from tessera.core.projects.models import Membership, Role

    boss = boards["manager"]
    # the manager also works in the service desk and the support desk
    for project in (servicedesk["project"], desk["project"]):
        role = Role.objects.get(
            project=project, name="agent" if project == servicedesk["project"] else "moderator"
        )
        Membership.objects.create(project=project, user=boss, role=role)
    c = browser_client(boss)
    urls = ["/dashboards/", f"/dashboards/?project={boards['project'].pk}"]

    def count(n: int) -> list[int]:
        for i in range(n):
            make_ticket(desk["project"], desk["customer"], f"T{i}", priority=2 + i % 3)
            ticket_create(actor=servicedesk["agent"], project=servicedesk["project"], title=f"S{i}")
            t = ticket_create(actor=boards["admin"], project=boards["project"], title=f"B{i}")
            ticket_assign(actor=boards["admin"], ticket=t, assignees=[boards["admin"]])
        out = []
        for url in urls:
            c.get(url)
            with CaptureQueriesContext(connection) as ctx:
                assert c.get(url).status_code == 200
            out.append(len(ctx.captured_queries))
        return out

    assert count(2) == count(20)
