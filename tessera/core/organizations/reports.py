"""Project dashboards of document 003, each a fixed number of aggregate queries."""

from __future__ import annotations

from django.db.models import Count, F, OuterRef, Q, QuerySet, Sum

from tessera.core.accounts.models import User
from tessera.core.audit.models import Event
from tessera.core.common import clock
from tessera.core.common.errors import Forbidden
from tessera.core.projects import permissions
from tessera.core.projects.models import (
    TERMINAL_CATEGORIES,
    BoardColumn,
    Membership,
    Project,
    StateCategory,
    WorkflowState,
)
from tessera.core.tickets.counts import tickets_in_column
from tessera.core.tickets.models import Ticket, TicketAssigneeCount, TicketAssignment

from .models import Company
from .selectors import OPEN, URGENT, with_ticket_figures


def require_reports(actor, project: Project) -> None:
    if not permissions.has_perm(actor, "view_reports", project.pk):
        raise Forbidden("You do not have permission to perform this action.")


def company_health(*, actor, project: Project) -> list[Company]:
    require_reports(actor, project)
    return with_ticket_figures(
        Company.objects.filter(projects=project).order_by("name", "id"), project_id=project.pk
    )


def attention_needed(*, actor, project: Project) -> QuerySet[Ticket]:
    """Open tickets that are overdue or urgent, overdue first, then by due date and priority."""
    require_reports(actor, project)
    now = clock.now()
    return (
        Ticket.objects.filter(project=project)
        .filter(OPEN)
        .filter(Q(due_date__lt=now) | URGENT)
        .order_by(F("due_date").asc(nulls_last=True), "-priority", "-created_at", "-id")
    )


def newest(*, actor, project: Project) -> QuerySet[Ticket]:
    require_reports(actor, project)
    return Ticket.objects.filter(project=project).order_by("-created_at", "-id")


def activity(*, actor, project: Project) -> QuerySet[Event]:
    require_reports(actor, project)
    return (
        Event.objects.filter(project=project, ticket__isnull=False)
        .select_related("actor", "ticket")
        .order_by("-created_at", "-id")
    )


def workload(*, actor, project: Project) -> list[User]:
    """Members whose role may be assigned, ordered by username, each with
    ``assigned_count`` (open tickets of this project assigned to them), ``in_progress_count``
    (in an active state) and ``resolved_today``. The first two are read from the
    per-assignee counts (``tickets.counts``: a few rows per member, not every assignment
    of the project); three queries besides the memberships."""
    require_reports(actor, project)
    now = clock.now()
    day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    assignable = [
        m.user_id
        for m in Membership.objects.filter(project=project).select_related("role")
        if "be_assigned" in m.role.permissions
    ]
    if not assignable:
        return []
    states = WorkflowState.objects.filter(project=project)
    open_states = states.exclude(category__in=TERMINAL_CATEGORIES).values("pk")
    active_states = states.filter(category=StateCategory.ACTIVE).values("pk")
    counts = {
        row["user_id"]: row
        for row in TicketAssigneeCount.objects.filter(project_id=project.pk, user_id__in=assignable)
        .values("user_id")
        .annotate(
            open=Sum("n", filter=Q(state_id__in=open_states)),
            active=Sum("n", filter=Q(state_id__in=active_states)),
        )
    }
    resolved = dict(
        TicketAssignment.objects.filter(
            ticket__project=project, ticket__resolved_at__gte=day_start, user_id__in=assignable
        )
        .values("user_id")
        .annotate(n=Count("ticket_id"))
        .values_list("user_id", "n")
    )
    users = list(User.objects.filter(pk__in=assignable).order_by("username"))
    for user in users:
        row = counts.get(user.pk, {})
        user.assigned_count = row.get("open") or 0
        user.in_progress_count = row.get("active") or 0
        user.resolved_today = resolved.get(user.pk, 0)
    return users


def kanban_summary(*, actor, project: Project) -> QuerySet[BoardColumn]:
    """The project's columns in board order, each with ``count``: its tickets, read from
    the per-group counts (``tickets.counts``), as the boards' column list reads them."""
    require_reports(actor, project)
    return (
        BoardColumn.objects.filter(project=project)
        .annotate(count=tickets_in_column(OuterRef("pk"), OuterRef("project_id")))
        .order_by("order", "id")
    )
