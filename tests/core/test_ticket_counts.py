"""The per-(project, state, priority) counts kept by triggers answer exactly what
``COUNT(*)`` would, through every kind of write, and ``ticket_count`` falls back to a real
count whenever the query reads anything else."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from tessera.core.common import clock
from tessera.core.projects.models import BoardColumn, Project, WorkflowState
from tessera.core.projects.services import project_delete
from tessera.core.tickets import counts, services
from tessera.core.tickets.counts import ticket_count
from tessera.core.tickets.models import (
    Category,
    Comment,
    Ticket,
    TicketAssigneeCount,
    TicketAssignment,
    TicketCount,
)
from tessera.core.tickets.selectors import tickets_visible_to

pytestmark = pytest.mark.django_db


def _groups() -> dict[tuple, tuple[int, int, int, int, int]]:
    """The summary: (project, state, priority, category, column, assignee count) →
    (tickets, resolved, resolution microseconds, public comments, internal notes), empty
    groups left out."""
    out: dict[tuple, tuple[int, int, int, int, int]] = {}
    for r in TicketCount.objects.all():
        key = (
            r.project_id, r.state_id, r.priority, r.category_id, r.column_id, r.assignee_count
        )  # fmt: skip
        n, rn, us, cn, ci = out.get(key, (0, 0, 0, 0, 0))
        out[key] = (
            n + r.n, rn + r.resolved_n, us + r.resolved_us,
            cn + r.comment_n, ci + r.internal_comment_n,
        )  # fmt: skip
    return {k: v for k, v in out.items() if any(v)}


def _recount() -> dict[tuple, tuple[int, int, int, int, int]]:
    """The same from the tickets, their assignments and comments, in Python."""
    assignees: dict[int, int] = {}
    for a in TicketAssignment.objects.all():
        assignees[a.ticket_id] = assignees.get(a.ticket_id, 0) + 1
    comments: dict[tuple[int, bool], int] = {}
    for ticket_id, internal in Comment.objects.values_list("ticket_id", "is_internal"):
        comments[ticket_id, internal] = comments.get((ticket_id, internal), 0) + 1
    out: dict[tuple, tuple[int, int, int, int, int]] = {}
    for t in Ticket.objects.all():
        key = (
            t.project_id, t.state_id, t.priority, t.category_id, t.column_id,
            assignees.get(t.pk, 0),
        )  # fmt: skip
        n, rn, us, cn, ci = out.get(key, (0, 0, 0, 0, 0))
        if t.resolved_at is not None:
            rn += 1
            us += round((t.resolved_at - t.created_at) / timedelta(microseconds=1))
        cn += comments.get((t.pk, False), 0)
        ci += comments.get((t.pk, True), 0)
        out[key] = (n + 1, rn, us, cn, ci)
    return out


def _assignee_counts() -> dict[tuple, int]:
    """The per-assignee counts: (project, user, state) → tickets, empty rows left out."""
    rows = TicketAssigneeCount.objects.values_list("project_id", "user_id", "state_id", "n")
    return {(p, u, s): n for p, u, s, n in rows if n}


def _assignee_recount() -> dict[tuple, int]:
    out: dict[tuple, int] = {}
    for a in TicketAssignment.objects.select_related("ticket"):
        key = (a.ticket.project_id, a.user_id, a.ticket.state_id)
        out[key] = out.get(key, 0) + 1
    return out


def _close(a: dict, b: dict) -> bool:
    """Equal, to the microsecond of the resolution sums; and the per-assignee counts equal
    the assignments' own (every test that checks the groups after a write checks them)."""
    assert _assignee_counts() == _assignee_recount()
    return a == b


def _summary_used(qs) -> bool:
    with CaptureQueriesContext(connection) as ctx:
        ticket_count(qs)
    return any(counts.TABLE in q["sql"] for q in ctx.captured_queries)


@pytest.fixture
def two_projects(make_project, make_user):
    admin = make_user(is_superuser=True, is_staff=True)
    sd = make_project("servicedesk", "CNTA")
    boards = make_project("boards", "CNTB")
    for i in range(7):
        services.ticket_create(actor=admin, project=sd, title=f"sd {i}", priority=1 + i % 3)
    for i in range(4):
        services.ticket_create(actor=admin, project=boards, title=f"b {i}")
    return admin, sd, boards


