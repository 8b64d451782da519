"""On PostgreSQL a search reads its matches month by month, newest first (``search.ddl``,
"words scoped by project and by month"): its count stops at the limit, and a page newest
first reads the newest months' matches. Whatever path it takes, a client sees what the
plain filter gives: the newest matches, counted up to the limit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tessera.core.common import clock
from tessera.core.search import selectors
from tessera.core.tickets.counts import ticket_count, with_matches_counted
from tessera.core.tickets.models import Ticket
from tessera.core.tickets.selectors import ticket_search, tickets_visible_to
from tessera.core.tickets.services import ticket_create

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the words by month are PostgreSQL's index"
    ),
]

LIMIT = 5


@pytest.fixture
def desk(make_project, make_user, member, settings):
    """Twelve matching tickets, three per month over four months, and a newer burst of
    ten that do not match (an outage filing alike tickets)."""
    settings.TESSERA_SEARCH_MAX_RESULTS = LIMIT
    owner = make_user(is_superuser=True)
    project = make_project("servicedesk", "MNTH", owner=owner)
    now = clock.now()
    matching = []
    for months_ago in (3, 2, 1, 0):
        for hour in range(3):
            ticket = ticket_create(actor=owner, project=project, title=f"Printer jam {hour}")
            created = now - timedelta(days=31 * months_ago, hours=10 - hour)
            Ticket.objects.filter(pk=ticket.pk).update(created_at=created)  # no service
            matching.append(ticket.pk)
    for i in range(10):
        ticket_create(actor=owner, project=project, title=f"VPN down {i}")
    newest_first = list(reversed(matching))
    return owner, project, member(project, "agent"), newest_first


def settled(qs, text: str, depth: int | None):
    base = ticket_search(qs.order_by("-created_at", "-id"), text)
    with CaptureQueriesContext(connection) as ctx:
        result = with_matches_counted(base, depth=depth)
    return result, [q["sql"] for q in ctx]


@pytest.mark.parametrize("depth", [None, 1, 2, 3, 4, 5, 99])
def test_every_depth_pages_the_newest_matches(desk, depth):
    """``depth``: the rows the requested page ends at (page × page size)."""
    owner, project, agent, newest_first = desk
    qs, sql = settled(tickets_visible_to(agent, template="servicedesk"), "printer", depth)
    assert len(sql) == 1  # the matches, which are the count
    assert ticket_count(qs) == LIMIT
    shown = min(depth or LIMIT, LIMIT)
    assert list(qs.values_list("pk", flat=True)[:shown]) == newest_first[:shown]


def test_a_page_inside_the_complete_months_is_read_by_id(desk):
    """Three matches in the newest month, two of the next read before the limit: pages
    of up to three tickets are that month's, read by id; deeper ones ask the index for
    the months read."""
    owner, project, agent, newest_first = desk
    visible = tickets_visible_to(agent, template="servicedesk")
    for depth, by_id in ((3, True), (4, False), (None, False)):
        qs, _ = settled(visible, "printer", depth)
        with CaptureQueriesContext(connection) as ctx:
            page = list(qs.values_list("pk", flat=True)[:3])
        assert page == newest_first[:3]
        assert ("unnest" in ctx[-1]["sql"]) is by_id, depth
        assert ("scope @@" in ctx[-1]["sql"]) is not by_id, depth


def test_the_service_desk_list_answers_as_the_plain_filter(desk, api):
    owner, project, agent, newest_first = desk
    client = api(agent)
    seen = []
    url = "/api/ticketing/tickets/?search=printer+jam&page_size=2"
    while url:
        body = client.get(url).json()
        assert body["count"] == LIMIT
        seen += [t["id"] for t in body["results"]]
        url = body["next"]
    assert seen == newest_first[:LIMIT]
    boards = api(owner).get("/api/tickets/tickets/?search=printer")
    assert boards.status_code == 200


def test_a_list_narrowed_by_projects_alone_reads_no_ticket_per_match(desk):
    """An agent's list holds every ticket of its projects: its count asks the index for
    those projects and does not look each match up; a list narrowed by anything else
    (a priority here) checks each match against its conditions."""
    owner, project, agent, newest_first = desk
    visible = tickets_visible_to(agent, template="servicedesk")
    _, sql = settled(visible, "printer", None)
    assert "admitted" in sql[0] and "d.ticket_id IN" not in sql[0]
    first = Ticket.objects.get(pk=newest_first[0])
    Ticket.objects.filter(pk=first.pk).update(priority=first.priority + 1)
    narrowed, sql = settled(visible.filter(priority=first.priority + 1), "printer", None)
    assert "d.ticket_id IN" in sql[0]
    assert ticket_count(narrowed) == 1
    assert list(narrowed.values_list("pk", flat=True)) == [first.pk]
    stranger = tickets_visible_to(owner, template="boards")  # no ticket of the desk
    nothing, _ = settled(stranger, "printer", None)
    assert ticket_count(nothing) == 0


def test_a_search_that_cannot_read_by_month_answers_the_same(desk, monkeypatch):
    """A term kept a prefix has no month to ask: the search reads every month at once."""
    owner, project, agent, newest_first = desk
    monkeypatch.setattr(selectors, "MAX_PREFIX_WORDS", 0)
    qs, sql = settled(tickets_visible_to(agent, template="servicedesk"), "printer", 2)
    assert "search_month" not in sql[0]
    assert ticket_count(qs) == LIMIT
    assert list(qs.values_list("pk", flat=True)[:LIMIT]) == newest_first[:LIMIT]


def test_a_ticket_whose_creation_time_changes_moves_to_its_month(desk):
    owner, project, agent, newest_first = desk
    ticket = Ticket.objects.get(pk=newest_first[-1])  # the oldest match
    Ticket.objects.filter(pk=ticket.pk).update(created_at=clock.now() + timedelta(minutes=1))
    qs, _ = settled(tickets_visible_to(agent, template="servicedesk"), "printer", 1)
    assert list(qs.values_list("pk", flat=True)[:1]) == [ticket.pk]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM search_ticketdocument d JOIN tickets_ticket t "
            "ON t.id = d.ticket_id WHERE d.scope @@ quote_literal(t.project_id || ':printer~' "
            "|| search_month(t.created_at))::tsquery AND t.id = %s",
            [ticket.pk],
        )
        assert cursor.fetchone()[0] == 1


def _another_order(agent, order: tuple[str, ...], depth: int = LIMIT):
    """The search's page in ``order`` settled at ``depth``: (its ids, the SQL run to settle
    it, the SQL of the page)."""
    base = ticket_search(
        tickets_visible_to(agent, template="servicedesk").order_by(*order), "printer"
    )
    with CaptureQueriesContext(connection) as settling:
        qs = with_matches_counted(base, depth=depth)
    assert ticket_count(qs) == LIMIT
    with CaptureQueriesContext(connection) as paging:
        page = list(qs.values_list("pk", flat=True)[:depth])
    return page, [q["sql"] for q in settling], paging[-1]["sql"]


WALK = "search_month(w_created)"  # the walk's check of each ticket in its own month


@pytest.mark.parametrize("dense_months", [1, 2])
def test_another_order_pages_what_the_plain_filter_gives(desk, monkeypatch, dense_months):
    """Oldest first: the limit's matches lie in two months, so the page is found by walking
    the tickets oldest first, checking each one's words in its own month, and read by id;
    with ``DENSE_MONTHS`` 1 the same search reads every match first, then orders them. The
    same page either way."""
    owner, project, agent, newest_first = desk
    monkeypatch.setattr(selectors, "DENSE_MONTHS", dense_months)
    page, settling, paging = _another_order(agent, ("created_at", "id"))
    assert page == list(reversed(newest_first))[:LIMIT]
    walked = any(WALK in sql for sql in settling)
    assert walked is (dense_months == 2)
    assert ("unnest" in paging and "generate_series" not in paging) is walked


@pytest.mark.parametrize("per_row", [1, 200])
def test_a_walk_that_meets_too_few_matches_reads_them_first(desk, monkeypatch, per_row):
    """Title last to first puts the ten newer tickets that do not match ("VPN down") ahead
    of the matches ("Printer jam"): a walk allowed one ticket per row of the page finds
    none in its five and gives up, and the matches are read first; allowed more, it finds
    them. The same page either way, the plain filter's."""
    owner, project, agent, newest_first = desk
    monkeypatch.setattr(selectors, "WALK_TICKETS_PER_ROW", per_row)
    order = ("-title", "-id")
    page, settling, paging = _another_order(agent, order)
    plain = Ticket.objects.filter(pk__in=newest_first).order_by(*order)
    assert page == list(plain.values_list("pk", flat=True)[:LIMIT])
    assert any(WALK in sql for sql in settling)  # tried either way
    assert ("generate_series" in paging) is (per_row == 1)


