"""Concurrency on PostgreSQL: 30 simultaneous creations get 30 distinct, gap-free numbers;
round-robin auto-assignment hands out turns evenly under the same race."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection
from rest_framework.test import APIClient

from tests.conftest import jwt_for

from .conftest import BASE

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (row locks under real concurrency)")


def _race(token: str, bodies: list[dict]) -> list:
    results: list = [None] * len(bodies)
    barrier = threading.Barrier(len(bodies))

    def worker(i: int) -> None:
        try:
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
            barrier.wait(timeout=30)
            r = client.post(f"{BASE}/tickets/", bodies[i], format="json")
            results[i] = (r.status_code, r.json())
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(bodies))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def test_thirty_concurrent_creations_get_distinct_sequential_numbers(agent):
    results = _race(jwt_for(agent), [{"subject": f"race {i}"} for i in range(30)])
    assert all(r is not None and r[0] == 201 for r in results), results
    numbers = sorted(r[1]["ticket_number"] for r in results)
    assert numbers == [f"TKT-{n:06d}" for n in range(1, 31)]


def test_round_robin_is_even_under_concurrency(agent, agent2, categories):
    tech = categories["technical"]
    tech.auto_assign = True
    tech.save()
    tech.agents.set([agent, agent2])
    results = _race(
        jwt_for(agent), [{"subject": f"rr {i}", "category": "technical"} for i in range(20)]
    )
    assert all(r is not None and r[0] == 201 for r in results), results
    assert Counter(r[1]["assigned_to"] for r in results) == {agent.pk: 10, agent2.pk: 10}
