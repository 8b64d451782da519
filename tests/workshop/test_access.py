"""Authentication (401) and the role matrix (403) of document 000, black-box.

Every refused request leaves the ticket, its transitions and its work-session history as
they were."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from .conftest import Shop

pytestmark = pytest.mark.django_db

GETS = [
    "/api/v1/tickets/",
    "/api/v1/tickets/{id}/",
    "/api/v1/tickets/{id}/transitions/",
    "/api/v1/tickets/{id}/work-session/history/",
    "/api/v1/inventory-items/",
    "/api/v1/inventory-items/{item}/",
    "/api/v1/xp/transactions/",
    "/api/v1/xp/leaderboard/",
    "/api/v1/analytics/technicians/",
]
POSTS = [
    "/api/v1/tickets/create/",
    "/api/v1/tickets/{id}/assign/",
    "/api/v1/tickets/{id}/start/",
    "/api/v1/tickets/{id}/to-waiting-qc/",
    "/api/v1/tickets/{id}/qc-pass/",
    "/api/v1/tickets/{id}/qc-fail/",
    "/api/v1/tickets/{id}/manual-metrics/",
    "/api/v1/tickets/{id}/work-session/pause/",
    "/api/v1/tickets/{id}/work-session/resume/",
    "/api/v1/tickets/{id}/work-session/stop/",
    "/api/v1/inventory-items/{item}/archive/",
    "/api/v1/inventory-items/{item}/restore/",
]


def _paths(shop: Shop):
    t = shop.intake()
    return t, {"id": t["id"], "item": t["inventory_item"]["id"]}


def snapshot(shop: Shop, tid: int) -> tuple:
    t = shop.ticket(tid)
    transitions = shop.get("admin", f"/api/v1/tickets/{tid}/transitions/").json()["count"]
    history = shop.get("admin", f"/api/v1/tickets/{tid}/work-session/history/").json()["count"]
    xp = shop.get("admin", "/api/v1/xp/transactions/").json()["count"]
    t.pop("current_session")
    return t, transitions, history, xp


@pytest.mark.parametrize("path", GETS + POSTS)
def test_missing_token_is_401(shop, path):
    _, ids = _paths(shop)
    client = APIClient()
    call = client.get if path in GETS else client.post
    r = call(path.format(**ids))
    assert r.status_code == 401
    assert r.json() == {"detail": "Authentication credentials were not provided."}


@pytest.mark.parametrize("path", GETS + POSTS)
def test_invalid_token_is_401(shop, path):
    _, ids = _paths(shop)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    call = client.get if path in GETS else client.post
    r = call(path.format(**ids), {}, format="json") if path in POSTS else call(path.format(**ids))
    assert r.status_code == 401
    assert r.json()["code"] == "token_not_valid"


def test_session_cookie_is_not_enough(shop, make_user):
    """Document 000 authenticates by JWT only: a logged-in browser session gets 401."""
    client = APIClient()
    client.force_login(shop.admin)
    assert client.get("/api/v1/tickets/").status_code == 401


@pytest.mark.parametrize("path", GETS + POSTS)
def test_user_without_a_workshop_role_is_403(shop, path):
    _, ids = _paths(shop)
    client = shop.as_("outsider")
    call = client.get if path in GETS else client.post
    r = call(path.format(**ids), {}, format="json") if path in POSTS else call(path.format(**ids))
    assert r.status_code == 403
    assert r.json() == {"detail": "You do not have permission to perform this action."}


@pytest.mark.parametrize("who", ["master", "admin", "ops", "tech", "tech2", "qc"])
def test_every_role_may_read(shop, who):
    t, ids = _paths(shop)
    for path in GETS:
        r = shop.get(who, path.format(**ids))
        assert r.status_code == 200, (path, r.content)


# --- the matrix: action × role → status; a refusal changes nothing ----------------------------


def _ticket_for(shop: Shop, action: str) -> int:
    if action in ("manual-metrics",):
        return shop.intake()["id"]
    if action == "assign":
        tid = shop.intake()["id"]
        shop.approve(tid)
        return tid
    if action == "start":
        tid = shop.intake()["id"]
        shop.approve(tid)
        shop.assign(tid)
        return tid
    if action in ("work-session/pause", "work-session/stop"):
        return shop.to_in_progress()
    if action == "work-session/resume":
        tid = shop.to_in_progress()
        shop.act("tech", tid, "work-session/pause")
        return tid
    if action == "to-waiting-qc":
        tid = shop.to_in_progress()
        shop.act("tech", tid, "work-session/stop")
        return tid
    if action in ("qc-pass", "qc-fail"):
        return shop.to_waiting_qc()
    raise AssertionError(action)


MATRIX = {
    "manual-metrics": {"admin", "ops"},
    "assign": {"admin", "ops"},
    "start": {"tech", "admin"},
    "work-session/pause": {"tech", "admin"},
    "work-session/resume": {"tech", "admin"},
    "work-session/stop": {"tech", "admin"},
    "to-waiting-qc": {"tech", "admin"},
    "qc-pass": {"qc", "admin"},
    "qc-fail": {"qc", "admin"},
}
CASES = [
    (action, who, who in allowed)
    for action, allowed in MATRIX.items()
    for who in ["master", "admin", "ops", "tech", "tech2", "qc"]
]


@pytest.mark.parametrize("action, who, allowed", CASES)
def test_role_matrix(shop, frozen, action, who, allowed):
    tid = _ticket_for(shop, action)
    before = snapshot(shop, tid)
    body = {"technician_id": shop.tech.pk} if action == "assign" else {}
    r = shop.post(who, f"/api/v1/tickets/{tid}/{action}/", body)
    if allowed:
        assert r.status_code == 200, r.content
    else:
        assert r.status_code == 403, r.content
        assert r.json() == {"detail": "You do not have permission to perform this action."}
        assert snapshot(shop, tid) == before


@pytest.mark.parametrize(
    "who, status", [("master", 201), ("admin", 201), ("ops", 403), ("tech", 403), ("qc", 403)]
)
def test_create_roles(shop, who, status):
    body = {
        "serial_number": "SN-ROLE",
        "part_specs": [{"name": "x", "color": "green", "planned_minutes": 5, "xp": 1}],
        "confirm_create": True,
        "create_reason": "r",
    }
    r = shop.post(who, "/api/v1/tickets/create/", body)
    assert r.status_code == status, r.content
    count = shop.get("admin", "/api/v1/tickets/").json()["count"]
    assert count == (1 if status == 201 else 0)
    items = shop.get("admin", "/api/v1/inventory-items/").json()["count"]
    assert items == (1 if status == 201 else 0)


def test_role_is_checked_before_state(shop):
    """A refused role gets 403 even when the state would also refuse (403 before 400)."""
    tid = shop.intake()["id"]  # NEW: neither start nor qc-pass is possible
    assert shop.post("master", f"/api/v1/tickets/{tid}/qc-pass/").status_code == 403
    assert shop.post("qc", f"/api/v1/tickets/{tid}/qc-pass/").status_code == 400
    assert shop.post("tech", f"/api/v1/tickets/{tid}/start/").status_code == 403
    assert shop.post("admin", f"/api/v1/tickets/{tid}/start/").status_code == 400
    assert shop.post("tech", f"/api/v1/tickets/{tid}/assign/", {}).status_code == 403
    assert (
        shop.post("qc", f"/api/v1/tickets/{tid}/manual-metrics/", {"flag_color": "x"}).status_code
        == 403
    )
    bad = {"serial_number": "", "part_specs": []}
    assert shop.post("tech", "/api/v1/tickets/create/", bad).status_code == 403


def test_technician_acts_only_on_tickets_assigned_to_them(shop):
    tid = shop.to_in_progress(tech="tech")
    for action in ("work-session/pause", "work-session/stop", "to-waiting-qc"):
        assert shop.post("tech2", f"/api/v1/tickets/{tid}/{action}/").status_code == 403
    assert shop.ticket(tid)["current_session"]["state"] == "RUNNING"


def test_ticket_of_another_project_is_404(shop, make_project, member, api):
    other = make_project("workshop", name="Other Shop")
    stranger = member(other, "super_admin")
    tid = shop.intake()["id"]
    client = api(stranger)
    assert client.get(f"/api/v1/tickets/{tid}/").status_code == 404
    assert (
        client.post(f"/api/v1/tickets/{tid}/manual-metrics/", {}, format="json").status_code == 404
    )
    assert client.get("/api/v1/tickets/").json()["count"] == 0
    assert client.get("/api/v1/tickets/999999/").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/tickets/99999999999999999999999/",
        "/api/v1/tickets/9223372036854775808/transitions/",
        "/api/v1/inventory-items/99999999999999999999999/",
    ],
)
def test_huge_ids_are_404_not_500(shop, path):
    assert shop.get("admin", path).status_code == 404
    r = shop.post("admin", "/api/v1/tickets/99999999999999999999/qc-pass/")
    assert r.status_code == 404


def test_huge_filter_values_are_400_not_500(shop):
    for path, param in [
        ("/api/v1/tickets/", "technician"),
        ("/api/v1/xp/transactions/", "user"),
        ("/api/v1/xp/transactions/", "ticket"),
    ]:
        r = shop.get("admin", path, **{param: "99999999999999999999999"})
        assert r.status_code == 400 and param in r.json()
    tid = shop.intake()["id"]
    shop.approve(tid)
    r = shop.post("ops", f"/api/v1/tickets/{tid}/assign/", {"technician_id": 10**30})
    assert r.status_code == 400
