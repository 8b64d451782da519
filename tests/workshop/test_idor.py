"""Objects of another workshop project, role × endpoint: every role of another shop — even
the one the matrix allows for the action — gets 403 or 404 for this shop's tickets,
sessions and inventory items, never their data, and nothing changes. Lists never show them.
"""

from __future__ import annotations

import pytest

from .conftest import Shop
from .test_access import _ticket_for, snapshot

pytestmark = pytest.mark.django_db

ROLES = ["master", "super_admin", "ops_manager", "technician", "qc_inspector"]
TICKET_GETS = ["", "transitions/", "work-session/history/"]
ACTIONS = [
    "manual-metrics",
    "assign",
    "start",
    "work-session/pause",
    "work-session/resume",
    "work-session/stop",
    "to-waiting-qc",
    "qc-pass",
    "qc-fail",
]


@pytest.fixture
def stranger(make_project, member, api):
    """``stranger(role)`` → a client of a user holding ``role`` in another workshop project
    (which has a ticket of its own, so its lists are not empty by accident)."""
    other = make_project("workshop", name="Other Shop")
    people = {role: member(other, role) for role in ROLES}

    def make(role: str):
        return api(people[role]), people[role]

    return make


def _no_data(r, *secrets: str) -> None:
    assert r.status_code in (403, 404), (r.status_code, r.content)
    assert set(r.json()) == {"detail"}
    for secret in secrets:
        assert secret not in r.content.decode()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("suffix", TICKET_GETS)
def test_reading_another_projects_ticket(shop: Shop, stranger, role, suffix):
    t = shop.intake(serial="SECRET-SN-1")
    client, _ = stranger(role)
    _no_data(client.get(f"/api/v1/tickets/{t['id']}/{suffix}"), "SECRET-SN-1", t["title"])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS)
def test_acting_on_another_projects_ticket(shop: Shop, stranger, frozen, role, action):
    tid = _ticket_for(shop, action)
    before = snapshot(shop, tid)
    client, user = stranger(role)
    body = {"technician_id": user.pk} if action == "assign" else {}
    if action == "manual-metrics":
        body = {"flag_color": "red", "xp_amount": 999}
    _no_data(client.post(f"/api/v1/tickets/{tid}/{action}/", body, format="json"))
    assert snapshot(shop, tid) == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ["", "archive/", "restore/"])
def test_another_projects_inventory_item(shop: Shop, stranger, role, action):
    t = shop.intake(serial="SECRET-SN-2")
    item = t["inventory_item"]["id"]
    if action == "restore/":
        tid = shop.to_waiting_qc()
        shop.act("qc", tid, "qc-pass")
        item = shop.ticket(tid)["inventory_item"]["id"]
        assert shop.post("ops", f"/api/v1/inventory-items/{item}/archive/").status_code == 200
    before = shop.get("admin", f"/api/v1/inventory-items/{item}/").json()
    client, _ = stranger(role)
    call = client.get if not action else client.post
    _no_data(call(f"/api/v1/inventory-items/{item}/{action}"), "SECRET-SN-2")
    assert shop.get("admin", f"/api/v1/inventory-items/{item}/").json() == before


@pytest.mark.parametrize("role", ROLES)
def test_lists_never_show_another_projects_objects(shop: Shop, stranger, frozen, role):
    tid = shop.to_waiting_qc()
    shop.act("qc", tid, "qc-pass")  # XP for shop's technician and checker
    shop.intake(serial="SECRET-SN-3")
    client, _ = stranger(role)
    for path, params in [
        ("/api/v1/tickets/", {}),
        ("/api/v1/tickets/", {"serial": "SECRET-SN-3"}),
        ("/api/v1/inventory-items/", {}),
        ("/api/v1/inventory-items/", {"search": "SECRET"}),
        ("/api/v1/xp/transactions/", {}),
        ("/api/v1/xp/transactions/", {"ticket": tid}),
        ("/api/v1/xp/leaderboard/", {}),
        ("/api/v1/analytics/technicians/", {}),
    ]:
        r = client.get(path, params)
        assert r.status_code == 200, (path, r.content)
        assert r.json()["count"] == 0, (path, r.json())
        assert "SECRET" not in r.content.decode()


def test_a_shared_serial_is_seen_by_both_projects_but_not_the_others_active_ticket(
    shop: Shop, stranger, frozen
):
    """Serials are unique shop-wide: an item serviced by both projects is visible to both,
    but the active ticket id of the other project is not shown."""
    tid = shop.to_waiting_qc(serial="SHARED-1")
    shop.act("qc", tid, "qc-pass")
    client, _ = stranger("master")
    r = client.post(
        "/api/v1/tickets/create/",
        {
            "serial_number": "SHARED-1",
            "part_specs": [{"name": "x", "color": "green", "planned_minutes": 1}],
        },
        format="json",
    )
    assert r.status_code == 201, r.content
    item = r.json()["inventory_item"]["id"]
    mine = shop.get("admin", f"/api/v1/inventory-items/{item}/").json()
    assert mine["serial_number"] == "SHARED-1" and mine["active_ticket_id"] is None
    theirs = client.get(f"/api/v1/inventory-items/{item}/").json()
    assert theirs["active_ticket_id"] == r.json()["id"]
