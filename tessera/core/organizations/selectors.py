"""Reads of companies: visibility, the tickets that belong to a company, health in SQL.

A ticket belongs to company C when its ``company`` is C, or when it has no company and its
requester (``created_by``) is a user of C.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db.models import (
    Count,
    F,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce

from tessera.core.common import clock
from tessera.core.common.errors import NotFound
from tessera.core.projects.models import TERMINAL_CATEGORIES
from tessera.core.projects.selectors import projects_visible_to
from tessera.core.tickets.models import Ticket
from tessera.core.tickets.selectors import open_state_q

from .models import Company

CompanyUsers = Company.users.through
CompanyAdmins = Company.admins.through
CompanyProjects = Company.projects.through

OPEN = ~Q(state__category__in=TERMINAL_CATEGORIES)
URGENT = Q(priority__gte=4) | Q(urgency__in=["high", "critical"])
CRITICAL = Q(priority=5) | Q(urgency="critical")
INACTIVE_AFTER = timedelta(days=30)


def company_tickets(company: Company, qs: QuerySet[Ticket] | None = None) -> QuerySet[Ticket]:
    """The tickets of ``qs`` that belong to ``company``. Its users are named as one array
    value (``in_array``), so each side of the OR reads its own index (company, requester)
    and PostgreSQL ORs the two: as a subquery the requester side could not use an index,
    and a company's ticket list counted every ticket of the blueprint (0.5 s at 1M)."""
    qs = qs if qs is not None else Ticket.objects.all()
    members = CompanyUsers.objects.filter(company_id=company.pk).values("user_id")
    return qs.filter(
        Q(company_id=company.pk) | Q(company__isnull=True, created_by_id__in_array=members)
    )


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


def with_counts(qs: QuerySet[Company]) -> QuerySet[Company]:
    """``admin_count``, ``user_count``, ``project_count`` as subqueries (small tables);
    the ticket figures come from ``with_ticket_figures`` once the companies are read."""
    return qs.annotate(
        admin_count=_count(CompanyAdmins.objects.filter(company_id=OuterRef("pk"))),
        user_count=_count(CompanyUsers.objects.filter(company_id=OuterRef("pk"))),
        project_count=_count(CompanyProjects.objects.filter(company_id=OuterRef("pk"))),
    )


def with_ticket_figures(
    companies: Iterable[Company],
    *,
    project_id: int | None = None,
    now: datetime | None = None,
    count_only: bool = False,
) -> list[Company]:
    """Set each company's ticket figures and ``health_status`` (in this project's tickets
    if given): ``ticket_count``/``total_tickets``, ``open_tickets``, ``urgent_tickets``,
    ``overdue_tickets``, ``critical_tickets``, ``urgent_unassigned``,
    ``resolved_this_month``, ``last_activity``, ``last_created``.

    Two grouped queries whatever the number of companies: the tickets naming a company,
    and the tickets without one grouped by their requester's companies. One correlated
    subquery per figure and company re-read every ticket of the company (its requester
    condition cannot use an index inside the OR): 10 s for eight companies at 1M.

    critical: an open ticket of priority 5 (Highest) or urgency critical, or more than 3
    overdue; attention: 1-3 overdue, or an open urgent ticket nobody is assigned to;
    inactive: no ticket created in the last 30 days; healthy otherwise (in that order).

    ``count_only``: only ``ticket_count`` (a list of companies shows nothing else), counted
    from the company index alone.
    """
    companies = list(companies)
    now = now or clock.now()
    ids = [c.pk for c in companies]
    tickets = (
        Ticket.objects.all() if project_id is None else Ticket.objects.filter(project_id=project_id)
    )
    direct = _figures(tickets.filter(company_id__in=ids), "company_id", now, count_only)
    by_requester = _figures(
        tickets.filter(company__isnull=True, created_by__member_companies__in=ids),
        "created_by__member_companies",
        now,
        count_only,
    )
    if count_only:
        for company in companies:
            company.ticket_count = sum(
                part.get(company.pk, {}).get("total_tickets", 0) for part in (direct, by_requester)
            )
        return companies
    for company in companies:
        figures = _merged(direct.get(company.pk), by_requester.get(company.pk))
        for name, value in figures.items():
            setattr(company, name, value)
        company.ticket_count = figures["total_tickets"]
        company.health_status = _health(figures, now)
    return companies


_COUNTED = (
    "open_tickets",
    "urgent_tickets",
    "overdue_tickets",
    "critical_tickets",
    "urgent_unassigned",
    "resolved_this_month",
    "total_tickets",
)
_LATEST = ("last_activity", "last_created")


def _figures(
    tickets: QuerySet[Ticket], key: str, now: datetime, count_only: bool = False
) -> dict[int, dict[str, Any]]:
    grouped = tickets.order_by().values(_company=F(key))
    if count_only:
        # COUNT(*), not COUNT(id): the company index alone answers it
        totals = grouped.annotate(total_tickets=Count("*"))
        return {row.pop("_company"): row for row in totals}
    month_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    open_ = open_state_q()  # by the states' ids: no join in the grouped read
    rows = grouped.annotate(
        open_tickets=Count("pk", filter=open_),
        urgent_tickets=Count("pk", filter=open_ & URGENT),
        overdue_tickets=Count("pk", filter=open_ & Q(due_date__lt=now)),
        critical_tickets=Count("pk", filter=open_ & CRITICAL),
        urgent_unassigned=Count("pk", filter=open_ & URGENT & Q(assignee_count=0)),
        resolved_this_month=Count("pk", filter=Q(resolved_at__gte=month_start)),
        total_tickets=Count("pk"),
        last_activity=Max("updated_at"),
        last_created=Max("created_at"),
    )
    return {row.pop("_company"): row for row in rows}


def _merged(*parts: dict[str, Any] | None) -> dict[str, Any]:
    out: dict[str, Any] = dict.fromkeys(_COUNTED, 0) | dict.fromkeys(_LATEST)
    for part in parts:
        if not part:
            continue
        for name in _COUNTED:
            out[name] += part[name]
        for name in _LATEST:
            if part[name] is not None and (out[name] is None or part[name] > out[name]):
                out[name] = part[name]
    return out


def _health(figures: dict[str, Any], now: datetime) -> str:
    if figures["critical_tickets"] > 0 or figures["overdue_tickets"] > 3:
        return "critical"
    if figures["overdue_tickets"] > 0 or figures["urgent_unassigned"] > 0:
        return "attention"
    last = figures["last_created"]
    if last is None or last < now - INACTIVE_AFTER:
        return "inactive"
    return "healthy"


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
