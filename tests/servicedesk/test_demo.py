"""The service-desk demo loads twice without duplicating anything and tells a full story."""

from __future__ import annotations

import pytest

from tessera.core.accounts.models import User
from tessera.core.demo.builder import DemoBuilder
from tessera.surfaces.servicedesk import demo as sd_demo

from .conftest import BASE

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent_and_visible_to_its_agents(api):
    sd_demo.load(DemoBuilder())
    sd_demo.load(DemoBuilder())
    agent = User.objects.get(username="sd_agent1")
    c = api(agent)
    body = c.get(f"{BASE}/tickets/").json()
    assert body["count"] == len(sd_demo.TICKETS)
    stats = c.get(f"{BASE}/tickets/statistics/").json()
    assert stats["by_status"]["closed"] == 1 and stats["by_status"]["resolved"] == 1
    assert stats["overdue_count"] >= 1 and stats["avg_resolution_time_hours"] is not None
    assert c.get(f"{BASE}/customers/").json()["count"] == 3
    assert c.get(f"{BASE}/comments/?is_internal=true").json()["count"] >= 1
