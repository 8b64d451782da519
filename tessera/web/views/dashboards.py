"""Dashboards: the boards surface's project dashboards and the service-desk statistics as
charts with their numbers (same core selectors as the APIs), plus an overview of every
ticket the user sees (by state, by priority, created vs resolved per day)."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tessera.core.projects import permissions
from tessera.core.projects.selectors import projects_visible_to

from .. import charts
from .. import dashboard_data as dd


def panel(bars: Sequence[dd.Bar], *, chart_id: str, title: str, head: str, unit: str, **kw) -> dict:
    """A chart and the table of the same numbers (``partials/bars_with_numbers.html``)."""
    return {
        "id": chart_id,
        "title": title,
        "head": head,
        "unit": unit,
        "bars": list(bars),
        "chart": charts.bar_chart(bars, title=title, **kw),
    }


def _reporting_boards(actor, projects: list) -> list:
    """Boards projects whose dashboards the actor may open (``view_reports``)."""
    ids = permissions.projects_with_perm(actor, "view_reports", template="boards")
    return [p for p in projects if p.template == "boards" and (ids is None or p.pk in ids)]


@login_required
def dashboards(request: HttpRequest) -> HttpResponse:
    actor = request.user
    projects = list(projects_visible_to(actor).order_by("key"))
    raw = request.GET.get("project", "")
    project = next((p for p in projects if str(p.pk) == raw), None) if raw else None

    ov = dd.overview(actor=actor, project=project)
    context: dict = {
        "projects": projects,
        "project": project,
        "ov": ov,
        "state_panel": panel(
            ov.by_state, chart_id="by-state", title="Tickets by state", head="State", unit="Tickets"
        ),
        "priority_panel": panel(
            ov.by_priority,
            chart_id="by-priority",
            title="Tickets by priority",
            head="Priority",
            unit="Tickets",
        ),
        "per_day_chart": charts.day_chart(ov.per_day, title="Created vs resolved per day"),
        "boards_projects": _reporting_boards(actor, projects),
    }

    stats = dd.servicedesk_statistics(actor=actor, project=project)
    if stats is not None:
        context["sd"] = stats
        context["sd_panels"] = [
            panel(
                dd.counts_as_bars(stats["by_status"], "#0052cc"),
                chart_id="sd-by-status",
                title="Service desk: tickets by status",
                head="Status",
                unit="Tickets",
            ),
            panel(
                dd.counts_as_bars(stats["by_priority"], "#6a1b9a"),
                chart_id="sd-by-priority",
                title="Service desk: tickets by priority",
                head="Priority",
                unit="Tickets",
            ),
            panel(
                dd.counts_as_bars(stats["by_category"], "#00695c"),
                chart_id="sd-by-category",
                title="Service desk: tickets by category",
                head="Category",
                unit="Tickets",
            ),
        ]

    if project is not None and project.template == "boards":
        b = dd.boards_dashboards(actor=actor, project=project)
        context["boards"] = b
        if b.allowed:
            context["health_panel"] = panel(
                b.health_bars(),
                chart_id="company-health",
                title="Companies by health status",
                head="Health status",
                unit="Companies",
            )
            context["workload_panel"] = panel(
                b.workload_bars(),
                chart_id="workload",
                title="Open tickets assigned per agent",
                head="Agent",
                unit="Assigned",
            )
            context["columns_panel"] = panel(
                b.column_bars(),
                chart_id="kanban-summary",
                title="Tickets per board column",
                head="Column",
                unit="Tickets",
            )
    return render(request, "web/dashboards.html", context)
