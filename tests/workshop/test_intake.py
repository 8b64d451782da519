"""POST /api/v1/tickets/create/: inventory lookup, part specs, metrics, initial transition."""

from __future__ import annotations

import pytest

from .conftest import PART_GREEN

pytestmark = pytest.mark.django_db

TICKET_KEYS = {
    "id",
    "number",
    "title",
    "description",
    "state",
    "version",
    "project",
    "inventory_item",
    "part_specs",
    "flag_color",
    "xp_amount",
    "total_duration",
    "technician",
    "approved_by",
    "approved_at",
    "current_session",
    "created_by",
    "created_at",
    "updated_at",
    "done_at",
}


def create(shop, who="master", **body):
    return shop.post(who, "/api/v1/tickets/create/", body)


def counts(shop) -> tuple[int, int]:
    return (
        shop.get("admin", "/api/v1/tickets/").json()["count"],
        shop.get("admin", "/api/v1/inventory-items/").json()["count"],
    )


def test_intake_computes_metrics_and_appends_initial_transition(shop, frozen):
    parts = [
        {"name": "Screen", "color": "green", "planned_minutes": 30, "xp": 10},
        {"name": "Hinge", "color": "yellow", "planned_minutes": 20, "xp": 7},
        {"name": "Board", "color": "green", "planned_minutes": 5, "xp": 3},
    ]
    r = create(
        shop,
        serial_number="SN-1",
        part_specs=parts,
        confirm_create=True,
        create_reason="walk-in customer",
        title="Laptop repair",
        item_name="Laptop",
    )
    assert r.status_code == 201, r.content
    t = r.json()
    assert set(t) == TICKET_KEYS
    assert t["state"] == "NEW"
    assert t["flag_color"] == "yellow"
    assert t["xp_amount"] == 20
    assert t["total_duration"] == 55 * 60
    assert t["title"] == "Laptop repair"
    assert [p["name"] for p in t["part_specs"]] == ["Screen", "Hinge", "Board"]
    assert t["inventory_item"]["serial_number"] == "SN-1"
    assert t["inventory_item"]["state"] == "in_service"
    assert t["technician"] is None and t["approved_by"] is None and t["approved_at"] is None
    assert t["current_session"] is None
    assert t["created_by"]["id"] == shop.master.pk
    tr = shop.get("admin", f"/api/v1/tickets/{t['id']}/transitions/").json()
    assert tr["count"] == 1
    first = tr["results"][0]
    assert first["from_state"] is None and first["to_state"] == "NEW"
    assert first["actor"]["id"] == shop.master.pk
    item = shop.get("admin", f"/api/v1/inventory-items/{t['inventory_item']['id']}/").json()
    assert item["creation_confirmed"] is True
    assert item["creation_reason"] == "walk-in customer"
    assert item["name"] == "Laptop"
    assert item["active_ticket_id"] == t["id"]


def test_red_wins_and_default_title(shop):
    parts = [
        PART_GREEN,
        {"name": "b", "color": "red", "planned_minutes": 1, "xp": 0},
        {"name": "c", "color": "yellow", "planned_minutes": 1, "xp": 0},
    ]
    t = shop.intake("SN-RED", parts=parts)
    assert t["flag_color"] == "red"
    assert t["title"] == "Repair SN-RED"


@pytest.mark.parametrize(
    "extra",
    [
        {},
        {"confirm_create": True},
        {"create_reason": "why"},
        {"confirm_create": False, "create_reason": "why"},
        {"confirm_create": True, "create_reason": "   "},
    ],
)
def test_unknown_serial_needs_confirm_and_reason(shop, extra):
    r = create(shop, serial_number="SN-NEW", part_specs=[PART_GREEN], **extra)
    assert r.status_code == 400
    assert "serial_number" in r.json()
    assert counts(shop) == (0, 0)


def test_known_serial_needs_no_confirmation(shop):
    tid = shop.to_waiting_qc(serial="SN-K")
    shop.act("qc", tid, "qc-pass")
    r = create(shop, serial_number="SN-K", part_specs=[PART_GREEN])
    assert r.status_code == 201, r.content
    assert r.json()["inventory_item"]["state"] == "in_service"
    assert counts(shop) == (2, 1)


