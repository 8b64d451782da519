"""What the dashboards page shows, read through the same core selectors as the APIs.

* Boards dashboards (document 003, ``/api/tickets/dashboard/…``): ``organizations.reports``
  — company health (critical / attention / healthy / inactive, computed in SQL), workload,
  kanban summary, attention needed, newest, activity. Same querysets, same permission
  (``view_reports``), so the page and the API show the same numbers.
* Service-desk statistics (document 002, ``/api/ticketing/tickets/statistics/``):
  ``servicedesk.selectors.ticket_statistics`` over ``tickets_for(actor)``.
* Overview over every ticket the actor sees (tickets by state and priority, created vs
  resolved per day): no API has these, so they are aggregated here — a fixed number of
  ``GROUP BY`` queries over ``tickets_visible_to``.

Every function runs a fixed number of queries whatever the number of tickets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from tessera.core.audit.models import Event
from tessera.core.common import clock
from tessera.core.common.errors import Forbidden
from tessera.core.organizations import reports
from tessera.core.projects.blueprints import get_blueprint
from tessera.core.projects.models import Project, StateCategory, WorkflowState
from tessera.core.projects.selectors import projects_visible_to
from tessera.core.servicedesk import selectors as sd
from tessera.core.tickets.counts import ticket_counts_by
from tessera.core.tickets.models import Ticket
from tessera.core.tickets.selectors import tickets_visible_to


@dataclass
class Bar:
    label: str
    value: int
    color: str = "#0052cc"


STATE_COLORS = {
    StateCategory.OPEN: "#0052cc",
    StateCategory.ACTIVE: "#b35c00",
    StateCategory.DONE: "#2e7d32",
    StateCategory.CANCELLED: "#6b778c",
}
# Order and colours of document 003's health statuses.
HEALTH = {
    "critical": "#c62828",
    "attention": "#b35c00",
    "healthy": "#2e7d32",
    "inactive": "#6b778c",
}


# --- overview (no API equivalent) ------------------------------------------------------


@dataclass
class Overview:
    total: int
    by_state: list[Bar]
    by_priority: list[Bar]
    per_day: list[tuple[date, int, int]]
    days: int = 14


def overview(*, actor, project: Project | None = None, days: int = 14) -> Overview:
    """Tickets by state and priority (from the kept per-group counts when the actor sees
    whole projects), created vs resolved per day (a range of each date's index): a fixed
    number of queries. At 1,000,000 tickets the four GROUP BYs over every visible ticket
    took 4.6 s; the counts take milliseconds, the last two weeks' dates a few dozen."""
    qs = tickets_visible_to(actor)
    if project is not None:
        qs = qs.filter(project=project)

    per_state = ticket_counts_by(qs, ("state_id",))
    states = WorkflowState.objects.filter(pk__in=[k[0] for k in per_state]).values_list(
        "pk", "name", "category", "order"
    )
    merged: dict[tuple[str, str], list[int]] = {}  # (name, category) -> [n, lowest order]
    for pk, name, category, order in states:
        row = merged.setdefault((name, category), [0, order])
        row[0] += per_state[(pk,)]
        row[1] = min(row[1], order)
    by_state = [
        Bar(name, n, STATE_COLORS.get(category, "#0052cc"))
        for (name, category), (n, _) in sorted(
            merged.items(), key=lambda item: (item[1][1], item[0][0])
        )
    ]

    per_priority = ticket_counts_by(qs, ("project_id", "priority"))
    templates = dict(
        Project.objects.filter(pk__in={k[0] for k in per_priority}).values_list("pk", "template")
    )
    prio: dict[str, int] = {}
    order: dict[str, int] = {}
    for (project_id, priority), n in per_priority.items():
        label = get_blueprint(templates[project_id]).priority_label(priority)
        prio[label] = prio.get(label, 0) + n
        order[label] = max(order.get(label, 0), priority)
    by_priority = [Bar(k, prio[k], "#6a1b9a") for k in sorted(prio, key=lambda k: (order[k], k))]

    start = clock.now().date() - timedelta(days=days - 1)
    since = datetime.combine(start, time.min, tzinfo=timezone.get_current_timezone())
    created = dict(
        qs.order_by()
        .filter(created_at__gte=since)
        .annotate(d=TruncDate("created_at"))
        .values("d")
        .annotate(n=Count("id"))
        .values_list("d", "n")
    )
    resolved = dict(
        qs.order_by()
        .filter(resolved_at__gte=since)
        .annotate(d=TruncDate("resolved_at"))
        .values("d")
        .annotate(n=Count("id"))
        .values_list("d", "n")
    )
    per_day = []
    for i in range(days):
        d = start + timedelta(days=i)
        per_day.append((d, created.get(d, 0), resolved.get(d, 0)))
    return Overview(
        total=sum(b.value for b in by_state),
        by_state=by_state,
        by_priority=by_priority,
        per_day=per_day,
        days=days,
    )


# --- document 002: service-desk statistics ---------------------------------------------


def servicedesk_statistics(*, actor, project: Project | None = None) -> dict[str, Any] | None:
    """``GET /api/ticketing/tickets/statistics/`` (optionally of one project), or None when
    the actor has no service-desk project or the chosen project is not one."""
    if project is not None:
        if project.template != sd.TEMPLATE:
            return None
        qs = sd.tickets_for(actor).filter(project=project)
    else:
        if not projects_visible_to(actor, template=sd.TEMPLATE).exists():
            return None
        qs = sd.tickets_for(actor)
    return sd.ticket_statistics(actor=actor, qs=qs)


def counts_as_bars(counts: dict[str, int], color: str) -> list[Bar]:
    return [Bar(str(k), int(v), color) for k, v in counts.items()]


# --- document 003: the boards project dashboards ---------------------------------------


@dataclass
class BoardsDashboards:
    project: Project
    allowed: bool = True
    message: str = ""
    companies: list = field(default_factory=list)
    workload: list = field(default_factory=list)
    columns: list = field(default_factory=list)
    attention: list[Ticket] = field(default_factory=list)
    newest: list[Ticket] = field(default_factory=list)
    activity: list[Event] = field(default_factory=list)
    limit: int = 10

    def health_bars(self) -> list[Bar]:
        counts = dict.fromkeys(HEALTH, 0)
        for c in self.companies:
            counts[c.health_status] = counts.get(c.health_status, 0) + 1
        return [Bar(k, n, HEALTH.get(k, "#0052cc")) for k, n in counts.items()]

    def workload_bars(self) -> list[Bar]:
        return [Bar(u.username, u.assigned_count, "#b35c00") for u in self.workload]

    def column_bars(self) -> list[Bar]:
        return [Bar(c.name, c.count, c.color or "#0052cc") for c in self.columns]


def boards_dashboards(*, actor, project: Project, limit: int = 10) -> BoardsDashboards:
    """The six dashboards of ``project`` exactly as ``organizations.reports`` answers the
    API (the first ``limit`` rows of the paged ones); refused without ``view_reports``."""
    try:
        companies = list(reports.company_health(actor=actor, project=project))
    except Forbidden as exc:
        return BoardsDashboards(project=project, allowed=False, message=exc.message)
    rows = ("project", "state")
    return BoardsDashboards(
        project=project,
        companies=companies,
        workload=list(reports.workload(actor=actor, project=project)),
        columns=list(reports.kanban_summary(actor=actor, project=project)),
        attention=list(
            reports.attention_needed(actor=actor, project=project).select_related(*rows)[:limit]
        ),
        newest=list(reports.newest(actor=actor, project=project).select_related(*rows)[:limit]),
        activity=list(reports.activity(actor=actor, project=project)[:limit]),
        limit=limit,
    )
