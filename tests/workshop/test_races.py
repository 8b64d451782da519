"""The invariants under real concurrency (PostgreSQL): parallel requests in threads, each
with its own connection. Run with DATABASE_URL=postgres://… (CI's PostgreSQL pass)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from rest_framework.test import APIClient

from tessera.core.common import clock
from tessera.core.workshop.models import (
    InventoryItem,
    TicketMetrics,
    WorkSession,
    WorkSessionEvent,
    XpTransaction,
)

from ..conftest import jwt_for
from .conftest import PART_GREEN

# ``available_apps`` (all of them) makes the teardown flush TRUNCATE … CASCADE, which tables
# created outside the ORM that reference tickets (full-text search) need on PostgreSQL.
pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True, available_apps=list(settings.INSTALLED_APPS)),
]

N = 6


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (row locks and real concurrency)")


def race(n: int, make_call: Callable[[int], Callable[[], int]]) -> list[int]:
    """Run ``n`` calls at once (after a barrier); return their status codes."""
    barrier = threading.Barrier(n)
    results: list[int] = [0] * n
    calls = [make_call(i) for i in range(n)]

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = calls[i]()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def client(user) -> APIClient:
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION=f"Bearer {jwt_for(user)}")
    return c


def post(user, path: str, body: dict | None = None) -> Callable[[], int]:
    c = client(user)
    return lambda: c.post(path, body or {}, format="json").status_code


def test_one_active_ticket_per_item_unknown_serial(shop):
    body = {
        "serial_number": "SN-RACE",
        "part_specs": [PART_GREEN],
        "confirm_create": True,
        "create_reason": "race",
    }
    codes = race(N, lambda i: post(shop.master, "/api/v1/tickets/create/", body))
    assert sorted(codes) == [201] + [400] * (N - 1)
    assert InventoryItem.objects.filter(serial_number="SN-RACE").count() == 1
    assert TicketMetrics.objects.filter(holds_item=True).count() == 1


def test_one_active_ticket_per_item_known_serial(shop):
    tid = shop.to_waiting_qc(serial="SN-KNOWN")
    shop.act("qc", tid, "qc-pass")
    body = {"serial_number": "SN-KNOWN", "part_specs": [PART_GREEN]}
    codes = race(N, lambda i: post(shop.master, "/api/v1/tickets/create/", body))
    assert sorted(codes) == [201] + [400] * (N - 1)
    assert TicketMetrics.objects.filter(inventory_item__serial_number="SN-KNOWN").count() == 2
    assert TicketMetrics.objects.filter(holds_item=True).count() == 1


def test_one_in_progress_ticket_per_technician(shop):
    tickets = []
    for _ in range(N):
        tid = shop.intake()["id"]
        shop.approve(tid)
        shop.assign(tid)
        tickets.append(tid)
    codes = race(N, lambda i: post(shop.tech, f"/api/v1/tickets/{tickets[i]}/start/"))
    assert sorted(codes) == [200] + [400] * (N - 1)
    assert TicketMetrics.objects.filter(technician=shop.tech, holds_technician=True).count() == 1
    assert WorkSession.objects.count() == 1


def test_one_open_session_per_ticket(shop):
    tid = shop.intake()["id"]
    shop.approve(tid)
    shop.assign(tid)
    users = [shop.tech, shop.admin] * (N // 2)
    codes = race(N, lambda i: post(users[i], f"/api/v1/tickets/{tid}/start/"))
    assert sorted(codes) == [200] + [400] * (N - 1)
    assert WorkSession.objects.filter(ticket_id=tid).count() == 1


def test_xp_credited_once_per_qc_pass(shop):
    tid = shop.to_waiting_qc()
    users = [shop.qc, shop.admin] * (N // 2)
    codes = race(N, lambda i: post(users[i], f"/api/v1/tickets/{tid}/qc-pass/"))
    assert sorted(codes) == [200] + [400] * (N - 1)
    kinds = sorted(XpTransaction.objects.filter(ticket_id=tid).values_list("kind", flat=True))
    assert kinds == ["base", "first_pass_bonus", "status_update"]


def test_pass_and_fail_race(shop):
    tid = shop.to_waiting_qc()
    actions = ["qc-pass", "qc-fail"] * (N // 2)
    codes = race(N, lambda i: post(shop.qc, f"/api/v1/tickets/{tid}/{actions[i]}/"))
    assert sorted(codes) == [200] + [400] * (N - 1)
    assert XpTransaction.objects.filter(ticket_id=tid).count() in (1, 3)


def test_parallel_pauses_write_one_event(shop):
    tid = shop.to_in_progress()
    codes = race(N, lambda i: post(shop.tech, f"/api/v1/tickets/{tid}/work-session/pause/"))
    assert sorted(codes) == [200] + [400] * (N - 1)
    assert WorkSessionEvent.objects.filter(ticket_id=tid, kind="pause").count() == 1


def test_auto_resume_task_races_with_users(shop):
    from tessera.core.workshop.services import work_session_auto_resume_due

    start = clock.now()
    tid = shop.to_in_progress()
    shop.act("tech", tid, "work-session/pause")
    clock.set_frozen(start + timedelta(hours=2))
    try:

        def task() -> int:
            work_session_auto_resume_due()
            return 0

        codes = race(
            N,
            lambda i: (
                task if i % 2 else post(shop.tech, f"/api/v1/tickets/{tid}/work-session/stop/")
            ),
        )
    finally:
        clock.set_frozen(None)
    assert sorted(c for c in codes if c)[0] == 200
    kinds = list(
        WorkSessionEvent.objects.filter(ticket_id=tid)
        .order_by("at", "id")
        .values_list("kind", flat=True)
    )
    assert kinds == ["start", "pause", "auto_resume", "stop"]
