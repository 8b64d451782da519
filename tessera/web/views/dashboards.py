"""Dashboards: tickets by state and priority, created vs resolved, workload, company health."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tessera.core.projects.selectors import projects_visible_to

from .. import charts, selectors


@login_required
def dashboards(request: HttpRequest) -> HttpResponse:
    projects = list(projects_visible_to(request.user).order_by("key"))
    project = None
    raw = request.GET.get("project", "")
    if raw:
        project = next((p for p in projects if str(p.pk) == raw), None)
    data = selectors.dashboard(actor=request.user, project=project)
    context = {
        "projects": projects,
        "project": project,
        "d": data,
        "state_chart": charts.bar_chart(data.by_state, title="Tickets by state"),
        "priority_chart": charts.bar_chart(data.by_priority, title="Tickets by priority"),
        "workload_chart": charts.bar_chart(data.workload, title="Open tickets per agent"),
        "per_day_chart": charts.day_chart(data.per_day, title="Created vs resolved per day"),
        "company_chart": charts.bar_chart(
            [selectors.Bar(c["name"], c["score"], "#2e7d32") for c in data.companies],
            title="Company health (% of open tickets not overdue)",
            max_value=100,
        ),
    }
    return render(request, "web/dashboards.html", context)
