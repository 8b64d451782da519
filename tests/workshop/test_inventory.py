"""Inventory items: list, detail, archive, restore."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from tessera.core.workshop import selectors

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


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigram indexes are PostgreSQL's"
)
def test_the_item_search_can_read_its_trigram_indexes(shop):
    """``search`` compares ``UPPER(column::text)``: the indexes of workshop_core.0005 are
    built on that expression, so PostgreSQL can answer the search from them (asked to
    avoid a scan of the table, it uses both)."""
    shop.intake("SN-TRIGRAM-1", item_name="Laptop")
    qs = selectors.inventory_list(actor=shop.users["qc"], search="trigram").values("pk")
    sql, params = qs.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "ws_item_serial_trgm" in plan and "ws_item_name_trgm" in plan, plan
    assert [
        i["serial_number"]
        for i in shop.get("qc", "/api/v1/inventory-items/", search="TRIGRAM").json()["results"]
    ] == ["SN-TRIGRAM-1"]
