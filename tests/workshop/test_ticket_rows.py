"""The ticket list and detail are built from plain rows (``selectors.ticket_rows_qs``,
``ticket_rows_complete``): every documented field of an item carries the value the models
hold, for a ticket with part specs, a paused session, a technician and an approver."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest

from tessera.core.tickets.models import Ticket
from tessera.core.workshop.models import PartSpec, TicketMetrics, WorkSession
from tessera.surfaces.workshop.schema import WsTicket

from .conftest import PART_GREEN, PART_RED, T0

pytestmark = pytest.mark.django_db


def _user(user) -> dict | None:
    if user is None:
        return None
    return {"id": user.pk, "username": user.username, "full_name": user.full_name}


def _expected(tid: int) -> dict:
    """The item as the models describe it (what the model-built page rendered)."""
    ticket = Ticket.objects.select_related("project", "state", "created_by").get(pk=tid)
    m = TicketMetrics.objects.select_related("inventory_item", "technician", "approved_by").get(
        ticket=ticket
    )
    item = m.inventory_item
    session = WorkSession.objects.filter(ticket=ticket).order_by("id").last()
    return {
        "id": ticket.pk,
        "number": ticket.project.blueprint.format_number(ticket.project.key, ticket.number),
        "title": ticket.title,
        "description": ticket.description,
        "state": ticket.state.key,
        "version": ticket.version,
        "project": {
            "id": ticket.project.pk,
            "key": ticket.project.key,
            "name": ticket.project.name,
        },
        "inventory_item": {
            "id": item.pk,
            "serial_number": item.serial_number,
            "name": item.name,
            "state": item.state,
        },
        "part_specs": [
            {
                "id": p.pk,
                "name": p.name,
                "color": p.color,
                "planned_minutes": p.planned_minutes,
                "xp": p.xp,
            }
            for p in PartSpec.objects.filter(ticket=ticket).order_by("position", "id")
        ],
        "flag_color": m.flag_color,
        "xp_amount": m.xp_amount,
        "total_duration": m.total_duration,
        "technician": _user(m.technician),
        "approved_by": _user(m.approved_by),
        "approved_at": m.approved_at,
        "current_session": None if session is None else session.pk,
        "created_by": _user(ticket.created_by),
        "created_at": ticket.created_at,
        "updated_at": ticket.updated_at,
        "done_at": m.done_at,
    }


def _iso(moment) -> str | None:
    return None if moment is None else moment.isoformat().replace("+00:00", "Z")


def test_list_and_detail_items_carry_the_models_values(shop, frozen):
    shop.tech.first_name, shop.tech.last_name = "Tina", "Tech"
    shop.tech.save()
    shop.ops.first_name = "Olga"  # no last name: the full name is stripped
    shop.ops.save()
    frozen(T0)
    tid = shop.intake("SN-ROWS", parts=[PART_RED, PART_GREEN], title="Cracked screen")["id"]
    # positions against the ids' order, so the page must sort by position
    battery, screen = PartSpec.objects.filter(ticket_id=tid).order_by("id")
    PartSpec.objects.filter(pk=battery.pk).update(position=screen.position + 1)
    frozen(T0 + timedelta(minutes=1))
    shop.approve(tid, flag_color="yellow", xp_amount=42)
    shop.assign(tid)
    frozen(T0 + timedelta(minutes=2))
    shop.act("tech", tid, "start")
    frozen(T0 + timedelta(minutes=12, seconds=30, microseconds=250000))
    shop.act("tech", tid, "work-session/pause")
    frozen(T0 + timedelta(minutes=20))
    bare = shop.intake("SN-BARE", parts=[PART_GREEN])["id"]  # no session, no technician
    frozen(T0 + timedelta(minutes=25))

    forbidden = mock.Mock(side_effect=AssertionError("a model instance was built"))
    patches = [
        mock.patch.object(model, "from_db", forbidden)
        for model in (Ticket, TicketMetrics, PartSpec, WorkSession)
    ]
    for p in patches:
        p.start()
    try:
        body = shop.get("admin", "/api/v1/tickets/", ordering="id").json()
    finally:
        for p in patches:
            p.stop()
    items = {item["id"]: item for item in body["results"]}
    detail = shop.get("admin", f"/api/v1/tickets/{tid}/")
    assert detail.json() == items[tid]
    assert detail["ETag"] == f'"{items[tid]["version"]}"'

    documented = list(WsTicket().fields)
    for ticket_id, item in items.items():
        assert list(item) == documented
        expected = _expected(ticket_id)
        session_id = expected.pop("current_session")
        assert (item["current_session"] or {}).get("id") == session_id
        for key in ("approved_at", "created_at", "updated_at", "done_at"):
            expected[key] = _iso(expected[key])
        assert {k: v for k, v in item.items() if k != "current_session"} == expected

    item = items[tid]
    assert [p["name"] for p in item["part_specs"]] == ["Screen", "Battery"]
    assert (item["flag_color"], item["xp_amount"]) == ("yellow", 42)
    assert item["total_duration"] == 45 * 60
    assert item["technician"] == {"id": shop.tech.pk, "username": shop.tech.username,
                                  "full_name": "Tina Tech"}  # fmt: skip
    assert item["approved_by"]["full_name"] == "Olga"
    assert item["created_by"]["full_name"] == shop.master.full_name
    assert item["approved_at"] == "2026-03-02T08:01:00Z"
    assert item["current_session"] == {
        "id": item["current_session"]["id"],
        "ticket_id": tid,
        "technician_id": shop.tech.pk,
        "state": "PAUSED",
        "started_at": "2026-03-02T08:02:00Z",
        "stopped_at": None,
        "active_seconds": 630,
        "auto_resume_at": item["current_session"]["auto_resume_at"],
    }
    assert item["current_session"]["auto_resume_at"] is not None
    assert items[bare]["current_session"] is None
    assert items[bare]["technician"] is None and items[bare]["approved_by"] is None
