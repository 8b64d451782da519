"""Inventory items: list, detail, archive, restore."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

ITEM_KEYS = {
    "id",
    "serial_number",
    "name",
    "state",
    "active_ticket_id",
    "creation_confirmed",
    "creation_reason",
    "created_by",
    "created_at",
    "updated_at",
    "archived_at",
}


def ready_item(shop, serial: str) -> int:
    tid = shop.to_waiting_qc(serial=serial)
    shop.act("qc", tid, "qc-pass")
    return shop.ticket(tid)["inventory_item"]["id"]


def test_list_detail_and_filters(shop):
    ready = ready_item(shop, "SN-READY")
    busy = shop.intake("SN-BUSY", item_name="Phone")
    body = shop.get("qc", "/api/v1/inventory-items/").json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 2 and set(body["results"][0]) == ITEM_KEYS
    by_serial = {i["serial_number"]: i for i in body["results"]}
    assert by_serial["SN-READY"]["state"] == "ready"
    assert by_serial["SN-READY"]["active_ticket_id"] is None
    assert by_serial["SN-BUSY"]["state"] == "in_service"
    assert by_serial["SN-BUSY"]["active_ticket_id"] == busy["id"]
    only = shop.get("qc", "/api/v1/inventory-items/", state="ready").json()["results"]
    assert [i["id"] for i in only] == [ready]
    assert shop.get("qc", "/api/v1/inventory-items/", search="phon").json()["count"] == 1
    assert shop.get("qc", "/api/v1/inventory-items/", serial_number="SN-BUSY").json()["count"] == 1
    desc = shop.get("qc", "/api/v1/inventory-items/", ordering="-serial_number").json()["results"]
    assert [i["serial_number"] for i in desc] == ["SN-READY", "SN-BUSY"]
    assert shop.get("qc", "/api/v1/inventory-items/", state="lost").status_code == 400
    assert shop.get("qc", "/api/v1/inventory-items/", ordering="name;drop").status_code == 400
    r = shop.get("tech", f"/api/v1/inventory-items/{ready}/")
    assert r.status_code == 200 and r.json()["serial_number"] == "SN-READY"
    assert shop.get("tech", "/api/v1/inventory-items/99999/").status_code == 404


@pytest.mark.parametrize(
    "who, status",
    [
        ("ops", 200),
        ("admin", 200),
        ("master", 403),
        ("tech", 403),
        ("qc", 403),
    ],
)
def test_archive_roles(shop, who, status):
    item = ready_item(shop, "SN-X")
    r = shop.post(who, f"/api/v1/inventory-items/{item}/archive/")
    assert r.status_code == status
    state = shop.get("admin", f"/api/v1/inventory-items/{item}/").json()["state"]
    assert state == ("archived" if status == 200 else "ready")


def test_archive_and_restore_rules(shop, frozen):
    item = ready_item(shop, "SN-AR")
    r = shop.post("ops", f"/api/v1/inventory-items/{item}/archive/")
    body = r.json()
    assert body["state"] == "archived" and body["archived_at"] == "2026-03-02T08:00:00Z"
    assert shop.post("ops", f"/api/v1/inventory-items/{item}/archive/").status_code == 400
    r = shop.post("tech", f"/api/v1/inventory-items/{item}/restore/")
    assert r.status_code == 403
    r = shop.post("ops", f"/api/v1/inventory-items/{item}/restore/")
    assert r.status_code == 200
    assert r.json()["state"] == "ready" and r.json()["archived_at"] is None
    assert shop.post("ops", f"/api/v1/inventory-items/{item}/restore/").status_code == 400


def test_item_with_active_ticket_cannot_be_archived(shop):
    t = shop.intake("SN-ACT")
    item = t["inventory_item"]["id"]
    r = shop.post("ops", f"/api/v1/inventory-items/{item}/archive/")
    assert r.status_code == 400
    assert shop.get("ops", f"/api/v1/inventory-items/{item}/").json()["state"] == "in_service"
