"""Beyond document 004: pagination, incremental sync with ``updated_since``, query budget."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tessera.core.common import clock
from tessera.core.tickets.models import Category
from tessera.core.tickets.services import ticket_assign, ticket_create, ticket_update

pytestmark = pytest.mark.django_db

T0 = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def world(make_user, make_project, member):
    """A superuser's token over 7 tickets in two projects, created a minute apart."""
    admin = make_user("root", is_superuser=True, first_name="Root", last_name="User")
    a = make_project("servicedesk", "SDA")
    b = make_project("boards", "BRD")
    agent = member(a, "agent", first_name="Ann", last_name="Agent")
    cat = Category.objects.create(project=a, slug="c", name="C")
    tickets = []
    for i in range(7):
        with clock.frozen_at(T0 + timedelta(minutes=i)):
            project = a if i % 2 == 0 else b
            t = ticket_create(
                actor=admin, project=project, title=f"t{i}", category=cat if project == a else None
            )
            if project == a:
                ticket_assign(actor=admin, ticket=t, assignees=[agent])
            tickets.append(t)
    return {"admin": admin, "tickets": tickets, "agent": agent, "a": a}


def titles(body) -> list[str]:
    return [t["title"] for t in body["tickets"]]


def test_default_page_is_everything_up_to_page_size_in_key_order(world, make_token, feed):
    _, raw = make_token(world["admin"])
    body = feed(raw).get("/api/tickets/").json()
    assert body["count"] == 7
    assert titles(body) == [f"t{i}" for i in range(7)]


def test_pages_split_the_set_and_count_is_the_total(world, make_token, feed):
    _, raw = make_token(world["admin"])
    client = feed(raw)
    seen = []
    for page in (1, 2, 3):
        r = client.get("/api/tickets/", {"page": page, "page_size": 3})
        assert r.status_code == 200
        assert r.json()["count"] == 7
        seen += titles(r.json())
    assert seen == [f"t{i}" for i in range(7)]
    r = client.get("/api/tickets/", {"page": 9, "page_size": 3})
    assert r.status_code == 200 and r.json()["count"] == 7 and r.json()["tickets"] == []


def test_link_header_points_to_next_and_prev(world, make_token, feed):
    _, raw = make_token(world["admin"])
    client = feed(raw)
    r = client.get("/api/tickets/", {"page_size": 3})
    assert 'rel="next"' in r["Link"] and "page=2" in r["Link"] and 'rel="prev"' not in r["Link"]
    r = client.get("/api/tickets/", {"page": 3, "page_size": 3})
    assert 'rel="prev"' in r["Link"] and 'rel="next"' not in r["Link"]
    r = client.get("/api/tickets/")
    assert "Link" not in r


def test_page_size_is_capped(world, make_token, feed, settings):
    settings.TESSERA_FEED_MAX_PAGE_SIZE = 2
    _, raw = make_token(world["admin"])
    body = feed(raw).get("/api/tickets/", {"page_size": 1000}).json()
    assert body["count"] == 7 and len(body["tickets"]) == 2


def test_default_page_size_from_settings(world, make_token, feed, settings):
    settings.TESSERA_FEED_PAGE_SIZE = 4
    _, raw = make_token(world["admin"])
    body = feed(raw).get("/api/tickets/").json()
    assert body["count"] == 7 and len(body["tickets"]) == 4


@pytest.mark.parametrize(
    "params",
    [
        {"page": "0"},
        {"page": "-1"},
        {"page": "abc"},
        {"page": "1.5"},
        {"page_size": "0"},
        {"page_size": "x"},
        {"updated_since": "yesterday"},
        {"updated_since": "2025-13-01"},
        {"updated_since": "2025-02-30T10:00:00Z"},
    ],
)
def test_bad_query_is_400_envelope(world, make_token, feed, params):
    _, raw = make_token(world["admin"])
    r = feed(raw).get("/api/tickets/", params)
    assert r.status_code == 400, r.content
    body = r.json()
    assert body["success"] is False and body["error"] and body["detail"]
    assert set(body) == {"success", "error", "detail", "timestamp"}


@pytest.mark.parametrize(
    "params, count, shown",
    [
        ({"page": "9" * 5000}, 7, 0),  # past any page
        ({"page_size": "9" * 5000}, 7, 7),  # capped like any size above the maximum
        ({"updated_since": "0001-01-01T00:00:00+05:00"}, 7, 7),  # before year 1 in UTC
        ({"updated_since": "9999-12-31T23:59:59-05:00"}, 0, 0),  # after 9999 in UTC
    ],
)
def test_extreme_but_valid_values_are_answered(world, make_token, feed, params, count, shown):
    _, raw = make_token(world["admin"])
    r = feed(raw).get("/api/tickets/", params)
    assert r.status_code == 200, r.content
    assert r.json()["count"] == count and len(r.json()["tickets"]) == shown


def test_huge_page_is_empty_not_an_error(world, make_token, feed):
    _, raw = make_token(world["admin"])
    r = feed(raw).get("/api/tickets/", {"page": str(10**17), "page_size": 500})
    assert r.status_code == 200 and r.json()["tickets"] == [] and r.json()["count"] == 7


