"""Work sessions with a controllable clock: active seconds from events, the daily pause
budget, auto-resume (derived on read and written by the periodic task), the reset at local
midnight and DST."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tessera.core.common.runtime_settings import set_setting
from tessera.core.common.scheduler import PERIODIC
from tessera.core.workshop.models import WorkSessionEvent

from .conftest import T0

pytestmark = pytest.mark.django_db


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def session_action(shop, tid, action, who="tech", status=200):
    r = shop.post(who, f"/api/v1/tickets/{tid}/work-session/{action}/")
    assert r.status_code == status, (action, r.content)
    return r.json()


def current(shop, tid) -> dict:
    return shop.ticket(tid)["current_session"]


def history(shop, tid) -> list[tuple[str, str]]:
    body = shop.get("admin", f"/api/v1/tickets/{tid}/work-session/history/").json()
    return [(e["event"], e["at"]) for e in body["results"]]


def test_active_seconds_are_derived_from_events(shop, frozen):
    tid = shop.to_in_progress()
    frozen(at(10))
    s = session_action(shop, tid, "pause")
    assert s["state"] == "PAUSED" and s["active_seconds"] == 600
    assert s["auto_resume_at"] == "2026-03-02T08:40:00Z"  # 30-minute default budget
    frozen(at(15))
    assert current(shop, tid)["active_seconds"] == 600  # paused time does not count
    s = session_action(shop, tid, "resume")
    assert s["state"] == "RUNNING" and s["auto_resume_at"] is None
    frozen(at(25))
    s = session_action(shop, tid, "stop")
    assert s["state"] == "STOPPED" and s["active_seconds"] == 1200
    assert s["stopped_at"] == "2026-03-02T08:25:00Z"
    frozen(at(90))
    assert current(shop, tid)["active_seconds"] == 1200
    assert history(shop, tid) == [
        ("start", "2026-03-02T08:00:00Z"),
        ("pause", "2026-03-02T08:10:00Z"),
        ("resume", "2026-03-02T08:15:00Z"),
        ("stop", "2026-03-02T08:25:00Z"),
    ]


def test_history_shape_and_pagination(shop, frozen):
    tid = shop.to_in_progress()
    for i, action in enumerate(["pause", "resume", "pause", "resume", "stop"], start=1):
        frozen(at(i))
        session_action(shop, tid, action)
    body = shop.get("admin", f"/api/v1/tickets/{tid}/work-session/history/", page_size=4).json()
    assert body["count"] == 6 and len(body["results"]) == 4 and body["next"]
    assert set(body["results"][0]) == {"id", "session_id", "event", "at", "actor"}
    assert body["results"][0]["actor"]["id"] == shop.tech.pk
    page2 = shop.get(
        "admin", f"/api/v1/tickets/{tid}/work-session/history/", page_size=4, page=2
    ).json()
    assert [e["event"] for e in page2["results"]] == ["resume", "stop"]


def test_super_admin_runs_the_technicians_session(shop, frozen):
    tid = shop.to_in_progress()
    frozen(at(5))
    s = session_action(shop, tid, "pause", who="admin")
    assert s["technician_id"] == shop.tech.pk
    events = shop.get("admin", f"/api/v1/tickets/{tid}/work-session/history/").json()["results"]
    assert events[-1]["actor"]["id"] == shop.admin.pk


def test_pause_fails_once_the_budget_is_spent(shop, frozen):
    tid = shop.to_in_progress()
    frozen(at(10))
    session_action(shop, tid, "pause")
    frozen(at(20))
    session_action(shop, tid, "resume")  # 10 minutes used
    frozen(at(30))
    s = session_action(shop, tid, "pause")
    assert s["auto_resume_at"] == "2026-03-02T08:50:00Z"  # 20 minutes left
    frozen(at(45))
    session_action(shop, tid, "resume")  # 25 minutes used
    frozen(at(50))
    s = session_action(shop, tid, "pause")
    assert s["auto_resume_at"] == "2026-03-02T08:55:00Z"
    frozen(at(60))  # auto-resumed at 08:55: 30 minutes used, the budget is spent
    before = history(shop, tid)
    r = shop.post("tech", f"/api/v1/tickets/{tid}/work-session/pause/")
    assert r.status_code == 400
    assert "budget" in r.json()["detail"]
    assert current(shop, tid)["state"] == "RUNNING"
    assert history(shop, tid) == before
    assert before[-1] == ("auto_resume", "2026-03-02T08:55:00Z")


def test_budget_is_per_technician_across_tickets(shop, frozen):
    first = shop.to_in_progress()
    frozen(at(1))
    session_action(shop, first, "pause")
    frozen(at(31))  # 30 minutes on the first ticket
    session_action(shop, first, "stop")
    shop.act("tech", first, "to-waiting-qc")
    second = shop.to_in_progress()
    frozen(at(40))
    assert shop.post("tech", f"/api/v1/tickets/{second}/work-session/pause/").status_code == 400
    # the other technician has a whole budget
    third = shop.to_in_progress(tech="tech2")
    session_action(shop, third, "pause", who="tech2")


def test_auto_resume_is_derived_when_read(shop, frozen):
    tid = shop.to_in_progress()
    frozen(at(60))
    session_action(shop, tid, "pause")
    frozen(at(100))  # budget (30 min) ran out at 09:30
    s = current(shop, tid)
    assert s["state"] == "RUNNING"
    assert s["active_seconds"] == 60 * 60 + 10 * 60
    assert s["auto_resume_at"] is None
    # nothing was written by reading
    assert not WorkSessionEvent.objects.filter(kind="auto_resume").exists()
    # a resume now is an invalid session action: the session is running
    assert shop.post("tech", f"/api/v1/tickets/{tid}/work-session/resume/").status_code == 400
    assert history(shop, tid)[-1] == ("auto_resume", "2026-03-02T09:30:00Z")


def test_auto_resume_before_the_moment_stays_paused(shop, frozen):
    tid = shop.to_in_progress()
    frozen(at(60))
    session_action(shop, tid, "pause")
    frozen(at(89))
    s = current(shop, tid)
    assert s["state"] == "PAUSED" and s["active_seconds"] == 3600
    assert s["auto_resume_at"] == "2026-03-02T09:30:00Z"


def test_periodic_task_writes_the_auto_resume_once(shop, frozen):
    from tessera.core.workshop.tasks import auto_resume_paused_sessions

    assert PERIODIC["workshop.auto_resume_paused_sessions"].task is auto_resume_paused_sessions
    tid = shop.to_in_progress()
    other = shop.to_in_progress(tech="tech2")
    frozen(at(60))
    session_action(shop, tid, "pause")
    frozen(at(80))
    session_action(shop, other, "pause", who="tech2")
    frozen(at(95))  # first is due (09:30), second not (09:50)
    auto_resume_paused_sessions.enqueue()
    auto_resume_paused_sessions.enqueue()
    rows = list(WorkSessionEvent.objects.filter(kind="auto_resume").values_list("ticket_id", "at"))
    assert rows == [(tid, at(90))]
    assert current(shop, tid)["state"] == "RUNNING"
    assert current(shop, other)["state"] == "PAUSED"
    # stopping a derived-running session counts the auto-resumed time
    frozen(at(120))
    s = session_action(shop, other, "stop", who="tech2")
    assert s["active_seconds"] == 80 * 60 + 10 * 60  # auto-resumed at 09:50
    assert [e for e, _ in history(shop, other)] == ["start", "pause", "auto_resume", "stop"]


def test_stop_after_auto_resume_moment_counts_running_time(shop, frozen):
    tid = shop.to_in_progress()
    frozen(at(10))
    session_action(shop, tid, "pause")
    frozen(at(60))  # auto-resumed at 08:40
    s = session_action(shop, tid, "stop")
    assert s["active_seconds"] == 10 * 60 + 20 * 60
    assert history(shop, tid)[-2:] == [
        ("auto_resume", "2026-03-02T08:40:00Z"),
        ("stop", "2026-03-02T09:00:00Z"),
    ]


def test_budget_resets_at_local_midnight(shop, frozen):
    set_setting("work_session.timezone", "Europe/Berlin")
    # 2026-03-02 22:00 Berlin = 21:00 UTC
    frozen(utc("2026-03-02T21:00:00Z"))
    tid = shop.to_in_progress()
    session_action(shop, tid, "pause")
    frozen(utc("2026-03-02T21:30:00Z"))
    assert current(shop, tid)["state"] == "RUNNING"  # spent: auto-resumed at 22:30 local
    frozen(utc("2026-03-02T22:59:00Z"))  # 23:59 Berlin, same local day (UTC also same day)
    assert shop.post("tech", f"/api/v1/tickets/{tid}/work-session/pause/").status_code == 400
    frozen(utc("2026-03-02T23:00:01Z"))  # 00:00:01 Berlin: a new local day, still 2 March UTC
    s = session_action(shop, tid, "pause")
    assert s["auto_resume_at"] == "2026-03-02T23:30:01Z"


def test_pause_across_midnight_gets_the_new_days_budget(shop, frozen):
    # UTC zone (default): pause at 23:50 with nothing used; 10 minutes spend the old day's
    # budget until midnight, then the new day's 30 minutes run: resumed at 00:30.
    frozen(utc("2026-03-02T23:50:00Z"))
    tid = shop.to_in_progress()
    s = session_action(shop, tid, "pause")
    assert s["auto_resume_at"] == "2026-03-03T00:30:00Z"
    frozen(utc("2026-03-03T00:29:59Z"))
    assert current(shop, tid)["state"] == "PAUSED"
    frozen(utc("2026-03-03T00:31:00Z"))
    assert current(shop, tid)["state"] == "RUNNING"


def test_pause_limit_setting_is_read_at_runtime(shop, frozen):
    set_setting("work_session.daily_pause_limit_minutes", 5)
    tid = shop.to_in_progress()
    s = session_action(shop, tid, "pause")
    assert s["auto_resume_at"] == "2026-03-02T08:05:00Z"
    session_action(shop, tid, "resume")
    set_setting("work_session.daily_pause_limit_minutes", 0)
    assert shop.post("tech", f"/api/v1/tickets/{tid}/work-session/pause/").status_code == 400


def test_bad_runtime_settings_fall_back_to_defaults(shop, frozen):
    set_setting("work_session.timezone", "Mars/Olympus")
    set_setting("work_session.daily_pause_limit_minutes", "lots")
    tid = shop.to_in_progress()
    s = session_action(shop, tid, "pause")
    assert s["auto_resume_at"] == "2026-03-02T08:30:00Z"


def test_dst_spring_forward_uses_local_days(shop, frozen):
    """Berlin, 29 March 2026: clocks jump 02:00 → 03:00, the local day lasts 23 hours."""
    set_setting("work_session.timezone", "Europe/Berlin")
    frozen(utc("2026-03-28T23:30:00Z"))  # 00:30 CET on the 29th
    tid = shop.to_in_progress()
    session_action(shop, tid, "pause")
    frozen(utc("2026-03-28T23:50:00Z"))
    session_action(shop, tid, "resume")  # 20 minutes
    frozen(utc("2026-03-29T02:00:00Z"))  # 04:00 CEST, after the jump
    s = session_action(shop, tid, "pause")
    assert s["auto_resume_at"] == "2026-03-29T02:10:00Z"  # 10 minutes left: spent at 04:10
    frozen(utc("2026-03-29T21:59:00Z"))  # 23:59 CEST on the 29th
    assert shop.post("tech", f"/api/v1/tickets/{tid}/work-session/pause/").status_code == 400
    frozen(utc("2026-03-29T22:00:01Z"))  # 00:00:01 CEST on the 30th (UTC is still the 29th)
    session_action(shop, tid, "pause")


def test_dst_fall_back_counts_real_seconds(shop, frozen):
    """Berlin, 25 October 2026: 03:00 CEST → 02:00 CET; a pause across the repeated hour
    is resumed after 30 real minutes."""
    set_setting("work_session.timezone", "Europe/Berlin")
    frozen(utc("2026-10-25T00:50:00Z"))  # 02:50 CEST
    tid = shop.to_in_progress()
    s = session_action(shop, tid, "pause")
    assert s["auto_resume_at"] == "2026-10-25T01:20:00Z"  # 02:20 CET, the second 02:20
    frozen(utc("2026-10-25T01:25:00Z"))
    assert current(shop, tid)["state"] == "RUNNING"
    assert current(shop, tid)["active_seconds"] == 5 * 60


def test_list_derives_the_auto_resume_too(shop, frozen):
    tid = shop.to_in_progress()
    frozen(at(10))
    session_action(shop, tid, "pause")
    frozen(at(39))
    rows = shop.get("qc", "/api/v1/tickets/").json()["results"]
    assert rows[0]["current_session"]["state"] == "PAUSED"
    frozen(at(41))
    rows = shop.get("qc", "/api/v1/tickets/").json()["results"]
    assert rows[0]["current_session"]["state"] == "RUNNING"
    assert rows[0]["current_session"]["active_seconds"] == 11 * 60


def test_session_events_and_xp_are_append_only(shop, frozen):
    from tessera.core.workshop.models import AppendOnlyError, XpTransaction

    tid = shop.to_waiting_qc()
    shop.act("qc", tid, "qc-pass")
    event = WorkSessionEvent.objects.first()
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        WorkSessionEvent.objects.filter(ticket_id=tid).update(kind="pause")
    with pytest.raises(AppendOnlyError):
        XpTransaction.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        XpTransaction.objects.all().update(amount=1000)
    assert XpTransaction.objects.count() == 3
