"""``manage.py generate``: the synthetic tickets are visible through every surface's API,
including the workshop's, which lists only tickets that came through intake."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.db.models import Count

from tessera.core.projects.models import Project
from tessera.core.tickets.counts import ticket_count
from tessera.core.tickets.models import Ticket, TicketAssigneeCount, TicketAssignment
from tessera.core.workshop.models import InventoryItem, PartSpec, TicketMetrics


@pytest.mark.django_db(transaction=True)
def test_generate_fills_every_template_and_the_workshop_rows(make_user, api):
    call_command(
        "generate", tickets=60, comments_per_ticket=1, batch_size=25, seed=3, no_progress=True
    )
    workshop_tickets = Ticket.objects.filter(project__template="workshop")
    assert Ticket.objects.count() == 60
    # The count triggers were bypassed for speed; the counts were rebuilt after the load.
    assert ticket_count(Ticket.objects.all()) == 60
    for project in Project.objects.all():
        assert ticket_count(Ticket.objects.filter(project=project)) == project.tickets.count()
    # Each ticket's assignee count is its assignments' (the rows carry it when the
    # assignments' triggers are off), and "unassigned" is counted from the groups.
    assignments = Count("assignments")
    counted = Ticket.objects.annotate(a=assignments).values_list("assignee_count", "a")
    assert all(kept == real for kept, real in counted)
    unassigned = Ticket.objects.filter(assignee_count=0)
    assert 0 < ticket_count(unassigned) == unassigned.count() < 60
    # The per-assignee counts (workload dashboards) were rebuilt too.
    per_assignee: dict[tuple, int] = {}
    for a in TicketAssignment.objects.select_related("ticket"):
        key = (a.ticket.project_id, a.user_id, a.ticket.state_id)
        per_assignee[key] = per_assignee.get(key, 0) + 1
    kept = TicketAssigneeCount.objects.filter(n__gt=0)
    assert {(k.project_id, k.user_id, k.state_id): k.n for k in kept} == per_assignee != {}
    assert set(Project.objects.values_list("template", flat=True)) >= {
        "workshop",
        "support",
        "servicedesk",
        "boards",
    }
    n = workshop_tickets.count()
    assert n > 0
    # Intake's rows: one metrics row and one inventory item per ticket, 1–3 part specs.
    assert TicketMetrics.objects.filter(ticket__in=workshop_tickets).count() == n
    assert InventoryItem.objects.filter(serial_number__startswith="GEN-").count() == n
    assert n <= PartSpec.objects.filter(ticket__in=workshop_tickets).count() <= 3 * n
    for metrics in TicketMetrics.objects.filter(ticket__in=workshop_tickets).prefetch_related(
        "ticket__part_specs"
    ):
        parts = list(metrics.ticket.part_specs.all())
        assert metrics.xp_amount == sum(p.xp for p in parts)
        assert metrics.total_duration == 60 * sum(p.planned_minutes for p in parts)

    client = api(make_user(is_superuser=True, is_staff=True))
    response = client.get("/api/v1/tickets/?page_size=100")
    assert response.status_code == 200
    assert response.json()["count"] == n
    detail = client.get(f"/api/v1/tickets/{workshop_tickets.first().pk}/")
    assert detail.status_code == 200
    # A later intake takes the next inventory id: no collision with generated items.
    created = client.post(
        "/api/v1/tickets/create/",
        {
            "serial_number": "AFTER-GENERATE-1",
            "confirm_create": True,
            "create_reason": "new device",
            "project_id": workshop_tickets.first().project_id,
            "part_specs": [{"name": "Fan", "color": "green", "planned_minutes": 5}],
        },
        format="json",
    )
    assert created.status_code == 201, created.content[:300]


@pytest.mark.django_db(transaction=True)
def test_generate_turns_the_per_row_triggers_off_on_postgresql():
    """The per-batch reindex replaces the per-row triggers; a refused ``SET`` (e.g. a bound
    parameter under server-side binding) once left them on silently: 8x slower."""
    from django.db import connection

    from tessera.core.search.generator import _bypass_triggers

    if connection.vendor != "postgresql":
        pytest.skip("session_replication_role is PostgreSQL's")
    try:
        assert _bypass_triggers(True) is True
        with connection.cursor() as cursor:
            cursor.execute("SHOW session_replication_role")
            assert cursor.fetchone()[0] == "replica"
    finally:
        assert _bypass_triggers(False) is True
    with connection.cursor() as cursor:
        cursor.execute("SHOW session_replication_role")
        assert cursor.fetchone()[0] == "origin"


def _gin_options() -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(reloptions, '{}') FROM pg_class WHERE relname = %s",
            ["search_ticketdocument_scope_gin"],
        )
        return list(cursor.fetchone()[0])


@pytest.mark.django_db(transaction=True)
def test_generate_batches_gin_entries_and_leaves_the_index_written_directly():
    """Searches never scan a GIN pending list (docs/decisions.md); generate uses one for its
    batches only, and what it generated is found through the index afterwards."""
    from django.db import connection

    from tessera.core.search import index
    from tessera.core.tickets.selectors import ticket_search

    if connection.vendor != "postgresql":
        pytest.skip("GIN's pending list is PostgreSQL's")
    assert _gin_options() == ["fastupdate=off"]
    try:
        assert index.gin_pending_list(True) is True
        assert _gin_options() == ["fastupdate=on"]
    finally:
        assert index.gin_pending_list(False) is True
    assert _gin_options() == ["fastupdate=off"]
    call_command("generate", tickets=30, batch_size=10, seed=4, no_progress=True)
    assert _gin_options() == ["fastupdate=off"]
    titles = dict(Ticket.objects.values_list("pk", "title"))
    words = {pk: {w.lower() for w in re.findall(r"[^\W_]+", t)} for pk, t in titles.items()}
    word = max(words[max(titles)], key=len)
    having = {pk for pk, ws in words.items() if word in ws}
    assert having
    found = set(ticket_search(Ticket.objects.all(), word).values_list("pk", flat=True))
    assert found >= having


@pytest.mark.django_db(transaction=True)
def test_generate_builds_each_batchs_documents_on_a_second_connection(monkeypatch):
    """On PostgreSQL each committed batch's search documents are built on another
    connection while the next batch is written: every ticket ends with its document."""
    from django.db import connection

    from tessera.core.search import generator

    if connection.vendor != "postgresql":
        pytest.skip("SQLite builds them inside each batch's transaction")
    built: list[tuple[int, int, str]] = []
    reindex = generator.reindex_tickets

    def spy(*, first_id: int, last_id: int) -> None:
        import threading

        built.append((first_id, last_id, threading.current_thread().name))
        reindex(first_id=first_id, last_id=last_id)

    monkeypatch.setattr(generator, "reindex_tickets", spy)
    call_command("generate", tickets=50, batch_size=20, seed=5, no_progress=True)
    assert len(built) == 3
    assert all(name.startswith("generate-index") for *_, name in built)
    ids = sorted(Ticket.objects.values_list("pk", flat=True))
    assert [(first, last) for first, last, _ in built] == [
        (ids[0], ids[19]),
        (ids[20], ids[39]),
        (ids[40], ids[49]),
    ]
    with connection.cursor() as cursor:
        # (the table is not a model: a flush between tests leaves earlier tests' rows)
        cursor.execute(
            "SELECT ticket_id FROM search_ticketdocument WHERE ticket_id >= %s", [ids[0]]
        )
        assert sorted(pk for (pk,) in cursor.fetchall()) == ids
        cursor.execute("SHOW session_replication_role")
        assert cursor.fetchone()[0] == "origin"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("failing_build", "written"), [(2, 60), (5, 100)])
def test_generate_raises_a_failed_document_build_and_restores_the_triggers(
    monkeypatch, failing_build, written
):
    """A failed build is raised at the next batch (the run stops there) or, the last
    batch's, when the run ends; either way the triggers, the GIN index and the counts are
    put back as after a good run."""
    from django.db import connection

    from tessera.core.search import generator

    if connection.vendor != "postgresql":
        pytest.skip("the second connection is PostgreSQL's")
    calls = []

    def failing(*, first_id: int, last_id: int) -> None:
        calls.append(first_id)
        if len(calls) == failing_build:
            raise RuntimeError("index build failed")

    monkeypatch.setattr(generator, "reindex_tickets", failing)
    with pytest.raises(RuntimeError, match="index build failed"):
        call_command("generate", tickets=100, batch_size=20, seed=6, no_progress=True)
    assert len(calls) == failing_build
    assert Ticket.objects.count() == written
    with connection.cursor() as cursor:
        cursor.execute("SHOW session_replication_role")
        assert cursor.fetchone()[0] == "origin"
    assert _gin_options() == ["fastupdate=off"]
    assert ticket_count(Ticket.objects.all()) == written  # the counts were rebuilt
