"""The six dashboards of document 003 (``/api/tickets/dashboard/…``); ``project`` required,
roles holding ``view_reports`` only (superadmin, admin, manager)."""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from tessera.core.organizations import reports
from tessera.core.tickets.counts import ticket_count
from tessera.core.tickets.selectors import with_card_fields

from . import schema as doc
from .common import BoardsView, core_call, paginate_limit, project_param, user_brief
from .tickets import tickets_out

DT = serializers.DateTimeField()


class _Dashboard(BoardsView, APIView):
    def project(self, request):
        return project_param(request, required=True)


class CompanyHealthView(_Dashboard):
    @doc.doc(
        summary="Health of the project's companies",
        ok=doc.CompanyHealth,
        params=[doc.qint("project", "Project id (required; 404 if not a member)", required=True)],
        errors=(400, 401, 403, 404),
    )
    def get(self, request):
        rows = core_call(reports.company_health, actor=request.user, project=self.project(request))
        return Response(
            {
                "companies": [
                    {
                        "id": c.pk,
                        "name": c.name,
                        "health_status": c.health_status,
                        "open_tickets": c.open_tickets,
                        "urgent_tickets": c.urgent_tickets,
                        "overdue_tickets": c.overdue_tickets,
                    }
                    for c in rows
                ]
            }
        )


class _CardsDashboard(_Dashboard):
    def cards(self, request, qs):
        """A page of ``qs`` as cards (``limit``, default 10), counted without the cards'
        joins: from the per-group counts when ``qs`` allows (``tickets.counts``)."""
        return paginate_limit(
            self,
            request,
            with_card_fields(qs, actor=request.user),
            tickets_out,
            10,
            count=lambda: ticket_count(qs),
        )


class AttentionNeededView(_CardsDashboard):
    @doc.doc(
        summary="Open tickets that are urgent, overdue or unassigned-urgent",
        page=doc.Ticket,
        params=[
            doc.qint("project", "Project id (required; 404 if not a member)", required=True),
            doc.qint("limit", "Page size (default 10, at most 100)", maximum=100),
        ],
        errors=(400, 401, 403, 404),
    )
    def get(self, request):
        qs = core_call(reports.attention_needed, actor=request.user, project=self.project(request))
        return self.cards(request, qs)


class NewestView(_CardsDashboard):
    @doc.doc(
        summary="Most recently created tickets",
        page=doc.Ticket,
        params=[
            doc.qint("project", "Project id (required; 404 if not a member)", required=True),
            doc.qint("limit", "Page size (default 10, at most 100)", maximum=100),
        ],
        errors=(400, 401, 403, 404),
    )
    def get(self, request):
        qs = core_call(reports.newest, actor=request.user, project=self.project(request))
        return self.cards(request, qs)


def activity_out(e) -> dict:
    return {
        "id": e.pk,
        "ticket": e.ticket_id,
        "ticket_name": e.ticket.title if e.ticket_id else None,
        "user": user_brief(e.actor),
        "action": e.action,
        "field": e.field,
        "old_value": e.old_value,
        "new_value": e.new_value,
        "created_at": DT.to_representation(e.created_at),
    }


class ActivityView(_Dashboard):
    @doc.doc(
        summary="Recent changes to the project's tickets",
        page=doc.Activity,
        params=[
            doc.qint("project", "Project id (required; 404 if not a member)", required=True),
            doc.qint("limit", "Page size (default 20, at most 100)", maximum=100),
        ],
        errors=(400, 401, 403, 404),
    )
    def get(self, request):
        qs = core_call(reports.activity, actor=request.user, project=self.project(request))
        return paginate_limit(self, request, qs, lambda rows: [activity_out(e) for e in rows], 20)


class WorkloadView(_Dashboard):
    @doc.doc(
        summary="Open work per assignable member",
        ok=doc.Workload,
        params=[doc.qint("project", "Project id (required; 404 if not a member)", required=True)],
        errors=(400, 401, 403, 404),
    )
    def get(self, request):
        rows = core_call(reports.workload, actor=request.user, project=self.project(request))
        return Response(
            {
                "agents": [
                    {
                        "id": u.pk,
                        "username": u.username,
                        "assigned_count": u.assigned_count,
                        "in_progress_count": u.in_progress_count,
                        "resolved_today": u.resolved_today,
                    }
                    for u in rows
                ]
            }
        )


class KanbanSummaryView(_Dashboard):
    @doc.doc(
        summary="Tickets per column",
        ok=doc.KanbanSummary,
        params=[doc.qint("project", "Project id (required; 404 if not a member)", required=True)],
        errors=(400, 401, 403, 404),
    )
    def get(self, request):
        rows = core_call(reports.kanban_summary, actor=request.user, project=self.project(request))
        return Response({"columns": [{"id": c.pk, "name": c.name, "count": c.count} for c in rows]})