def test_counts_follow_creates_updates_moves_and_deletes(two_projects):
    admin, sd, boards = two_projects
    assert _close(_groups(), _recount())
    ticket = Ticket.objects.filter(project=sd).order_by("id").first()
    other = WorkflowState.objects.filter(project=sd).exclude(pk=ticket.state_id).first()
    # A raw UPDATE (no service, no signal) is counted too: the database keeps the table.
    Ticket.objects.filter(pk=ticket.pk).update(state=other, priority=4)
    assert _close(_groups(), _recount())
    Ticket.objects.filter(pk=ticket.pk).update(title="unrelated change")
    assert _close(_groups(), _recount())
    card = Ticket.objects.filter(project=boards).order_by("id").first()
    column = BoardColumn.objects.filter(project=boards).exclude(pk=card.column_id).first()
    Ticket.objects.filter(pk=card.pk).update(column=column)
    assert _close(_groups(), _recount())
    per_column = counts.ticket_counts_by(Ticket.objects.filter(project=boards), ("column_id",))
    assert per_column[(column.pk,)] == Ticket.objects.filter(column=column).count() >= 1
    Ticket.objects.filter(pk=card.pk).update(column=None)
    assert _close(_groups(), _recount())
    Ticket.objects.filter(project=sd, priority=2).delete()
    assert _close(_groups(), _recount())
    project_delete(actor=admin, project=boards)
    assert _close(_groups(), _recount())
    assert sum(v[0] for v in _groups().values()) == Ticket.objects.count()


def test_rebuild_recounts_from_the_ticket_table(two_projects, member):
    admin, sd, _ = two_projects
    ticket = Ticket.objects.filter(project=sd).order_by("id").first()
    services.ticket_assign(actor=admin, ticket=ticket, assignees=[member(sd, "agent")])
    TicketCount.objects.all().delete()
    TicketAssigneeCount.objects.all().delete()
    assert _groups() == {}
    assert _assignee_counts() == {}
    counts.rebuild()
    assert _assignee_counts() == _assignee_recount() != {}
    assert _close(_groups(), _recount())


def test_assignee_counts_follow_state_changes_moves_and_reassignments(two_projects, member):
    admin, sd, boards = two_projects
    agent, other = member(sd, "agent"), member(sd, "agent")
    first, second = Ticket.objects.filter(project=sd).order_by("id")[:2]
    services.ticket_assign(actor=admin, ticket=first, assignees=[agent, other])
    services.ticket_assign(actor=admin, ticket=second, assignees=[agent])
    assert _assignee_counts() == {
        (sd.pk, agent.pk, first.state_id): 2,
        (sd.pk, other.pk, first.state_id): 1,
    }
    done = WorkflowState.objects.get(project=sd, key="closed")
    Ticket.objects.filter(pk=first.pk).update(state=done)  # raw: the database keeps it
    assert _assignee_counts() == {
        (sd.pk, agent.pk, first.state_id): 1,
        (sd.pk, agent.pk, done.pk): 1,
        (sd.pk, other.pk, done.pk): 1,
    }
    # A ticket moved to another project (and state) takes its assignees' counts along.
    target = WorkflowState.objects.filter(project=boards).first()
    Ticket.objects.filter(pk=second.pk).update(project=boards, state=target, number=999)
    assert _assignee_counts()[(boards.pk, agent.pk, target.pk)] == 1
    # An assignment row handed to another user or ticket.
    row = TicketAssignment.objects.get(ticket=first, user=other)
    TicketAssignment.objects.filter(pk=row.pk).update(ticket=second)
    assert _close(_groups(), _recount())
    TicketAssignment.objects.filter(ticket=second, user=other).update(user=admin)
    assert _close(_groups(), _recount())
    Ticket.objects.filter(pk=first.pk).delete()
    assert _close(_groups(), _recount())


def test_comment_counts_follow_comments_and_their_tickets(two_projects, member):
    """Every group carries its tickets' public comments and internal notes: comments
    added, re-flagged, moved to another ticket and deleted; their tickets moved between
    groups and projects, reassigned, resolved and deleted (comments first, as Django's
    cascade does, or the ticket first, as a raw delete with a deferred key may)."""
    admin, sd, boards = two_projects
    first, second, third = Ticket.objects.filter(project=sd).order_by("id")[:3]
    for i in range(3):
        services.comment_add(actor=admin, ticket=first, body=f"reply {i}")
    note = services.comment_add(actor=admin, ticket=first, body="note", is_internal=True)
    services.comment_add(actor=admin, ticket=second, body="other")
    assert _close(_groups(), _recount())
    assert sum(v[3] for v in _groups().values()) == 4
    assert sum(v[4] for v in _groups().values()) == 1
    Comment.objects.filter(pk=note.pk).update(is_internal=False)  # raw: a re-flagged note
    assert _close(_groups(), _recount())
    Comment.objects.filter(ticket=second).update(ticket=third)  # raw: moved (a merge)
    assert _close(_groups(), _recount())
    done = WorkflowState.objects.get(project=sd, key="closed")
    services.ticket_assign(actor=admin, ticket=first, assignees=[member(sd, "agent")])
    Ticket.objects.filter(pk=first.pk).update(state=done, priority=4, resolved_at=clock.now())
    assert _close(_groups(), _recount())
    target = WorkflowState.objects.filter(project=boards).first()
    Ticket.objects.filter(pk=first.pk).update(project=boards, state=target, number=998)
    assert _close(_groups(), _recount())
    assert sum(v[3] for k, v in _groups().items() if k[0] == boards.pk) == 4
    Comment.objects.filter(ticket=first).first().delete()
    assert _close(_groups(), _recount())
    Ticket.objects.filter(pk=third.pk).delete()  # Django deletes its comments first
    assert _close(_groups(), _recount())
    # The ticket first (Django's foreign keys are deferred to the commit: rolled back).
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM tickets_ticket WHERE id = %s", [first.pk])
        assert _close(_groups(), _recount())  # it took its comments out with it
        cursor.execute("DELETE FROM tickets_comment WHERE ticket_id = %s", [first.pk])
        assert _close(_groups(), _recount())
        transaction.set_rollback(True)
    Ticket.objects.filter(pk=first.pk).delete()
    assert _close(_groups(), _recount())
    assert sum(v[3] + v[4] for v in _groups().values()) == Comment.objects.count() == 0


