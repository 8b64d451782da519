"""Gap-free, unique ticket numbers under concurrent creation (PostgreSQL row locks)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from tessera.core.projects.services import project_create
from tessera.core.tickets.models import Ticket
from tessera.core.tickets.services import ticket_create

pytestmark = pytest.mark.postgres_only


def _race(works: list[tuple[Callable[[], object], float]]) -> list[BaseException]:
    """Run each ``work`` in its own thread and transaction, all released at once (each
    after its ``delay``), holding their locks a moment before committing; the errors."""
    import time

    from django.db import transaction

    barrier = threading.Barrier(len(works))
    errors: list[BaseException] = []

    def run(work, delay: float) -> None:
        try:
            barrier.wait(timeout=30)
            time.sleep(delay)
            with transaction.atomic():
                work()
                time.sleep(0.05)  # hold the locks while the other side arrives
        except BaseException as exc:  # noqa: BLE001 - reported to the caller
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=w) for w in works]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


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


@pytest.mark.django_db(transaction=True)
def test_racing_creates_and_opposite_state_moves_keep_the_counts_exact(make_user):
    """Creates queue on the group's count row; two updates moving tickets in opposite
    directions between the same two groups touch the rows in key order (no deadlock)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, there is no race to show")
    from django.db import transaction

    from tessera.core.projects.models import WorkflowState
    from tessera.core.tickets.counts import ticket_count

    owner = make_user(is_superuser=True)
    project = project_create(actor=owner, template="servicedesk", key="CRACE", name="Race")
    a, b = WorkflowState.objects.filter(project=project).order_by("id")[:2]
    for i in range(20):
        ticket_create(actor=owner, project=project, title=f"T{i}", state=a if i % 2 else b)
    in_a = list(Ticket.objects.filter(project=project, state=a).values_list("pk", flat=True))
    in_b = list(Ticket.objects.filter(project=project, state=b).values_list("pk", flat=True))
    barrier = threading.Barrier(24)
    errors: list[BaseException] = []

    def move(pk: int, target) -> None:
        try:
            barrier.wait(timeout=30)
            with transaction.atomic():
                Ticket.objects.filter(pk=pk).update(state=target)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    def create(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            ticket_create(actor=owner, project=project, title=f"New {i}", state=a)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=move, args=(pk, b)) for pk in in_a[:10]]
    threads += [threading.Thread(target=move, args=(pk, a)) for pk in in_b[:10]]
    threads += [threading.Thread(target=create, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    for state in (a, b):
        qs = Ticket.objects.filter(project=project, state=state)
        assert ticket_count(qs) == qs.count()
    assert ticket_count(Ticket.objects.filter(project=project)) == 24


@pytest.mark.django_db(transaction=True)
def test_assignments_racing_state_changes_keep_the_assignee_counts_exact(make_user):
    """An assignment made while another transaction moves its ticket to another state is
    counted under the state the ticket ends in; tickets sharing assignees moved at once
    touch the per-assignee rows in key order (no deadlock)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, there is no race to show")

    from tessera.core.projects.models import WorkflowState
    from tessera.core.tickets.models import TicketAssigneeCount, TicketAssignment

    owner = make_user(is_superuser=True)
    helpers = [make_user() for _ in range(3)]
    project = project_create(actor=owner, template="servicedesk", key="ARACE", name="Race")
    a, b = WorkflowState.objects.filter(project=project).order_by("id")[:2]
    tickets = [
        ticket_create(actor=owner, project=project, title=f"T{i}", state=a) for i in range(8)
    ]
    for t in tickets[4:]:
        for user in helpers[:2]:
            TicketAssignment.objects.create(ticket=t, user=user)

    def assign(t):
        return lambda: TicketAssignment.objects.create(ticket=t, user=helpers[2])

    def move(t, state):
        return lambda: Ticket.objects.filter(pk=t.pk).update(state=state)

    works = [assign(t) for t in tickets[:4]] + [move(t, b) for t in tickets[:4]]
    works += [move(t, b if i % 2 else a) for i, t in enumerate(tickets[4:])]
    # the shared-assignee tickets move in opposite directions
    Ticket.objects.filter(pk__in=[t.pk for t in tickets[4::2]]).update(state=b)
    errors = _race([(w, 0.0) for w in works])
    assert not errors, errors
    expected: dict[tuple, int] = {}
    for row in TicketAssignment.objects.select_related("ticket"):
        key = (row.ticket.project_id, row.user_id, row.ticket.state_id)
        expected[key] = expected.get(key, 0) + 1
    kept = {
        (p, u, s): n
        for p, u, s, n in TicketAssigneeCount.objects.values_list(
            "project_id", "user_id", "state_id", "n"
        )
        if n
    }
    assert kept == expected
    assert kept[(project.pk, helpers[2].pk, b.pk)] == 4


@pytest.mark.django_db(transaction=True)
def test_comments_racing_state_changes_keep_the_group_comment_counts_exact(make_user):
    """A comment added while another transaction moves its ticket to another group counts
    in the group the ticket ends in, whichever commits first; comments on tickets of one
    group queue on its row and all count."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, there is no race to show")

    from tessera.core.projects.models import WorkflowState
    from tessera.core.tickets.models import Comment, TicketCount

    owner = make_user(is_superuser=True)
    project = project_create(actor=owner, template="servicedesk", key="CRACE", name="Race")
    a, b = WorkflowState.objects.filter(project=project).order_by("id")[:2]
    tickets = [
        ticket_create(actor=owner, project=project, title=f"T{i}", state=a) for i in range(8)
    ]

    def comment(t, internal: bool):
        return lambda: Comment.objects.create(ticket=t, body="race", is_internal=internal)

    def move(t):
        return lambda: Ticket.objects.filter(pk=t.pk).update(state=b, priority=4)

    works = [(comment(t, i % 2 == 1), 0.0) for i, t in enumerate(tickets[:4])]
    works += [(move(t), 0.02 * (i % 2)) for i, t in enumerate(tickets[:4])]
    works += [(comment(t, False), 0.0) for t in tickets[4:]]
    errors = _race(works)  # half the moves before the comments, half after
    assert not errors, errors
    expected: dict[tuple, tuple[int, int]] = {}
    for c in Comment.objects.select_related("ticket"):
        key = (c.ticket.state_id, c.ticket.priority)
        public, internal = expected.get(key, (0, 0))
        expected[key] = (public + (not c.is_internal), internal + c.is_internal)
    kept: dict[tuple, tuple[int, int]] = {}
    for row in TicketCount.objects.filter(project_id=project.pk):
        key = (row.state_id, row.priority)
        public, internal = kept.get(key, (0, 0))
        kept[key] = (public + row.comment_n, internal + row.internal_comment_n)
    assert {k: v for k, v in kept.items() if any(v)} == expected
    assert expected[(b.pk, 4)] == (2, 2)


@pytest.mark.django_db(transaction=True)
def test_a_move_and_an_assignment_lock_group_rows_before_assignee_rows(make_user):
    """A state change of a ticket assigned to a user, racing an assignment of another
    ticket to that user: both lock the group rows first, then the user's per-assignee
    rows (the per-assignee move trigger fires after the group trigger), so neither
    deadlocks, round after round."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, there is no race to show")
    from django.db import transaction

    from tessera.core.projects.models import WorkflowState
    from tessera.core.tickets.models import TicketAssignment

    owner, user = make_user(is_superuser=True), make_user()
    project = project_create(actor=owner, template="servicedesk", key="LRACE", name="Race")
    a, b = WorkflowState.objects.filter(project=project).order_by("id")[:2]
    moved = ticket_create(actor=owner, project=project, title="moved", state=a)
    assigned = ticket_create(actor=owner, project=project, title="assigned", state=a)
    TicketAssignment.objects.create(ticket=moved, user=user)
    errors: list[BaseException] = []

    def run(barrier, work) -> None:
        try:
            with transaction.atomic():
                barrier.wait(timeout=30)
                work()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    for round_ in range(30):
        state = b if round_ % 2 == 0 else a
        barrier = threading.Barrier(2)
        if round_ % 2 == 0:
            assign = lambda: TicketAssignment.objects.create(ticket=assigned, user=user)  # noqa: E731
        else:
            assign = lambda: TicketAssignment.objects.filter(ticket=assigned).delete()  # noqa: E731
        threads = [
            threading.Thread(
                target=run,
                args=(barrier, lambda s=state: Ticket.objects.filter(pk=moved.pk).update(state=s)),
            ),
            threading.Thread(target=run, args=(barrier, assign)),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert not errors, errors