def test_one_active_ticket_per_inventory_item(shop):
    shop.intake("SN-A")
    r = create(shop, serial_number="SN-A", part_specs=[PART_GREEN])
    assert r.status_code == 400
    assert "serial_number" in r.json()
    assert counts(shop) == (1, 1)


def test_archived_serial_points_to_restore(shop):
    tid = shop.to_waiting_qc(serial="SN-ARCH")
    shop.act("qc", tid, "qc-pass")
    item_id = shop.ticket(tid)["inventory_item"]["id"]
    assert shop.post("ops", f"/api/v1/inventory-items/{item_id}/archive/").status_code == 200
    r = create(
        shop,
        serial_number="SN-ARCH",
        part_specs=[PART_GREEN],
        confirm_create=True,
        create_reason="again",
    )
    assert r.status_code == 400
    message = r.json()["serial_number"][0]
    assert f"/api/v1/inventory-items/{item_id}/restore/" in message
    assert counts(shop) == (1, 1)
    assert shop.post("ops", f"/api/v1/inventory-items/{item_id}/restore/").status_code == 200
    r = create(shop, serial_number="SN-ARCH", part_specs=[PART_GREEN])
    assert r.status_code == 201


@pytest.mark.parametrize(
    "parts, field",
    [
        ([{"name": "x", "color": "purple", "planned_minutes": 5, "xp": 1}], "part_specs"),
        ([{"name": "x", "color": "GREEN", "planned_minutes": 5, "xp": 1}], "part_specs"),
        ([{"name": "x", "color": "green", "planned_minutes": -5, "xp": 1}], "part_specs"),
        ([{"name": "x", "color": "green", "planned_minutes": "a lot", "xp": 1}], "part_specs"),
        ([{"color": "green", "planned_minutes": 5}], "part_specs"),
        ([], "part_specs"),
        ("not a list", "part_specs"),
        (None, "part_specs"),
    ],
)
def test_invalid_part_specs_are_400(shop, parts, field):
    r = create(shop, serial_number="SN-P", part_specs=parts, confirm_create=True, create_reason="r")
    assert r.status_code == 400
    assert field in r.json()
    assert counts(shop) == (0, 0)


def test_bad_bodies_are_400_not_500(shop):
    client = shop.as_("master")
    r = client.post("/api/v1/tickets/create/", "[1, 2]", content_type="application/json")
    assert r.status_code == 400
    r = client.post("/api/v1/tickets/create/", "{nope", content_type="application/json")
    assert r.status_code == 400
    r = create(shop, part_specs=[PART_GREEN])
    assert r.status_code == 400 and "serial_number" in r.json()
    r = create(shop, serial_number="x" * 101, part_specs=[PART_GREEN])
    assert r.status_code == 400
    r = create(
        shop,
        serial_number="S",
        part_specs=[PART_GREEN],
        project_id="abc",
        confirm_create=True,
        create_reason="r",
    )
    assert r.status_code == 400 and "project_id" in r.json()
    assert counts(shop) == (0, 0)


def test_project_choice_with_several_workshop_projects(shop, make_project):
    from tessera.core.projects.services import membership_set

    other = make_project("workshop", name="Second")
    membership_set(actor=None, project=other, user=shop.master, role="master")
    shop.clients.clear()
    r = create(
        shop, serial_number="S1", part_specs=[PART_GREEN], confirm_create=True, create_reason="r"
    )
    assert r.status_code == 400 and "project_id" in r.json()
    r = create(
        shop,
        serial_number="S1",
        part_specs=[PART_GREEN],
        confirm_create=True,
        create_reason="r",
        project_id=other.pk,
    )
    assert r.status_code == 201
    assert r.json()["project"]["id"] == other.pk
    foreign = make_project("workshop", name="Not mine")
    r = create(
        shop,
        serial_number="S2",
        part_specs=[PART_GREEN],
        confirm_create=True,
        create_reason="r",
        project_id=foreign.pk,
    )
    assert r.status_code == 400 and "project_id" in r.json()
