"""QC outcomes and the XP ledger: base XP, checker status-update XP, first-pass bonus;
the transactions list and the leaderboard."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tessera.core.common.runtime_settings import set_setting

from .conftest import T0

pytestmark = pytest.mark.django_db

PARTS = [{"name": "Screen", "color": "green", "planned_minutes": 30, "xp": 12}]  # 1800 s


def ledger(shop, **params) -> list[tuple]:
    body = shop.get("admin", "/api/v1/xp/transactions/", ordering="at", **params).json()
    return [(t["user"]["id"], t["kind"], t["source"], t["amount"]) for t in body["results"]]


def walk(shop, frozen, minutes_worked: int, tech: str = "tech") -> int:
    frozen(T0)
    tid = shop.to_in_progress(parts=PARTS, tech=tech)
    frozen(T0 + timedelta(minutes=minutes_worked))
    shop.act(tech, tid, "work-session/stop")
    shop.act(tech, tid, "to-waiting-qc")
    return tid


def test_qc_pass_credits_base_checker_and_first_pass_bonus(shop, frozen):
    tid = walk(shop, frozen, 30)  # exactly the planned duration: still first pass
    shop.act("qc", tid, "qc-pass")
    assert ledger(shop) == [
        (shop.tech.pk, "base", "qc_pass", 12),
        (shop.qc.pk, "status_update", "qc_pass", 5),
        (shop.tech.pk, "first_pass_bonus", "qc_pass", 10),
    ]


def test_no_bonus_when_over_the_planned_duration(shop, frozen):
    tid = walk(shop, frozen, 31)
    shop.act("qc", tid, "qc-pass")
    assert [k for _, k, _, _ in ledger(shop)] == ["base", "status_update"]


def test_no_bonus_after_rework_and_fail_credits_the_checker(shop, frozen):
    tid = walk(shop, frozen, 5)
    shop.act("qc", tid, "qc-fail")
    assert ledger(shop) == [(shop.qc.pk, "status_update", "qc_fail", 5)]
    shop.act("tech", tid, "start")
    shop.act("tech", tid, "work-session/stop")
    shop.act("tech", tid, "to-waiting-qc")
    shop.act("admin", tid, "qc-pass")
    assert ledger(shop) == [
        (shop.qc.pk, "status_update", "qc_fail", 5),
        (shop.tech.pk, "base", "qc_pass", 12),
        (shop.admin.pk, "status_update", "qc_pass", 5),
    ]


def test_base_xp_follows_the_manual_override(shop, frozen):
    frozen(T0)
    tid = shop.intake(parts=PARTS)["id"]
    shop.approve(tid, xp_amount=99)
    shop.assign(tid)
    shop.act("tech", tid, "start")
    shop.act("tech", tid, "work-session/stop")
    shop.act("tech", tid, "to-waiting-qc")
    shop.act("qc", tid, "qc-pass")
    assert (shop.tech.pk, "base", "qc_pass", 99) in ledger(shop)


def test_amounts_come_from_runtime_settings(shop, frozen):
    set_setting("xp.checker_status_update", 7)
    set_setting("xp.first_pass_bonus", 0)  # zero amounts are not written
    tid = walk(shop, frozen, 1)
    shop.act("qc", tid, "qc-pass")
    assert ledger(shop) == [
        (shop.tech.pk, "base", "qc_pass", 12),
        (shop.qc.pk, "status_update", "qc_pass", 7),
    ]


def test_second_qc_pass_is_400_and_credits_nothing(shop, frozen):
    tid = walk(shop, frozen, 1)
    shop.act("qc", tid, "qc-pass")
    r = shop.post("admin", f"/api/v1/tickets/{tid}/qc-pass/")
    assert r.status_code == 400
    assert len(ledger(shop)) == 3


def test_refused_qc_credits_nothing(shop, frozen):
    tid = walk(shop, frozen, 1)
    for who in ("tech", "master", "ops"):
        assert shop.post(who, f"/api/v1/tickets/{tid}/qc-pass/").status_code == 403
        assert shop.post(who, f"/api/v1/tickets/{tid}/qc-fail/").status_code == 403
    assert ledger(shop) == []
    assert shop.ticket(tid)["state"] == "WAITING_QC"


def test_transactions_list_filters_and_shape(shop, frozen):
    a = walk(shop, frozen, 1, tech="tech")
    shop.act("qc", a, "qc-pass")
    b = walk(shop, frozen, 1, tech="tech2")
    shop.act("qc", b, "qc-fail")
    body = shop.get("master", "/api/v1/xp/transactions/").json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 4
    assert set(body["results"][0]) == {
        "id",
        "user",
        "ticket_id",
        "ticket_number",
        "kind",
        "source",
        "amount",
        "at",
    }
    ids = [t["id"] for t in body["results"]]
    assert ids == sorted(ids, reverse=True)  # newest first by default
    assert len(ledger(shop, user=shop.tech.pk)) == 2
    assert ledger(shop, user=shop.tech2.pk) == []
    assert len(ledger(shop, user=shop.qc.pk)) == 2
    assert ledger(shop, ticket=b) == [(shop.qc.pk, "status_update", "qc_fail", 5)]
    assert len(ledger(shop, kind="status_update")) == 2
    for bad in ({"user": "x"}, {"ticket": "-1"}, {"kind": "gift"}, {"ordering": "user"}):
        r = shop.get("admin", "/api/v1/xp/transactions/", **bad)
        assert r.status_code == 400 and set(r.json()) == set(bad)


def test_leaderboard(shop, frozen):
    a = walk(shop, frozen, 1, tech="tech")
    shop.act("qc", a, "qc-pass")  # tech 12+10, qc 5
    b = walk(shop, frozen, 60, tech="tech2")
    shop.act("admin", b, "qc-pass")  # tech2 12, admin 5
    body = shop.get("tech", "/api/v1/xp/leaderboard/").json()
    assert body["count"] == 4
    rows = [(r["rank"], r["user"]["id"], r["total_xp"], r["transactions"]) for r in body["results"]]
    first_five = sorted([shop.qc.pk, shop.admin.pk])
    assert rows == [
        (1, shop.tech.pk, 22, 2),
        (2, shop.tech2.pk, 12, 1),
        (3, first_five[0], 5, 1),
        (4, first_five[1], 5, 1),
    ]
    page2 = shop.get("tech", "/api/v1/xp/leaderboard/", page_size=3, page=2).json()
    assert [r["rank"] for r in page2["results"]] == [4]
    later = shop.get("tech", "/api/v1/xp/leaderboard/", since="2030-01-01T00:00:00Z").json()
    assert later["count"] == 0
    assert shop.get("tech", "/api/v1/xp/leaderboard/", since="yesterday").status_code == 400