@pytest.mark.parametrize(
    "build",
    [
        lambda sd, boards: Ticket.objects.all(),
        lambda sd, boards: Ticket.objects.filter(project=sd),
        lambda sd, boards: Ticket.objects.filter(project__template="servicedesk"),
        lambda sd, boards: Ticket.objects.filter(
            project_id__in=Project.objects.filter(template="boards").values("id")
        ),
        lambda sd, boards: Ticket.objects.filter(project=sd, priority__in=[1, 3]),
        lambda sd, boards: Ticket.objects.filter(project=sd).exclude(priority=2),
        lambda sd, boards: Ticket.objects.filter(
            state_id__in=WorkflowState.objects.filter(key="open").values("id")
        ),
        lambda sd, boards: Ticket.objects.filter(Q(project=sd) | Q(priority=3)),
        lambda sd, boards: Ticket.objects.filter(pk__in=[]),
    ],
)
def test_summary_answers_conditions_on_the_group_columns(two_projects, build):
    _, sd, boards = two_projects
    qs = build(sd, boards)
    assert ticket_count(qs) == qs.count()


@pytest.mark.parametrize(
    "build",
    [
        lambda sd, admin: Ticket.objects.filter(project=sd, title__startswith="sd 1"),
        lambda sd, admin: Ticket.objects.filter(state__key="open"),  # a join
        lambda sd, admin: Ticket.objects.filter(created_by=admin, project=sd),
        lambda sd, admin: Ticket.objects.filter(pk__gt=0),
        lambda sd, admin: Ticket.objects.filter(assignments__user=admin),
        lambda sd, admin: Ticket.objects.filter(project=sd).distinct(),
    ],
)
def test_other_conditions_fall_back_to_a_real_count(two_projects, build):
    admin, sd, _ = two_projects
    qs = build(sd, admin)
    assert ticket_count(qs) == qs.count()
    assert not _summary_used(qs)


def test_staff_lists_are_answered_from_the_summary(two_projects, member):
    admin, sd, boards = two_projects
    agent = member(sd, "agent")
    qs = tickets_visible_to(agent, template="servicedesk")
    assert ticket_count(qs) == 7
    assert _summary_used(qs)
    customer = member(sd, "customer")
    own = tickets_visible_to(customer, template="servicedesk")
    assert ticket_count(own) == own.count() == 0
    assert not _summary_used(own)


def test_a_count_inside_the_writing_transaction_sees_the_write(two_projects):
    from django.db import transaction

    admin, sd, _ = two_projects
    qs = Ticket.objects.filter(project=sd)
    with transaction.atomic():
        services.ticket_create(actor=admin, project=sd, title="one more")
        assert ticket_count(qs) == 8


def test_assignments_move_tickets_between_groups(two_projects, member):
    admin, sd, _ = two_projects
    agent, other = member(sd, "agent"), member(sd, "agent")
    ticket = Ticket.objects.filter(project=sd).order_by("id").first()
    services.ticket_assign(actor=admin, ticket=ticket, assignees=[agent, other])
    assert Ticket.objects.get(pk=ticket.pk).assignee_count == 2
    assert _close(_groups(), _recount())
    services.ticket_assign(actor=admin, ticket=ticket, assignees=[other])
    assert Ticket.objects.get(pk=ticket.pk).assignee_count == 1
    assert _close(_groups(), _recount())
    # Writes that bypass the services are counted too: a raw row, a user's deletion (its
    # assignments cascade), a ticket deleted with its assignments.
    second = Ticket.objects.filter(project=sd).order_by("id")[1]
    TicketAssignment.objects.create(ticket=second, user=agent)
    assert Ticket.objects.get(pk=second.pk).assignee_count == 1
    other.delete()
    assert Ticket.objects.get(pk=ticket.pk).assignee_count == 0
    assert _close(_groups(), _recount())
    Ticket.objects.filter(pk=second.pk).delete()
    assert _close(_groups(), _recount())