@pytest.mark.parametrize(
    "since",
    [
        "2025-01-01T12:04:00+00:00",
        "2025-01-01T12:04:00 00:00",  # "+" sent unencoded arrives as a space
        "2025-01-01T12:04:00Z",
        "2025-01-01T12:04:00",  # no offset: UTC
        "2025-01-01T13:04:00+01:00",
        "2025-01-01T07:04:00-05:00",
    ],
)
def test_updated_since_is_inclusive_and_reads_offsets(world, make_token, feed, since):
    _, raw = make_token(world["admin"])
    body = feed(raw).get("/api/tickets/", {"updated_since": since}).json()
    assert titles(body) == ["t4", "t5", "t6"] and body["count"] == 3


def test_updated_since_a_date_means_midnight_utc(world, make_token, feed):
    _, raw = make_token(world["admin"])
    client = feed(raw)
    assert client.get("/api/tickets/", {"updated_since": "2025-01-01"}).json()["count"] == 7
    assert client.get("/api/tickets/", {"updated_since": "2025-01-02"}).json()["count"] == 0


def test_incremental_sync_with_the_response_timestamp(world, make_token, feed):
    """A client stores ``timestamp`` and passes it back: it sees each later change."""
    _, raw = make_token(world["admin"])
    client = feed(raw)
    with clock.frozen_at(T0 + timedelta(hours=1)):
        first = client.get("/api/tickets/").json()
    assert first["count"] == 7
    cursor = first["timestamp"]
    with clock.frozen_at(T0 + timedelta(hours=1, seconds=30)):
        ticket_update(actor=world["admin"], ticket=world["tickets"][2], changes={"title": "t2!"})
    with clock.frozen_at(T0 + timedelta(hours=2)):
        body = client.get("/api/tickets/", {"updated_since": cursor}).json()
    assert titles(body) == ["t2!"] and body["count"] == 1
    cursor = body["timestamp"]
    body = client.get("/api/tickets/", {"updated_since": cursor}).json()
    assert body["count"] == 0


def test_updated_since_combines_with_pages(world, make_token, feed):
    _, raw = make_token(world["admin"])
    body = (
        feed(raw)
        .get(
            "/api/tickets/",
            {"updated_since": "2025-01-01T12:02:00Z", "page": 2, "page_size": 2},
        )
        .json()
    )
    assert body["count"] == 5 and titles(body) == ["t4", "t5"]


def _queries(client, **params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        r = client.get("/api/tickets/", params)
    assert r.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("who", ["admin", "agent"])
def test_query_count_does_not_grow_with_page_size(world, make_token, feed, who):
    _, raw = make_token(world[who])
    client = feed(raw)
    _queries(client)  # first request also writes last_used; compare the steady state
    one = _queries(client, page_size=1)
    many = _queries(client, page_size=500)
    assert one == many
    more = []
    for i in range(10):
        t = ticket_create(actor=world["admin"], project=world["a"], title=f"extra{i}")
        ticket_assign(actor=world["admin"], ticket=t, assignees=[world["agent"]])
        more.append(t)
    assert _queries(client, page_size=500) == many
    assert many <= 8


def test_detail_query_count_is_small(world, make_token, feed):
    _, raw = make_token(world["admin"])
    client = feed(raw)
    client.get("/api/tickets/")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/api/tickets/TKT-000001/").status_code == 200
    assert len(ctx.captured_queries) <= 6


@pytest.mark.parametrize("narrow_window", [0, 50_000])
def test_a_changes_window_pages_in_key_order_either_way(
    world, make_token, feed, monkeypatch, narrow_window
):
    """A narrow updated_since window is read id-first from its index, a wide one by
    walking the key order; clients see the same pages, an old ticket changed recently in
    its key-order place, and a query count that does not grow with the page size."""
    from tessera.core.tickets import feed as feed_reads

    monkeypatch.setattr(feed_reads, "NARROW_WINDOW", narrow_window)
    with clock.frozen_at(T0 + timedelta(hours=1)):
        ticket_update(actor=world["admin"], ticket=world["tickets"][0], changes={"title": "t0!"})
    _, raw = make_token(world["admin"])
    client = feed(raw)
    since = {"updated_since": "2025-01-01T12:03:00Z"}
    pages = [
        client.get("/api/tickets/", {**since, "page": p, "page_size": 2}).json() for p in (1, 2, 3)
    ]
    assert [titles(b) for b in pages] == [["t0!", "t3"], ["t4", "t5"], ["t6"]]
    assert {b["count"] for b in pages} == {5}
    past = client.get("/api/tickets/", {**since, "page": 9, "page_size": 2}).json()
    assert (past["count"], past["tickets"]) == (5, [])
    assert _queries(client, **since, page_size=1) == _queries(client, **since, page_size=500) <= 8


def test_a_token_of_a_user_who_sees_nothing_polls_an_empty_window(
    world, make_token, feed, make_user
):
    """Found by the feed's fuzzing: a user in no project has no tickets to count, and the
    narrow window's one read must say so (was a 500)."""
    _, raw = make_token(make_user("nobody"))
    for params in ({}, {"updated_since": "2000-01-01T00:00:00Z"}, {"updated_since": "2025-01-01"}):
        response = feed(raw).get("/api/tickets/", params)
        assert response.status_code == 200, params
        assert (response.json()["count"], response.json()["tickets"]) == (0, [])