def test_a_walk_pages_deeper_than_its_first_page(desk):
    """The second page of two rows walks to the fourth match."""
    owner, project, agent, newest_first = desk
    page, _, _ = _another_order(agent, ("created_at", "id"), depth=4)
    assert page == list(reversed(newest_first))[:4]


def test_a_ranked_search_reads_its_matches_first(desk):
    """Best matches first is an order no index gives: however densely the search matches,
    its page reads every match first and ranks them, as the plain filter does."""
    owner, project, agent, newest_first = desk
    base = ticket_search(tickets_visible_to(agent, template="servicedesk"), "printer jam")
    with CaptureQueriesContext(connection) as settling:
        qs = with_matches_counted(base, depth=LIMIT)
    assert ticket_count(qs) == LIMIT
    page = list(qs.values_list("pk", flat=True)[:LIMIT])
    assert page == list(base.values_list("pk", flat=True)[:LIMIT])
    assert not any(WALK in q["sql"] for q in settling)


def test_a_search_ordered_after_it_was_ranked_walks_its_order(desk):
    """A surface that orders a search itself (the boards' ``?ordering=``) keeps the rank
    annotated but does not order by it: a dense search then walks that order, as when it
    was ordered first, and pages what the plain filter gives."""
    owner, project, agent, newest_first = desk
    ranked = ticket_search(tickets_visible_to(agent, template="servicedesk"), "printer")
    assert "search_rank" in ranked.query.annotations
    base = ranked.order_by("created_at", "id")
    with CaptureQueriesContext(connection) as settling:
        qs = with_matches_counted(base, depth=LIMIT)
    assert ticket_count(qs) == LIMIT
    page = list(qs.values_list("pk", flat=True)[:LIMIT])
    assert page == list(reversed(newest_first))[:LIMIT]
    assert any(WALK in q["sql"] for q in settling)
