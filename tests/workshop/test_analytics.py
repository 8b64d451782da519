"""GET /api/v1/analytics/technicians/: done tickets, first-pass yield, medians."""

from __future__ import annotations

from datetime import timedelta

import pytest

from .conftest import T0

pytestmark = pytest.mark.django_db

PARTS = [{"name": "Part", "color": "green", "planned_minutes": 30, "xp": 5}]  # 1800 s planned


def done(shop, frozen, tech: str, minutes: int, rework: bool = False, start_at: int = 0) -> int:
    frozen(T0 + timedelta(hours=start_at))
    tid = shop.to_in_progress(parts=PARTS, tech=tech)
    frozen(T0 + timedelta(hours=start_at, minutes=minutes))
    shop.act(tech, tid, "work-session/stop")
    shop.act(tech, tid, "to-waiting-qc")
    if rework:
        shop.act("qc", tid, "qc-fail")
        shop.act(tech, tid, "start")
        shop.act(tech, tid, "work-session/stop")
        shop.act(tech, tid, "to-waiting-qc")
    shop.act("qc", tid, "qc-pass")
    return tid


def test_technician_analytics(shop, frozen):
    done(shop, frozen, "tech", 10, start_at=0)
    done(shop, frozen, "tech", 20, start_at=1)
    done(shop, frozen, "tech", 40, rework=True, start_at=2)
    done(shop, frozen, "tech2", 30, start_at=3)
    done(shop, frozen, "tech2", 50, start_at=4)
    shop.to_in_progress(tech="tech2")  # not done: not counted
    body = shop.get("master", "/api/v1/analytics/technicians/").json()
    assert set(body) == {"count", "next", "previous", "results"}
    rows = {r["technician"]["id"]: r for r in body["results"]}
    assert body["count"] == 2
    t1 = rows[shop.tech.pk]
    assert t1["tickets_done"] == 3
    assert t1["first_pass_count"] == 2
    assert t1["first_pass_yield"] == pytest.approx(2 / 3, abs=1e-4)
    assert t1["tickets_within_plan"] == 2
    assert t1["median_active_seconds"] == 20 * 60
    assert t1["median_planned_seconds"] == 1800
    t2 = rows[shop.tech2.pk]
    assert t2["tickets_done"] == 2
    # first pass = passed QC without rework, whatever the time (the bonus also needs time)
    assert t2["first_pass_count"] == 2 and t2["first_pass_yield"] == 1.0
    assert t2["tickets_within_plan"] == 1
    assert t2["median_active_seconds"] == 40 * 60  # mean of the two middle values
    assert [r["technician"]["id"] for r in body["results"]] == [shop.tech.pk, shop.tech2.pk]


def test_analytics_empty_and_scoped_to_visible_projects(shop, frozen, make_project, member, api):
    assert shop.get("ops", "/api/v1/analytics/technicians/").json()["count"] == 0
    done(shop, frozen, "tech", 10)
    other = make_project("workshop", name="Elsewhere")
    stranger = member(other, "ops_manager")
    assert api(stranger).get("/api/v1/analytics/technicians/").json()["count"] == 0
