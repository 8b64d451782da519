"""Gap-free, unique ticket numbers under concurrent creation (PostgreSQL row locks)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from tessera.core.projects.services import project_create
from tessera.core.tickets.models import Ticket
from tessera.core.tickets.services import ticket_create

pytestmark = pytest.mark.postgres_only


@pytest.mark.django_db(transaction=True)
def test_thirty_concurrent_creations_get_distinct_gap_free_numbers(make_user):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, there is no race to show")
    owner = make_user()
    project = project_create(actor=owner, template="servicedesk", key="RACE", name="Race")
    barrier = threading.Barrier(30)
    errors: list[BaseException] = []

    def create(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            ticket_create(actor=owner, project=project, title=f"Ticket {i}", description="x")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=create, args=(i,)) for i in range(30)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    numbers = sorted(Ticket.objects.filter(project=project).values_list("number", flat=True))
    assert numbers == list(range(1, 31))
