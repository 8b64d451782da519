"""Document 000 (`/work/shared/seeds/000_919e44a33b58d951.txt`) as its own client sees it.

Written from the document: its paths and methods exactly as it spells them, the fields it
names (`flag_color`, `xp_amount`, `total_duration`, `approved_by`, `approved_at`, the states
`IN_PROGRESS`, `WAITING_QC`, `DONE`, `REWORK`, `RUNNING`/`PAUSED`/`STOPPED`, the settings
`work_session.daily_pause_limit_minutes` / `work_session.timezone`), its role matrix, its
status codes (400 invalid transition/session action, 403 role, 401 JWT) and DRF's list shape.
The data is the demo (`manage.py demo --json`); the client signs in with a demo workshop
account (`POST /api/v1/auth/token/`, simplejwt's convention — the document only says "JWT")
and sends `Authorization: Bearer <access>`. Where the document names no field (intake body,
assign body) the client uses the document's own words: `confirm` + `reason`, `technician`.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from tessera.core.common import clock

pytestmark = pytest.mark.django_db

BASE = "/api/v1/tickets"
PAGE = {"count", "next", "previous", "results"}
COLORS = {"green", "yellow", "red"}
MATRIX_ROLES = ["master", "super_admin", "ops_manager", "technician", "qc_inspector"]


@pytest.fixture(autouse=True)
def still_clock():
    """Time stands still unless a test moves it (running timers would tick between reads)."""
    clock.set_frozen(clock.now())
    yield
    clock.set_frozen(None)


@pytest.fixture
def demo(capsys) -> dict:
    call_command("demo", "--json")
    data = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    accounts = [a for a in data["accounts"] if a["surface"] == "workshop"]
    assert {a["role"] for a in accounts} == set(MATRIX_ROLES)
    return {"accounts": accounts, "projects": data["projects"]}


def login(username: str, password: str) -> APIClient:
    r = APIClient().post(
        "/api/v1/auth/token/", {"username": username, "password": password}, format="json"
    )
    assert r.status_code == 200, r.content
    assert set(r.json()) == {"access", "refresh"}
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {r.json()['access']}")
    return client


@pytest.fixture
def clients(demo) -> dict[str, APIClient]:
    """One signed-in client per demo account, by role (technicians: technician, technician2)."""
    out: dict[str, APIClient] = {}
    for a in demo["accounts"]:
        key = a["role"] if a["role"] not in out else f"{a['role']}2"
        out[key] = login(a["username"], a["password"])
        out[key].user_id = a["id"]
    return out


def ids_of(demo: dict, role: str) -> list[int]:
    return [a["id"] for a in demo["accounts"] if a["role"] == role]


def tickets(client: APIClient, **params) -> list[dict]:
    r = client.get(f"{BASE}/", {"page_size": 100, **params})
    assert r.status_code == 200, r.content
    assert set(r.json()) == PAGE
    return r.json()["results"]


def by_state(client: APIClient, state: str) -> dict:
    found = [t for t in tickets(client) if t["state"] == state]
    assert found, state
    return found[0]


def intake(client: APIClient, serial: str, parts: list[dict] | None = None, **extra):
    body = {
        "serial_number": serial,
        "part_specs": parts
        or [
            {"name": "Screen", "color": "green", "planned_minutes": 30, "xp": 10},
            {"name": "Battery", "color": "yellow", "planned_minutes": 15, "xp": 5},
        ],
        "confirm": True,
        "reason": "customer brought a new device",
        **extra,
    }
    return client.post(f"{BASE}/create/", body, format="json")


def post(client: APIClient, tid: int, action: str, body: dict | None = None):
    return client.post(f"{BASE}/{tid}/{action}/", body or {}, format="json")


# --- Access model -----------------------------------------------------------------------

ENDPOINTS = [
    ("get", f"{BASE}/"),
    ("post", f"{BASE}/create/"),
    ("get", f"{BASE}/{{id}}/"),
    ("post", f"{BASE}/{{id}}/assign/"),
    ("post", f"{BASE}/{{id}}/start/"),
    ("post", f"{BASE}/{{id}}/to-waiting-qc/"),
    ("post", f"{BASE}/{{id}}/qc-pass/"),
    ("post", f"{BASE}/{{id}}/qc-fail/"),
    ("post", f"{BASE}/{{id}}/manual-metrics/"),
    ("get", f"{BASE}/{{id}}/transitions/"),
    ("post", f"{BASE}/{{id}}/work-session/pause/"),
    ("post", f"{BASE}/{{id}}/work-session/resume/"),
    ("post", f"{BASE}/{{id}}/work-session/stop/"),
    ("get", f"{BASE}/{{id}}/work-session/history/"),
]


@pytest.mark.parametrize("method, path", ENDPOINTS)
def test_missing_or_invalid_jwt_is_401(clients, method, path):
    tid = by_state(clients["super_admin"], "IN_PROGRESS")["id"]
    url = path.format(id=tid)
    anonymous = APIClient()
    assert getattr(anonymous, method)(url, {}, format="json").status_code == 401
    forged = APIClient()
    forged.credentials(HTTP_AUTHORIZATION="Bearer eyJhbGciOiJIUzI1NiJ9.e30.bad")
    assert getattr(forged, method)(url, {}, format="json").status_code == 401
    # and nothing moved
    assert clients["super_admin"].get(f"{BASE}/{tid}/").json()["state"] == "IN_PROGRESS"


def test_demo_accounts_sign_in_and_read(clients):
    for role, client in clients.items():
        assert client.get(f"{BASE}/").status_code == 200, role


@pytest.mark.parametrize(
    "role, allowed",
    [(r, r in ("master", "super_admin")) for r in MATRIX_ROLES],
)
def test_create_matrix(clients, role, allowed):
    before = len(tickets(clients["super_admin"]))
    r = intake(clients[role], f"DOC-CREATE-{role}")
    assert r.status_code == (201 if allowed else 403), r.content
    assert len(tickets(clients["super_admin"])) == before + (1 if allowed else 0)


def _approved_new(clients) -> int:
    r = intake(clients["master"], f"DOC-ASSIGN-{datetime.now().timestamp()}")
    tid = r.json()["id"]
    assert post(clients["ops_manager"], tid, "manual-metrics").status_code == 200
    return tid


@pytest.mark.parametrize(
    "role, allowed",
    [(r, r in ("super_admin", "ops_manager")) for r in MATRIX_ROLES],
)
def test_assign_matrix(clients, demo, role, allowed):
    tid = _approved_new(clients)
    tech = ids_of(demo, "technician")[0]
    r = post(clients[role], tid, "assign", {"technician": tech})
    assert r.status_code == (200 if allowed else 403), r.content
    t = clients["super_admin"].get(f"{BASE}/{tid}/").json()
    assert t["state"] == ("ASSIGNED" if allowed else "NEW")
    assert (t["technician"] or {}).get("id") == (tech if allowed else None)


WORK_ACTIONS = ["start", "work-session/pause", "work-session/stop", "to-waiting-qc"]


@pytest.mark.parametrize("action", WORK_ACTIONS)
@pytest.mark.parametrize("role", MATRIX_ROLES)
def test_work_action_matrix(clients, demo, role, action):
    """Work actions: `technician` (the one assigned), `super_admin`; others 403."""
    sa = clients["super_admin"]
    tech_id = ids_of(demo, "technician")[1]  # Tina: her demo ticket is in WAITING_QC
    tid = _approved_new(clients)
    assert post(clients["ops_manager"], tid, "assign", {"technician": tech_id}).status_code == 200
    tech = next(c for c in clients.values() if getattr(c, "user_id", None) == tech_id)
    if action != "start":
        assert post(tech, tid, "start").status_code == 200
    if action == "to-waiting-qc":
        assert post(tech, tid, "work-session/stop").status_code == 200
    before = sa.get(f"{BASE}/{tid}/").json()
    actor = tech if role == "technician" else clients[role]
    r = post(actor, tid, action)
    if role in ("technician", "super_admin"):
        assert r.status_code == 200, r.content
    else:
        assert r.status_code == 403, r.content
        assert sa.get(f"{BASE}/{tid}/").json() == before


@pytest.mark.parametrize("action", ["qc-pass", "qc-fail"])
@pytest.mark.parametrize("role", MATRIX_ROLES)
def test_qc_matrix(clients, role, action):
    sa = clients["super_admin"]
    tid = by_state(sa, "WAITING_QC")["id"]
    xp_before = sa.get("/api/v1/xp/transactions/").json()["count"]
    r = post(clients[role], tid, action)
    if role in ("qc_inspector", "super_admin"):
        assert r.status_code == 200, r.content
        assert r.json()["state"] == ("DONE" if action == "qc-pass" else "REWORK")
    else:
        assert r.status_code == 403, r.content
        assert sa.get(f"{BASE}/{tid}/").json()["state"] == "WAITING_QC"
        assert sa.get("/api/v1/xp/transactions/").json()["count"] == xp_before


# --- Ticket read/create ---------------------------------------------------------------------


def test_list_with_relational_context(clients):
    rows = tickets(clients["master"])
    assert {t["state"] for t in rows} >= {"NEW", "ASSIGNED", "IN_PROGRESS", "WAITING_QC", "DONE"}
    for t in rows:
        assert t["flag_color"] in COLORS
        assert {"xp_amount", "total_duration", "approved_by", "approved_at"} <= set(t)
        assert t["inventory_item"]["serial_number"]
    running = next(t for t in rows if t["state"] == "IN_PROGRESS")
    assert running["technician"]["username"]
    assert running["approved_by"]["username"] and running["approved_at"]
    assert running["current_session"]["state"] == "RUNNING"


def test_create_computes_metrics_and_appends_initial_transition(clients):
    parts = [
        {"name": "Hinge", "color": "green", "planned_minutes": 20, "xp": 4},
        {"name": "Board", "color": "red", "planned_minutes": 40, "xp": 11},
        {"name": "Fan", "color": "yellow", "planned_minutes": 5, "xp": 0},
    ]
    r = intake(clients["master"], "DOC-NEW-1", parts)
    assert r.status_code == 201, r.content
    t = r.json()
    assert t["flag_color"] == "red"
    assert t["xp_amount"] == 15
    assert t["total_duration"] == 65 * 60
    assert t["approved_by"] is None and t["approved_at"] is None
    detail = clients["qc_inspector"].get(f"{BASE}/{t['id']}/")
    assert detail.status_code == 200 and detail.json()["id"] == t["id"]
    tr = clients["qc_inspector"].get(f"{BASE}/{t['id']}/transitions/").json()
    assert set(tr) == PAGE and tr["count"] == 1
    assert tr["results"][0]["to_state"] == t["state"]


@pytest.mark.parametrize("color", ["blue", "GREEN", "", None, 3])
def test_part_spec_colours_are_green_yellow_red(clients, color):
    parts = [{"name": "X", "color": color, "planned_minutes": 5, "xp": 1}]
    before = len(tickets(clients["master"]))
    assert intake(clients["master"], "DOC-COLOR", parts).status_code == 400
    assert len(tickets(clients["master"])) == before


def test_one_active_ticket_per_inventory_item(clients):
    busy = by_state(clients["master"], "IN_PROGRESS")["inventory_item"]["serial_number"]
    before = len(tickets(clients["master"]))
    assert intake(clients["master"], busy).status_code == 400
    assert len(tickets(clients["master"])) == before


def test_unknown_serial_needs_confirm_and_reason(clients):
    m = clients["master"]
    body = {
        "serial_number": "DOC-UNKNOWN",
        "part_specs": [{"name": "X", "color": "green", "planned_minutes": 5, "xp": 1}],
    }
    assert m.post(f"{BASE}/create/", body, format="json").status_code == 400
    assert m.post(f"{BASE}/create/", {**body, "confirm": True}, format="json").status_code == 400
    assert m.post(f"{BASE}/create/", {**body, "reason": "r"}, format="json").status_code == 400
    assert not tickets(m, serial="DOC-UNKNOWN")
    r = m.post(f"{BASE}/create/", {**body, "confirm": True, "reason": "walk-in"}, format="json")
    assert r.status_code == 201, r.content


def test_archived_serial_requires_the_restore_path(clients):
    m, ops = clients["master"], clients["ops_manager"]
    items = ops.get("/api/v1/inventory-items/", {"state": "archived"}).json()["results"]
    assert items
    item = items[0]
    r = intake(m, item["serial_number"])
    assert r.status_code == 400
    assert f"/api/v1/inventory-items/{item['id']}/restore/" in json.dumps(r.json())
    assert ops.get(f"/api/v1/inventory-items/{item['id']}/").json()["state"] == "archived"
    assert ops.post(f"/api/v1/inventory-items/{item['id']}/restore/").status_code == 200
    assert intake(m, item["serial_number"]).status_code == 201


# --- Workflow actions -------------------------------------------------------------------------


def test_assign_only_after_admin_review(clients, demo):
    ops = clients["ops_manager"]
    new = by_state(ops, "NEW")
    tech = ids_of(demo, "technician")[1]
    assert post(ops, new["id"], "assign", {"technician": tech}).status_code == 400
    assert ops.get(f"{BASE}/{new['id']}/").json()["state"] == "NEW"
    r = post(ops, new["id"], "manual-metrics", {"flag_color": "red", "xp_amount": 50})
    assert r.status_code == 200
    t = r.json()
    assert t["flag_color"] == "red" and t["xp_amount"] == 50
    assert t["approved_by"]["id"] == next(
        a["id"] for a in demo["accounts"] if a["role"] == "ops_manager"
    )
    assert t["approved_at"]
    r = post(ops, new["id"], "assign", {"technician": tech})
    assert r.status_code == 200 and r.json()["state"] == "ASSIGNED"


@pytest.mark.parametrize("color", ["purple", "Red", ""])
def test_manual_metrics_colour_is_validated(clients, color):
    ops = clients["ops_manager"]
    t = by_state(ops, "NEW")
    r = post(ops, t["id"], "manual-metrics", {"flag_color": color})
    assert r.status_code == 400
    after = ops.get(f"{BASE}/{t['id']}/").json()
    assert after["flag_color"] == t["flag_color"] and after["approved_at"] is None


def test_the_whole_flow_with_rework_and_xp(clients, demo):
    sa, ops, qc = clients["super_admin"], clients["ops_manager"], clients["qc_inspector"]
    tech_id = ids_of(demo, "technician")[1]
    tech = next(c for c in clients.values() if getattr(c, "user_id", None) == tech_id)
    qc_id = ids_of(demo, "qc_inspector")[0]
    # Tina's WAITING_QC ticket first: she may hold one IN_PROGRESS ticket at a time
    waiting = by_state(sa, "WAITING_QC")
    r = intake(
        clients["master"],
        "DOC-FLOW",
        [{"name": "P", "color": "green", "planned_minutes": 60, "xp": 20}],
    )
    tid = r.json()["id"]
    assert post(ops, tid, "manual-metrics").status_code == 200
    assert post(ops, tid, "assign", {"technician": tech_id}).status_code == 200
    # start: IN_PROGRESS with a RUNNING session for the assigned technician
    r = post(tech, tid, "start")
    assert r.status_code == 200 and r.json()["state"] == "IN_PROGRESS"
    assert r.json()["current_session"]["state"] == "RUNNING"
    assert r.json()["current_session"]["technician_id"] == tech_id
    # to-waiting-qc while the session is not STOPPED: 400, nothing changes
    assert post(tech, tid, "to-waiting-qc").status_code == 400
    assert sa.get(f"{BASE}/{tid}/").json()["state"] == "IN_PROGRESS"
    assert post(tech, tid, "work-session/pause").json()["state"] == "PAUSED"
    assert post(tech, tid, "to-waiting-qc").status_code == 400
    assert post(tech, tid, "work-session/resume").json()["state"] == "RUNNING"
    stopped = post(tech, tid, "work-session/stop").json()
    assert stopped["state"] == "STOPPED"
    assert post(tech, tid, "to-waiting-qc").json()["state"] == "WAITING_QC"
    # qc-fail: REWORK and the checker's status-update XP
    xp = sa.get("/api/v1/xp/transactions/", {"ticket": tid}).json()
    assert xp["count"] == 0
    assert post(qc, tid, "qc-fail").json()["state"] == "REWORK"
    xp = sa.get("/api/v1/xp/transactions/", {"ticket": tid}).json()["results"]
    assert [(x["user"]["id"], x["kind"]) for x in xp] == [(qc_id, "status_update")]
    # REWORK -> IN_PROGRESS with start, then QC again
    assert post(tech, tid, "start").json()["state"] == "IN_PROGRESS"
    post(tech, tid, "work-session/stop")
    post(tech, tid, "to-waiting-qc")
    r = post(qc, tid, "qc-pass")
    assert r.status_code == 200 and r.json()["state"] == "DONE"
    assert r.json()["inventory_item"]["state"] == "ready"
    kinds = sorted(
        (x["user"]["id"], x["kind"], x["amount"])
        for x in sa.get("/api/v1/xp/transactions/", {"ticket": tid}).json()["results"]
    )
    # base XP to the technician, status update to the checker (twice: fail and pass);
    # no first-pass bonus after a qc-fail
    assert [k[1] for k in kinds if k[0] == tech_id] == ["base"]
    assert [k[2] for k in kinds if k[0] == tech_id] == [20]
    assert [k[1] for k in kinds if k[0] == qc_id] == ["status_update", "status_update"]
    # the transitions: append-only, paginated, oldest first
    tr = sa.get(f"{BASE}/{tid}/transitions/").json()
    assert set(tr) == PAGE
    states = [x["to_state"] for x in tr["results"]]
    assert states == [
        "NEW",
        "ASSIGNED",
        "IN_PROGRESS",
        "WAITING_QC",
        "REWORK",
        "IN_PROGRESS",
        "WAITING_QC",
        "DONE",
    ]
    page1 = sa.get(f"{BASE}/{tid}/transitions/", {"page_size": 3}).json()
    assert page1["count"] == 8 and len(page1["results"]) == 3 and page1["next"]
    # the session history: paginated
    hist = sa.get(f"{BASE}/{tid}/work-session/history/").json()
    assert set(hist) == PAGE and hist["count"] >= 6
    # and the waiting ticket is still waiting
    assert sa.get(f"{BASE}/{waiting['id']}/").json()["state"] == "WAITING_QC"


def test_first_pass_bonus_only_within_planned_duration(clients):
    sa, qc = clients["super_admin"], clients["qc_inspector"]
    t = by_state(sa, "WAITING_QC")  # never failed, stopped at once: within plan
    r = post(qc, t["id"], "qc-pass")
    assert r.status_code == 200
    kinds = {
        x["kind"] for x in sa.get("/api/v1/xp/transactions/", {"ticket": t["id"]}).json()["results"]
    }
    assert kinds == {"base", "status_update", "first_pass_bonus"}


def test_first_pass_bonus_not_awarded_beyond_planned_duration(clients, demo):
    sa, ops, qc = clients["super_admin"], clients["ops_manager"], clients["qc_inspector"]
    start = datetime.fromisoformat("2026-05-04T09:00:00+00:00")
    clock.set_frozen(start)
    tid = intake(
        clients["master"],
        "DOC-SLOW",
        [{"name": "P", "color": "green", "planned_minutes": 10, "xp": 3}],
    ).json()["id"]
    post(ops, tid, "manual-metrics")
    tech_id = ids_of(demo, "technician")[1]
    tech = next(c for c in clients.values() if getattr(c, "user_id", None) == tech_id)
    post(ops, tid, "assign", {"technician": tech_id})
    assert post(tech, tid, "start").status_code == 200
    clock.set_frozen(start + timedelta(minutes=11))  # active 11 min > planned 10 min
    post(tech, tid, "work-session/stop")
    post(tech, tid, "to-waiting-qc")
    assert post(qc, tid, "qc-pass").status_code == 200
    kinds = {
        x["kind"] for x in sa.get("/api/v1/xp/transactions/", {"ticket": tid}).json()["results"]
    }
    assert kinds == {"base", "status_update"}


@pytest.mark.parametrize(
    "state, action",
    [
        ("NEW", "start"),
        ("NEW", "qc-pass"),
        ("NEW", "qc-fail"),
        ("NEW", "to-waiting-qc"),
        ("ASSIGNED", "to-waiting-qc"),
        ("ASSIGNED", "qc-pass"),
        ("IN_PROGRESS", "start"),
        ("IN_PROGRESS", "qc-pass"),
        ("WAITING_QC", "start"),
        ("WAITING_QC", "to-waiting-qc"),
        ("DONE", "qc-fail"),
        ("DONE", "start"),
        ("DONE", "manual-metrics"),
        ("NEW", "work-session/pause"),
        ("NEW", "work-session/resume"),
        ("NEW", "work-session/stop"),
        ("IN_PROGRESS", "work-session/resume"),
        ("WAITING_QC", "work-session/stop"),
    ],
)
def test_invalid_transitions_and_session_actions_are_400(clients, state, action):
    sa = clients["super_admin"]  # holds every role: only the state refuses
    t = by_state(sa, state)
    before = sa.get(f"{BASE}/{t['id']}/").json()
    r = post(sa, t["id"], action)
    assert r.status_code == 400, r.content
    after = sa.get(f"{BASE}/{t['id']}/").json()
    after.pop("current_session"), before.pop("current_session")
    assert after == before


# --- Work sessions: the daily pause budget ------------------------------------------------------


def _set(key: str, value) -> None:
    from tessera.core.common.runtime_settings import set_setting

    set_setting(key, value)


def test_pause_budget_exhausts_auto_resumes_and_resets_at_local_midnight(clients, demo):
    sa, ops = clients["super_admin"], clients["ops_manager"]
    _set("work_session.daily_pause_limit_minutes", 10)
    _set("work_session.timezone", "Europe/Berlin")
    t0 = datetime.fromisoformat("2026-06-10T20:00:00+00:00")  # 22:00 in Berlin
    clock.set_frozen(t0)
    tid = intake(clients["master"], "DOC-BUDGET").json()["id"]
    post(ops, tid, "manual-metrics")
    tech_id = ids_of(demo, "technician")[1]
    tech = next(c for c in clients.values() if getattr(c, "user_id", None) == tech_id)
    post(ops, tid, "assign", {"technician": tech_id})
    assert post(tech, tid, "start").status_code == 200
    assert post(tech, tid, "work-session/pause").status_code == 200
    # 10 minutes of pause spent: the session is RUNNING again, derived on read
    clock.set_frozen(t0 + timedelta(minutes=15))
    session = sa.get(f"{BASE}/{tid}/").json()["current_session"]
    assert session["state"] == "RUNNING"
    assert session["active_seconds"] == 5 * 60
    # the budget is spent for today: pause is 400 and changes nothing
    assert post(tech, tid, "work-session/pause").status_code == 400
    events = sa.get(f"{BASE}/{tid}/work-session/history/").json()["results"]
    assert [e["event"] for e in events][-1] == "auto_resume"
    # after local midnight (22:00 UTC in summer) the budget is back
    clock.set_frozen(datetime.fromisoformat("2026-06-10T22:00:01+00:00"))
    assert post(tech, tid, "work-session/pause").json()["state"] == "PAUSED"
