"""Reads of companies: visibility, the tickets that belong to a company, health in SQL.

A ticket belongs to company C when its ``company`` is C, or when it has no company and its
requester (``created_by``) is a user of C.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import (
    Case,
    CharField,
    DateTimeField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from tessera.core.common import clock
from tessera.core.common.errors import NotFound
from tessera.core.projects.models import TERMINAL_CATEGORIES
from tessera.core.projects.selectors import projects_visible_to
from tessera.core.tickets.models import Ticket

from .models import Company

CompanyUsers = Company.users.through
CompanyAdmins = Company.admins.through
CompanyProjects = Company.projects.through

OPEN = ~Q(state__category__in=TERMINAL_CATEGORIES)
URGENT = Q(priority__gte=4) | Q(urgency__in=["high", "critical"])
CRITICAL = Q(priority=5) | Q(urgency="critical")
INACTIVE_AFTER = timedelta(days=30)


def company_ticket_q(company_ref) -> Q:
    """Tickets of the company given by ``company_ref`` (an id or an ``OuterRef``)."""
    inner = company_ref.__class__(company_ref) if isinstance(company_ref, OuterRef) else company_ref
    members = CompanyUsers.objects.filter(company_id=inner, user_id=OuterRef("created_by_id"))
    return Q(company_id=company_ref) | (Q(company__isnull=True) & Exists(members))


def company_tickets(company: Company, qs: QuerySet[Ticket] | None = None) -> QuerySet[Ticket]:
    qs = qs if qs is not None else Ticket.objects.all()
    members = CompanyUsers.objects.filter(company_id=company.pk).values("user_id")
    return qs.filter(Q(company_id=company.pk) | Q(company__isnull=True, created_by_id__in=members))


def companies_visible_to(actor) -> QuerySet[Company]:
    """Companies linked to a boards project the actor belongs to, or that the actor is an
    admin or user of; superusers see all."""
    if actor.is_superuser:
        return Company.objects.all()
    projects = projects_visible_to(actor, template="boards").values("pk")
    linked = CompanyProjects.objects.filter(project_id__in=projects).values("company_id")
    mine_a = CompanyAdmins.objects.filter(user_id=actor.pk).values("company_id")
    mine_u = CompanyUsers.objects.filter(user_id=actor.pk).values("company_id")
    return Company.objects.filter(Q(pk__in=linked) | Q(pk__in=mine_a) | Q(pk__in=mine_u))


def access_company(*, actor, company_id) -> Company:
    try:
        pk = int(company_id)
    except (TypeError, ValueError):
        raise NotFound("Company not found")
    company = companies_visible_to(actor).filter(pk=pk).first()
    if company is None:
        raise NotFound("Company not found")
    return company


def _agg(qs: QuerySet, function: str, field: str = "pk", output=None):
    output = output or IntegerField()
    return Subquery(
        qs.order_by()
        .annotate(_v=Func(F(field), function=function, output_field=output))
        .values("_v")[:1],
        output_field=output,
    )


def _count(qs: QuerySet):
    return Coalesce(_agg(qs, "COUNT"), 0)


def with_counts(qs: QuerySet[Company], *, project_id: int | None = None) -> QuerySet[Company]:
    """``admin_count``, ``user_count``, ``project_count``, ``ticket_count`` as subqueries."""
    tickets = Ticket.objects.filter(company_ticket_q(OuterRef("pk")))
    if project_id is not None:
        tickets = tickets.filter(project_id=project_id)
    return qs.annotate(
        admin_count=_count(CompanyAdmins.objects.filter(company_id=OuterRef("pk"))),
        user_count=_count(CompanyUsers.objects.filter(company_id=OuterRef("pk"))),
        project_count=_count(CompanyProjects.objects.filter(company_id=OuterRef("pk"))),
        ticket_count=_count(tickets),
    )


def with_health(
    qs: QuerySet[Company], *, project_id: int | None = None, now: datetime | None = None
) -> QuerySet[Company]:
    """Annotate ticket statistics and ``health_status``, all in SQL.

    critical: an open ticket of priority 5 (Highest) or urgency critical, or more than 3
    overdue; attention: 1-3 overdue, or an open urgent ticket nobody is assigned to;
    inactive: no ticket created in the last 30 days; healthy otherwise (in that order).
    """
    now = now or clock.now()
    month_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    tickets = Ticket.objects.filter(company_ticket_q(OuterRef("pk")))
    if project_id is not None:
        tickets = tickets.filter(project_id=project_id)
    open_ = tickets.filter(OPEN)
    overdue = open_.filter(due_date__lt=now)
    unassigned = Q(assignee_count=0)  # kept by the assignments' triggers (tickets.counts)
    qs = qs.annotate(
        open_tickets=_count(open_),
        urgent_tickets=_count(open_.filter(URGENT)),
        overdue_tickets=_count(overdue),
        critical_tickets=_count(open_.filter(CRITICAL)),
        urgent_unassigned=_count(open_.filter(URGENT).filter(unassigned)),
        resolved_this_month=_count(tickets.filter(resolved_at__gte=month_start)),
        total_tickets=_count(tickets),
        last_activity=_agg(tickets, "MAX", "updated_at", DateTimeField()),
        last_created=_agg(tickets, "MAX", "created_at", DateTimeField()),
    )
    return qs.annotate(
        health_status=Case(
            When(Q(critical_tickets__gt=0) | Q(overdue_tickets__gt=3), then=Value("critical")),
            When(Q(overdue_tickets__gt=0) | Q(urgent_unassigned__gt=0), then=Value("attention")),
            When(
                Q(last_created__isnull=True) | Q(last_created__lt=now - INACTIVE_AFTER),
                then=Value("inactive"),
            ),
            default=Value("healthy"),
            output_field=CharField(),
        )
    )


def users_visible_to(actor):
    """Superusers and staff see every user; others see themselves and the members of the
    projects they belong to."""
    from tessera.core.accounts.models import User
    from tessera.core.projects import permissions
    from tessera.core.projects.models import Membership

    if actor.is_superuser or actor.is_staff:
        return User.objects.all()
    mine = list(permissions.memberships(actor).keys())
    shared = Membership.objects.filter(project_id__in=mine).values("user_id")
    return User.objects.filter(Q(pk=actor.pk) | Q(pk__in=shared))