def test_a_stale_instance_saved_keeps_the_assignee_count(two_projects, member):
    admin, sd, _ = two_projects
    agent = member(sd, "agent")
    stale = Ticket.objects.filter(project=sd).order_by("id").first()
    deferred = Ticket.objects.only("id", "title").get(pk=stale.pk)
    TicketAssignment.objects.create(ticket=stale, user=agent)
    stale.title = "saved after the assignment"
    stale.save()
    assert Ticket.objects.get(pk=stale.pk).assignee_count == 1
    deferred.title = "saved again, deferred"
    deferred.save()
    fresh = Ticket.objects.get(pk=stale.pk)
    assert (fresh.title, fresh.assignee_count) == ("saved again, deferred", 1)
    assert _close(_groups(), _recount())


def test_categories_and_resolution_times_are_grouped(two_projects):
    admin, sd, _ = two_projects
    category = Category.objects.create(project=sd, name="Hardware", slug="hardware")
    tickets = list(Ticket.objects.filter(project=sd).order_by("id"))
    Ticket.objects.filter(pk__in=[t.pk for t in tickets[:3]]).update(category=category)
    for hours, t in zip((2, 5), tickets[:2], strict=True):
        Ticket.objects.filter(pk=t.pk).update(resolved_at=t.created_at + timedelta(hours=hours))
    assert _close(_groups(), _recount())
    qs = Ticket.objects.filter(project=sd)
    assert counts.resolution_time_mean(qs) == timedelta(hours=3.5)
    assert counts.resolution_time_mean(qs.filter(category=category)) == timedelta(hours=3.5)
    assert (
        counts.resolution_time_mean(qs.filter(priority=tickets[2].priority, pk=tickets[2].pk))
        is None
    )
    assert counts.ticket_counts_by(qs, ("category_id",)) == {(category.pk,): 3, (None,): 4}
    # An earlier creation time makes the resolution longer.
    Ticket.objects.filter(pk=tickets[0].pk).update(
        created_at=tickets[0].created_at - timedelta(hours=1)
    )
    assert counts.resolution_time_mean(qs) == timedelta(hours=4)
    assert _close(_groups(), _recount())
    category.delete()  # the tickets' category is set to NULL
    assert counts.ticket_counts_by(qs, ("category_id",)) == {(None,): 7}
    assert _close(_groups(), _recount())


@pytest.mark.parametrize(
    ("narrow", "from_summary"),
    [
        (lambda qs: qs, True),
        (lambda qs: qs.filter(assignee_count=0), True),
        (lambda qs: qs.filter(priority=2, category__isnull=True), True),
        (lambda qs: qs.filter(title__startswith="sd 1"), False),
    ],
)
def test_grouped_counts_and_means_equal_the_tickets(two_projects, member, narrow, from_summary):
    admin, sd, _ = two_projects
    agent = member(sd, "agent")
    tickets = list(Ticket.objects.filter(project=sd).order_by("id"))
    services.ticket_assign(actor=admin, ticket=tickets[1], assignees=[agent])
    Ticket.objects.filter(pk=tickets[1].pk).update(
        resolved_at=tickets[1].created_at + timedelta(hours=7)
    )
    qs = narrow(Ticket.objects.filter(project=sd))
    columns = ("state_id", "priority", "category_id", "assignee_count")
    expected: dict[tuple, int] = {}
    for t in qs:
        key = (t.state_id, t.priority, t.category_id, t.assignee_count)
        expected[key] = expected.get(key, 0) + 1
    assert counts.ticket_counts_by(qs, columns) == expected
    resolved = [t.resolved_at - t.created_at for t in qs if t.resolved_at]
    mean = sum(resolved, timedelta()) / len(resolved) if resolved else None
    assert counts.resolution_time_mean(qs) == mean
    assert ticket_count(qs) == qs.count()
    assert _summary_used(qs) is from_summary


def test_unassigned_is_counted_from_the_summary(two_projects, member):
    from tessera.core.servicedesk.selectors import unassigned_q

    admin, sd, _ = two_projects
    agent = member(sd, "agent")
    ticket = Ticket.objects.filter(project=sd).order_by("id").first()
    services.ticket_assign(actor=admin, ticket=ticket, assignees=[agent])
    qs = tickets_visible_to(agent, template="servicedesk").filter(unassigned_q())
    assert ticket_count(qs) == 6
    assert _summary_used(qs)
