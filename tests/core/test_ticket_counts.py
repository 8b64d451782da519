"""The per-(project, state, priority) counts kept by triggers answer exactly what
``COUNT(*)`` would, through every kind of write, and ``ticket_count`` falls back to a real
count whenever the query reads anything else."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from tessera.core.projects.models import Project, WorkflowState
from tessera.core.projects.services import project_delete
from tessera.core.tickets import counts, services
from tessera.core.tickets.counts import ticket_count
from tessera.core.tickets.models import Ticket, TicketCount
from tessera.core.tickets.selectors import tickets_visible_to

pytestmark = pytest.mark.django_db


def _groups() -> dict[tuple[int, int, int], int]:
    return {(r.project_id, r.state_id, r.priority): r.n for r in TicketCount.objects.all() if r.n}


def _recount() -> dict[tuple[int, int, int], int]:
    out: dict[tuple[int, int, int], int] = {}
    for t in Ticket.objects.all():
        key = (t.project_id, t.state_id, t.priority)
        out[key] = out.get(key, 0) + 1
    return out


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
    assert _groups() == _recount()
    ticket = Ticket.objects.filter(project=sd).order_by("id").first()
    other = WorkflowState.objects.filter(project=sd).exclude(pk=ticket.state_id).first()
    # A raw UPDATE (no service, no signal) is counted too: the database keeps the table.
    Ticket.objects.filter(pk=ticket.pk).update(state=other, priority=4)
    assert _groups() == _recount()
    Ticket.objects.filter(pk=ticket.pk).update(title="unrelated change")
    assert _groups() == _recount()
    Ticket.objects.filter(project=sd, priority=2).delete()
    assert _groups() == _recount()
    project_delete(actor=admin, project=boards)
    assert _groups() == _recount()
    assert sum(_groups().values()) == Ticket.objects.count()


def test_rebuild_recounts_from_the_ticket_table(two_projects):
    TicketCount.objects.all().delete()
    assert _groups() == {}
    counts.rebuild()
    assert _groups() == _recount()


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
