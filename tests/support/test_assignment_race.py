"""Concurrent tickets must not all land on one moderator because each read the same
workload: the assign step locks the candidates before reading workloads (PostgreSQL)."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection

from tessera.core.accounts.services import user_set_skills
from tessera.core.tickets.models import TicketAssignment
from tessera.core.triage import services
from tessera.core.triage.models import STEP_NAMES

SKILLS = {"Databases": 5, "PostgreSQL": 4}


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_assignments_spread_over_moderators(desk, settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks and real concurrent transactions")
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    user_set_skills(user=desk.mod, skills=SKILLS)
    user_set_skills(user=desk.mod2, skills=SKILLS)
    tickets = [
        services.support_ticket_create(
            actor=desk.user,
            title=f"Database connections refused {i}",
            description="PostgreSQL says too many clients already; the database refuses us.",
        )
        for i in range(6)
    ]
    for ticket in tickets:
        for name in STEP_NAMES[:3]:
            assert services.triage_step_run(ticket_id=ticket.pk, name=name) == "succeeded"
    barrier = threading.Barrier(len(tickets))
    outcomes: list[str] = []

    def assign(ticket_id: int) -> None:
        try:
            barrier.wait()
            outcomes.append(services.triage_step_run(ticket_id=ticket_id, name="assign-moderator"))
        finally:
            connection.close()

    threads = [threading.Thread(target=assign, args=(t.pk,)) for t in tickets]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes == ["succeeded"] * len(tickets)
    per_moderator = Counter(TicketAssignment.objects.values_list("user_id", flat=True))
    assert per_moderator == {desk.mod.pk: 3, desk.mod2.pk: 3}
