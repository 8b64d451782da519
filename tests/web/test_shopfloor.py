"""Shop floor over the workshop core: timer, pause/resume/stop, QC queue, XP leaderboard."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tessera.core.common import clock
from tessera.core.workshop.models import WorkSession

pytestmark = pytest.mark.django_db


def test_technician_runs_a_work_session(shop, browser_client):
    t = shop["ticket"]
    c = browser_client(shop["tech"])
    page = c.get("/shopfloor/").content.decode()
    assert "Replace screen" in page and "Start work on" in page
    assert "Pause budget left today" in page and ">00:30:00<" in page
    start = clock.now()
    with clock.frozen_at(start):
        assert c.post(f"/shopfloor/tickets/{t.pk}/start/").status_code == 302
    with clock.frozen_at(start + timedelta(minutes=10)):
        page = c.get("/shopfloor/").content.decode()
        assert re.search(
            r'id="work-timer"[^>]*data-timer-seconds="600"[^>]*data-timer-running="true"', page
        )
        assert c.post(f"/shopfloor/tickets/{t.pk}/pause/").status_code == 302
    with clock.frozen_at(start + timedelta(minutes=15)):
        page = c.get("/shopfloor/").content.decode()
        assert 'data-timer-running="false"' in page and "Paused" in page
        assert ">00:25:00<" in page  # five minutes of the 30-minute pause budget spent
        assert c.post(f"/shopfloor/tickets/{t.pk}/resume/").status_code == 302
    with clock.frozen_at(start + timedelta(minutes=20)):
        assert c.post(f"/shopfloor/tickets/{t.pk}/stop/").status_code == 302
        session = WorkSession.objects.get(ticket=t)
        assert session.state == "STOPPED" and session.active_seconds_at_stop == 15 * 60
        # stopping twice is refused with a visible message
        r = c.post(f"/shopfloor/tickets/{t.pk}/stop/")
        assert r.status_code == 400 and "no open work session" in r.content.decode()
        assert c.post(f"/shopfloor/tickets/{t.pk}/to-qc/").status_code == 302
    t.refresh_from_db()
    assert t.state.key == "WAITING_QC"


def test_qc_queue_and_leaderboard(shop, browser_client):
    t = shop["ticket"]
    tech = browser_client(shop["tech"])
    for action in ("start", "stop", "to-qc"):
        tech.post(f"/shopfloor/tickets/{t.pk}/{action}/")
    q = browser_client(shop["qc"])
    page = q.get("/shopfloor/").content.decode()
    assert f"Pass QC for {t.display_number}" in page
    assert "My current ticket" not in page  # an inspector is not a technician
    assert q.post(f"/shopfloor/tickets/{t.pk}/qc-pass/").status_code == 302
    t.refresh_from_db()
    assert t.state.key == "DONE"
    board = re.search(r'id="leaderboard".*?</table>', q.get("/shopfloor/").content.decode(), re.S)
    ranking = re.findall(r'<th scope="row">(\w+)</th><td>(\d+)</td>', board.group(0))
    assert ranking == [("tina", "30"), ("quinn", "5")]


def test_refusals_come_from_the_core(shop, browser_client):
    t = shop["ticket"]
    r = browser_client(shop["qc"]).post(f"/shopfloor/tickets/{t.pk}/start/")
    assert r.status_code == 403
    r = browser_client(shop["tech"]).post(f"/shopfloor/tickets/{t.pk}/qc-pass/")
    assert r.status_code == 403
    r = browser_client(shop["tech"]).post(f"/shopfloor/tickets/{t.pk}/pause/")
    assert r.status_code == 400 and 'role="alert"' in r.content.decode()
    assert (
        browser_client(shop["tech"]).post(f"/shopfloor/tickets/{t.pk}/explode/").status_code == 404
    )
    t.refresh_from_db()
    assert t.state.key == "ASSIGNED"


def test_shop_floor_needs_a_workshop_role(desk, browser_client):
    assert browser_client(desk["agent"]).get("/shopfloor/").status_code == 403


def test_queues_show_a_page_and_say_how_many_more_wait(shop, browser_client, monkeypatch):
    """The technician's queue and the QC queue show their first tickets (the QC queue
    oldest first) and how many more wait, instead of every ticket of the workshop."""
    from tessera.core.projects.models import WorkflowState
    from tessera.core.tickets.models import Ticket
    from tessera.core.workshop import services as wss
    from tessera.web.views import shopfloor

    monkeypatch.setattr(shopfloor, "QUEUE_SIZE", 2)
    made = [shop["ticket"]]
    for i in range(3):
        t = wss.workshop_ticket_create(
            actor=shop["admin"],
            project=shop["project"],
            serial_number=f"SN-Q{i}",
            parts=[wss.PartInput(name="Fan", color="green", planned_minutes=10, xp=5)],
            title=f"Queued {i}",
            confirm_create=True,
            create_reason="new device",
        )
        wss.workshop_metrics_override(actor=shop["admin"], ticket=t)
        wss.workshop_ticket_assign(actor=shop["admin"], ticket=t, technician=shop["tech"])
        made.append(t)
    page = browser_client(shop["tech"]).get("/shopfloor/").content.decode()
    assert page.count("Start work on ") == 2
    assert re.search(r'id="queue-more">2 more assigned to you', page)
    waiting = WorkflowState.objects.get(project=shop["project"], key="WAITING_QC")
    Ticket.objects.filter(pk__in=[t.pk for t in made]).update(state=waiting)
    page = browser_client(shop["qc"]).get("/shopfloor/").content.decode()
    passes = re.findall(r"Pass QC for ([A-Z]+-\d+)", page)
    assert passes == [t.display_number for t in made[:2]]  # the oldest first
    assert re.search(r'id="qc-more">2 more waiting for QC', page)
