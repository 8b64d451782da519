"""Optimistic concurrency on tickets (issue 10): ETag on read/write, If-Match on PATCH/PUT."""

from __future__ import annotations

import pytest

from tessera.core.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def _url(t) -> str:
    return f"/api/tickets/tickets/{t.pk}/"


def test_detail_create_and_patch_carry_the_version_as_etag(board, client_for, make_ticket):
    c = client_for("superadmin")
    t = make_ticket()
    r = c.get(_url(t))
    assert r.status_code == 200
    assert r["ETag"] == f'"{Ticket.objects.get(pk=t.pk).version}"'
    r = c.patch(_url(t), {"name": "Renamed"}, format="json", HTTP_IF_MATCH=r["ETag"])
    assert r.status_code == 200, r.content
    assert r["ETag"] == f'"{Ticket.objects.get(pk=t.pk).version}"'
    r = c.post("/api/tickets/tickets/", {"name": "n", "column": board.col(0)}, format="json")
    assert r.status_code == 201 and r["ETag"].startswith('"')


@pytest.mark.parametrize(
    "body",
    [
        {"name": "Stale"},
        {"column": "COL1"},
        {"tag_names": ["backend"]},
        {"assignee_ids": "ADMIN"},
        {},
    ],
)
def test_stale_if_match_is_409_with_current_version_and_changes_nothing(
    board, client_for, make_ticket, body
):
    c = client_for("superadmin")
    t = make_ticket()
    etag = c.get(_url(t))["ETag"]
    assert c.patch(_url(t), {"description": "moved on"}, format="json").status_code == 200
    current = Ticket.objects.get(pk=t.pk).version
    if body.get("column") == "COL1":
        body = {"column": board.col(1)}
    if body.get("assignee_ids") == "ADMIN":
        body = {"assignee_ids": [board.users["admin"].pk]}
    before = c.get(_url(t)).json()
    r = c.patch(_url(t), body, format="json", HTTP_IF_MATCH=etag)
    assert r.status_code == 409, r.content
    assert r.json()["current_version"] == current
    assert "detail" in r.json()
    assert c.get(_url(t)).json() == before
    assert Ticket.objects.get(pk=t.pk).version == current


def test_fresh_if_match_passes_for_assignments_and_weak_or_bare_forms(
    board, client_for, make_ticket
):
    c = client_for("admin")
    t = make_ticket("admin")
    version = Ticket.objects.get(pk=t.pk).version
    r = c.patch(
        _url(t),
        {"assignee_ids": [board.users["admin"].pk]},
        format="json",
        HTTP_IF_MATCH=f'W/"{version}"',
    )
    assert r.status_code == 200, r.content
    assert r.json()["assignee_ids"] == [board.users["admin"].pk]
    version = Ticket.objects.get(pk=t.pk).version
    r = c.patch(_url(t), {"priority_id": 5}, format="json", HTTP_IF_MATCH=str(version))
    assert r.status_code == 200 and r.json()["priority_id"] == 5


def test_without_if_match_nothing_changes_and_bad_if_match_is_400(board, client_for, make_ticket):
    c = client_for("superadmin")
    t = make_ticket()
    c.patch(_url(t), {"description": "one"}, format="json")
    assert c.patch(_url(t), {"description": "two"}, format="json").status_code == 200
    r = c.patch(_url(t), {"description": "x"}, format="json", HTTP_IF_MATCH='"abc"')
    assert r.status_code == 400 and "If-Match" in r.json()
    assert c.get(_url(t)).json()["description"] == "two"
    assert (
        c.patch(_url(t), {"description": "y"}, format="json", HTTP_IF_MATCH="*").status_code == 200
    )
