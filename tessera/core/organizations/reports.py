"""Project dashboards of document 003, each a fixed number of aggregate queries."""

from __future__ import annotations

from django.db.models import Count, F, OuterRef, Q, QuerySet

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
)
from tessera.core.tickets.counts import tickets_in_column
from tessera.core.tickets.models import Ticket

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


def workload(*, actor, project: Project) -> QuerySet[User]:
    """Members whose role may be assigned, with open assigned, in-progress (active state)
    and resolved-today counts over this project's tickets."""
    require_reports(actor, project)
    now = clock.now()
    day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    assignable = [
        m
        for m in Membership.objects.filter(project=project).select_related("role")
        if "be_assigned" in m.role.permissions
    ]
    mine = Q(assigned_tickets__project=project)
    open_ = ~Q(assigned_tickets__state__category__in=TERMINAL_CATEGORIES)
    return (
        User.objects.filter(pk__in=[m.user_id for m in assignable])
        .annotate(
            assigned_count=Count("assigned_tickets", filter=mine & open_, distinct=True),
            in_progress_count=Count(
                "assigned_tickets",
                filter=mine & Q(assigned_tickets__state__category=StateCategory.ACTIVE),
                distinct=True,
            ),
            resolved_today=Count(
                "assigned_tickets",
                filter=mine & Q(assigned_tickets__resolved_at__gte=day_start),
                distinct=True,
            ),
        )
        .order_by("username")
    )


def kanban_summary(*, actor, project: Project) -> QuerySet[BoardColumn]:
    """The project's columns in board order, each with ``count``: its tickets, read from
    the per-group counts (``tickets.counts``), as the boards' column list reads them."""
    require_reports(actor, project)
    return (
        BoardColumn.objects.filter(project=project)
        .annotate(count=tickets_in_column(OuterRef("pk"), OuterRef("project_id")))
        .order_by("order", "id")
    )
