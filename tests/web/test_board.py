"""Kanban board: columns from the project, moves saved at once, refusals change nothing."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tessera.core.projects.models import BoardColumn
from tessera.core.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def col(project, state_key):
    return BoardColumn.objects.get(project=project, state__key=state_key)


def card_order(page: str, column: BoardColumn) -> list[int]:
    block = re.search(rf'data-column="{column.pk}".*?</ol>', page, re.S).group(0)
    return [int(x) for x in re.findall(r'<li class="kcard" data-ticket="(\d+)"', block)]


def test_board_shows_columns_cards_and_wip(desk, make_ticket, browser_client):
    p = desk["project"]
    a = make_ticket(p, desk["customer"], "Alpha")
    page = browser_client(desk["agent"]).get(f"/projects/{p.pk}/board/").content.decode()
    names = re.findall(r'<h2 id="col-\d+-h">([^<\n]+)', page)
    assert [n.strip() for n in names] == [
        "To do",
        "In progress",
        "Waiting for customer",
        "Resolved",
        "Closed",
    ]
    assert card_order(page, col(p, "todo")) == [a.pk]
    assert f'data-wip="{col(p, "todo").pk}"' in page


def test_move_between_columns_persists(desk, make_ticket, browser_client):
    p = desk["project"]
    a = make_ticket(p, desk["customer"], "Alpha")
    c = browser_client(desk["agent"])
    target = col(p, "in_progress")
    r = c.post(f"/projects/{p.pk}/board/move/", {"ticket": a.pk, "column": target.pk})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["ok"] is True and body["state"] == "In progress"
    assert body["counts"] == {str(target.pk): 1}
    a.refresh_from_db()
    assert a.state.key == "in_progress" and a.column_id == target.pk
    assert card_order(c.get(f"/projects/{p.pk}/board/").content.decode(), target) == [a.pk]


def test_refused_moves_change_nothing(desk, make_ticket, browser_client):
    p = desk["project"]
    a = make_ticket(p, desk["customer"], "Alpha")
    c = browser_client(desk["agent"])
    r = c.post(f"/projects/{p.pk}/board/move/", {"ticket": a.pk, "column": col(p, "resolved").pk})
    assert r.status_code == 400
    assert r.json() == {"ok": False, "error": "Cannot move from todo to resolved"}
    # the customer's role may not move cards at all
    r = browser_client(desk["customer"]).post(
        f"/projects/{p.pk}/board/move/", {"ticket": a.pk, "column": col(p, "in_progress").pk}
    )
    assert r.status_code == 403 and r.json()["ok"] is False
    r = c.post(f"/projects/{p.pk}/board/move/", {"ticket": a.pk, "column": "x"})
    assert r.status_code == 400
    r = c.post(f"/projects/{p.pk}/board/move/", {"ticket": "999999", "column": col(p, "todo").pk})
    assert r.status_code == 404
    a.refresh_from_db()
    assert a.state.key == "todo" and a.column == col(p, "todo")


def test_reorder_within_a_column(desk, make_ticket, browser_client):
    p = desk["project"]
    c = browser_client(desk["agent"])
    todo = col(p, "todo")
    a, b, d = (make_ticket(p, desk["customer"], t) for t in ("A", "B", "D"))
    for t in (a, b, d):  # place them in order A, B, D
        c.post(f"/projects/{p.pk}/board/move/", {"ticket": t.pk, "column": todo.pk})
    page = c.get(f"/projects/{p.pk}/board/").content.decode()
    assert card_order(page, todo) == [a.pk, b.pk, d.pk]
    # D between A and B
    r = c.post(
        f"/projects/{p.pk}/board/move/",
        {"ticket": d.pk, "column": todo.pk, "before": a.pk, "after": b.pk},
    )
    assert r.status_code == 200
    page = c.get(f"/projects/{p.pk}/board/").content.decode()
    assert card_order(page, todo) == [a.pk, d.pk, b.pk]
    assert Ticket.objects.get(pk=d.pk).state.key == "todo"


def test_board_of_a_foreign_project_is_not_found(desk, make_project, browser_client):
    other = make_project("boards", "OTHER")
    c = browser_client(desk["agent"])
    assert c.get(f"/projects/{other.pk}/board/").status_code == 404
    assert c.post(f"/projects/{other.pk}/board/move/", {}).status_code == 404


def test_board_query_count_is_constant(desk, make_ticket, browser_client):
    p = desk["project"]
    c = browser_client(desk["agent"])

    def count(n: int) -> int:
        for i in range(n):
            make_ticket(p, desk["customer"], f"T{i}")
        c.get(f"/projects/{p.pk}/board/")
        with CaptureQueriesContext(connection) as ctx:
            c.get(f"/projects/{p.pk}/board/")
        return len(ctx.captured_queries)

    assert count(2) == count(15)


def test_a_long_column_shows_its_first_cards_and_counts_them_all(desk, make_ticket, browser_client):
    """A column shows its first cards by rank (``?cards=`` asks for more, up to the
    maximum) with the whole column's count in its header and how many are not shown."""
    p = desk["project"]
    made = [make_ticket(p, desk["customer"], f"T{i}") for i in range(5)]
    c = browser_client(desk["agent"])
    todo = col(p, "todo")
    page = c.get(f"/projects/{p.pk}/board/?cards=2").content.decode()
    assert card_order(page, todo) == [t.pk for t in made[:2]]
    assert re.search(rf'data-wip="{todo.pk}"[^>]*aria-label="5 cards"', page)
    assert f'data-hidden="{todo.pk}">3 more cards not shown' in page
    assert 'href="?cards=52"' in page
    page = c.get(f"/projects/{p.pk}/board/").content.decode()
    assert card_order(page, todo) == [t.pk for t in made] and "data-hidden" not in page
    for bad in ("x", "-3", "0", "99999999999999999999"):
        assert c.get(f"/projects/{p.pk}/board/?cards={bad}").status_code == 200


def test_move_form_works_without_javascript(desk, make_ticket, browser_client):
    """The card's "Move to" form (the keyboard alternative) posts ``html=1`` and gets the
    board back with the outcome as a message; a refusal changes nothing."""
    p = desk["project"]
    t = make_ticket(p, desk["customer"], "Keyboard mover")
    c = browser_client(desk["agent"])
    page = c.get(f"/projects/{p.pk}/board/").content.decode()
    assert f'<label class="sr-only" for="mv-{t.pk}">Move {t.display_number} to</label>' in page
    assert re.search(
        rf'<button type="submit" class="small move-button">Move<span class="sr-only"> {t.display_number}</span>',
        page,
    )
    url = f"/projects/{p.pk}/board/move/"
    r = c.post(url, {"ticket": t.pk, "column": col(p, "resolved").pk, "html": "1"}, follow=True)
    assert r.status_code == 200 and "Move refused: Cannot move from todo to resolved" in (
        r.content.decode()
    )
    assert 'class="errors" role="alert"' in r.content.decode()
    t.refresh_from_db()
    assert t.state.key == "todo"
    r = c.post(url, {"ticket": t.pk, "column": col(p, "in_progress").pk, "html": "1"})
    assert r.status_code == 302 and r["Location"] == f"/projects/{p.pk}/board/"
    page = c.get(r["Location"]).content.decode()
    assert f"Moved {t.display_number} to In progress." in page
    assert card_order(page, col(p, "in_progress")) == [t.pk]
