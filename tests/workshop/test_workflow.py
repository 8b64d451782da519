"""The workflow: review, assign, start, QC, rework; invalid moves are 400 and change nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from .conftest import T0
from .test_access import snapshot

pytestmark = pytest.mark.django_db


def states(shop, tid) -> list[tuple]:
    body = shop.get("admin", f"/api/v1/tickets/{tid}/transitions/").json()
    return [(t["from_state"], t["to_state"]) for t in body["results"]]


def test_full_walk(shop, frozen):
    t = shop.intake("SN-W")
    tid = t["id"]
    frozen(T0 + timedelta(minutes=5))
    r = shop.approve(tid, flag_color="yellow", xp_amount=40)
    assert r["flag_color"] == "yellow" and r["xp_amount"] == 40
    assert r["approved_by"]["id"] == shop.ops.pk
    assert r["approved_at"] == "2026-03-02T08:05:00Z"
    r = shop.assign(tid)
    assert r["state"] == "ASSIGNED"
    assert r["technician"]["id"] == shop.tech.pk
    frozen(T0 + timedelta(minutes=10))
    r = shop.act("tech", tid, "start")
    assert r["state"] == "IN_PROGRESS"
    session = r["current_session"]
    assert session["state"] == "RUNNING" and session["technician_id"] == shop.tech.pk
    assert session["started_at"] == "2026-03-02T08:10:00Z"
    frozen(T0 + timedelta(minutes=30))
    assert shop.ticket(tid)["current_session"]["active_seconds"] == 20 * 60
    shop.act("tech", tid, "work-session/stop")
    r = shop.act("tech", tid, "to-waiting-qc")
    assert r["state"] == "WAITING_QC"
    r = shop.act("qc", tid, "qc-pass")
    assert r["state"] == "DONE"
    assert r["done_at"] == "2026-03-02T08:30:00Z"
    assert r["inventory_item"]["state"] == "ready"
    assert states(shop, tid) == [
        (None, "NEW"),
        ("NEW", "ASSIGNED"),
        ("ASSIGNED", "IN_PROGRESS"),
        ("IN_PROGRESS", "WAITING_QC"),
        ("WAITING_QC", "DONE"),
    ]


def test_rework_loop_starts_a_new_session(shop, frozen):
    tid = shop.to_waiting_qc()
    r = shop.act("qc", tid, "qc-fail")
    assert r["state"] == "REWORK"
    assert r["inventory_item"]["state"] == "in_service"
    r = shop.act("tech", tid, "start")
    assert r["state"] == "IN_PROGRESS"
    assert r["current_session"]["state"] == "RUNNING"
    history = shop.get("admin", f"/api/v1/tickets/{tid}/work-session/history/").json()
    assert [e["event"] for e in history["results"]] == ["start", "stop", "start"]
    assert len({e["session_id"] for e in history["results"]}) == 2
    assert states(shop, tid)[-2:] == [("WAITING_QC", "REWORK"), ("REWORK", "IN_PROGRESS")]


def test_assign_before_approval_is_400(shop):
    tid = shop.intake()["id"]
    before = snapshot(shop, tid)
    r = shop.post("ops", f"/api/v1/tickets/{tid}/assign/", {"technician_id": shop.tech.pk})
    assert r.status_code == 400
    assert "review" in r.json()["detail"]
    assert snapshot(shop, tid) == before


@pytest.mark.parametrize("who", ["qc", "master", "outsider"])
def test_assign_only_to_a_technician(shop, who):
    tid = shop.intake()["id"]
    shop.approve(tid)
    before = snapshot(shop, tid)
    r = shop.post("ops", f"/api/v1/tickets/{tid}/assign/", {"technician_id": shop.users[who].pk})
    assert r.status_code == 400 and "technician_id" in r.json()
    for body in ({}, {"technician_id": "x"}, {"technician_id": 99999}):
        r = shop.post("ops", f"/api/v1/tickets/{tid}/assign/", body)
        assert r.status_code == 400 and "technician_id" in r.json()
    assert snapshot(shop, tid) == before


def test_reassign_while_assigned(shop):
    tid = shop.intake()["id"]
    shop.approve(tid)
    shop.assign(tid, "tech")
    r = shop.assign(tid, "tech2")
    assert r["technician"]["id"] == shop.tech2.pk and r["state"] == "ASSIGNED"
    assert states(shop, tid) == [(None, "NEW"), ("NEW", "ASSIGNED")]
    assert shop.post("tech", f"/api/v1/tickets/{tid}/start/").status_code == 403
    shop.act("tech2", tid, "start")


def _new(shop):
    return shop.intake()["id"]


def _assigned(shop):
    tid = shop.intake()["id"]
    shop.approve(tid)
    shop.assign(tid)
    return tid


def _in_progress_running(shop):
    return shop.to_in_progress()


def _in_progress_stopped(shop):
    tid = shop.to_in_progress()
    shop.act("tech", tid, "work-session/stop")
    return tid


def _done(shop):
    tid = shop.to_waiting_qc()
    shop.act("qc", tid, "qc-pass")
    return tid


INVALID = [
    (_new, "admin", "start", {}),
    (_new, "admin", "to-waiting-qc", {}),
    (_new, "admin", "qc-pass", {}),
    (_new, "admin", "qc-fail", {}),
    (_new, "admin", "work-session/pause", {}),
    (_new, "admin", "work-session/stop", {}),
    (_assigned, "admin", "to-waiting-qc", {}),
    (_assigned, "qc", "qc-pass", {}),
    (_assigned, "tech", "work-session/resume", {}),
    (_in_progress_running, "tech", "start", {}),
    (_in_progress_running, "tech", "to-waiting-qc", {}),
    (_in_progress_running, "tech", "work-session/resume", {}),
    (_in_progress_running, "qc", "qc-fail", {}),
    (_in_progress_running, "ops", "assign", "tech"),
    (_in_progress_stopped, "tech", "work-session/stop", {}),
    (_in_progress_stopped, "tech", "work-session/pause", {}),
    (_in_progress_stopped, "tech", "start", {}),
    (_done, "qc", "qc-pass", {}),
    (_done, "qc", "qc-fail", {}),
    (_done, "tech", "start", {}),
    (_done, "ops", "manual-metrics", {"xp_amount": 1}),
    (_done, "ops", "assign", "tech"),
]


@pytest.mark.parametrize("setup, who, action, body", INVALID)
def test_invalid_transitions_and_session_actions_are_400(shop, frozen, setup, who, action, body):
    tid = setup(shop)
    if body == "tech":
        body = {"technician_id": shop.tech.pk}
    before = snapshot(shop, tid)
    r = shop.post(who, f"/api/v1/tickets/{tid}/{action}/", body)
    assert r.status_code == 400, r.content
    assert "detail" in r.json()
    assert snapshot(shop, tid) == before


def test_to_waiting_qc_needs_a_stopped_session(shop):
    tid = shop.to_in_progress()
    shop.act("tech", tid, "work-session/pause")
    r = shop.post("tech", f"/api/v1/tickets/{tid}/to-waiting-qc/")
    assert r.status_code == 400
    assert "Stop the work session" in r.json()["detail"]
    shop.act("tech", tid, "work-session/stop")
    shop.act("tech", tid, "to-waiting-qc")


def test_one_in_progress_ticket_per_technician(shop):
    first = shop.to_in_progress()
    second = _assigned(shop)
    before = snapshot(shop, second)
    r = shop.post("tech", f"/api/v1/tickets/{second}/start/")
    assert r.status_code == 400
    assert str(first) in r.json()["detail"]
    assert snapshot(shop, second) == before
    # stopping the timer is not enough: the first ticket is still IN_PROGRESS
    shop.act("tech", first, "work-session/stop")
    assert shop.post("tech", f"/api/v1/tickets/{second}/start/").status_code == 400
    shop.act("tech", first, "to-waiting-qc")
    shop.act("tech", second, "start")


def test_manual_metrics_validation_and_approval(shop, frozen):
    tid = shop.intake()["id"]
    before = snapshot(shop, tid)
    for body in (
        {"flag_color": "purple"},
        {"flag_color": ""},
        {"xp_amount": -1},
        {"xp_amount": "many"},
        {"xp_amount": 10**9},
    ):
        r = shop.post("ops", f"/api/v1/tickets/{tid}/manual-metrics/", body)
        assert r.status_code == 400, body
        assert set(r.json()) <= {"flag_color", "xp_amount"}
    assert snapshot(shop, tid) == before
    r = shop.approve(tid)  # approval only, metrics unchanged
    assert r["flag_color"] == before[0]["flag_color"] and r["xp_amount"] == before[0]["xp_amount"]
    assert r["approved_by"]["id"] == shop.ops.pk
    r = shop.act("admin", tid, "manual-metrics", {"flag_color": "green"})
    assert r["flag_color"] == "green" and r["approved_by"]["id"] == shop.admin.pk


def test_transitions_are_paginated_oldest_first(shop):
    tid = shop.to_waiting_qc()
    r = shop.get("admin", f"/api/v1/tickets/{tid}/transitions/", page_size=2)
    body = r.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 4 and len(body["results"]) == 2
    assert body["previous"] is None and "page=2" in body["next"]
    assert set(body["results"][0]) == {"id", "from_state", "to_state", "actor", "created_at"}
    page2 = shop.get("admin", f"/api/v1/tickets/{tid}/transitions/", page_size=2, page=2).json()
    ids = [t["id"] for t in body["results"] + page2["results"]]
    assert ids == sorted(ids)
    assert shop.get("admin", f"/api/v1/tickets/{tid}/transitions/", page=99).status_code == 404


def test_detail_carries_relational_context(shop, frozen):
    tid = shop.to_in_progress()
    t = shop.ticket(tid, who="qc")
    assert t["technician"] == {
        "id": shop.tech.pk,
        "username": shop.tech.username,
        "full_name": shop.tech.full_name,
    }
    assert t["approved_by"]["id"] == shop.ops.pk
    assert t["project"]["id"] == shop.project.pk
    assert t["number"] == f"{shop.project.key}-1"
    assert set(t["current_session"]) == {
        "id",
        "ticket_id",
        "technician_id",
        "state",
        "started_at",
        "stopped_at",
        "active_seconds",
        "auto_resume_at",
    }


def test_claims_left_by_a_generic_transition_are_released(shop, make_user):
    """A workshop ticket moved by a plain core transition (e.g. a superuser on the web
    board) must not block its inventory item or its technician for good."""
    from tessera.core.tickets.models import Ticket
    from tessera.core.tickets.services import ticket_transition

    boss = make_user(is_superuser=True)
    tid = shop.to_in_progress(serial="SN-GEN")
    for target in ("WAITING_QC", "DONE"):
        ticket_transition(actor=boss, ticket=Ticket.objects.get(pk=tid), to_state=target)
    other = shop.intake()["id"]
    shop.approve(other)
    shop.assign(other)
    shop.act("tech", other, "start")  # the technician is free again
    r = shop.post(
        "master",
        "/api/v1/tickets/create/",
        {
            "serial_number": "SN-GEN",
            "part_specs": [{"name": "x", "color": "green", "planned_minutes": 1}],
        },
    )
    assert r.status_code == 201, r.content
