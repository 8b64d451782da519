"""Document 000 over the core: each view authenticates (JWT Bearer), loads through a
selector, calls one service and renders. Errors are DRF's shapes (project exception handler).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers as drf_serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.authentication import JWTAuthentication

from tessera.core.common.errors import ValidationFailed
from tessera.core.common.pagination import StandardPagination
from tessera.core.projects import permissions
from tessera.core.workshop import selectors, services

from . import serializers as s


def doc(
    summary: str,
    *,
    request: Any = None,
    params: Any = None,
    status: int = 200,
) -> Callable:
    """OpenAPI description of one method (the bodies are rendered by plain functions)."""
    return extend_schema(
        summary=summary,
        tags=["workshop (document 000)"],
        request=request,
        parameters=[params] if params is not None else None,
        responses={
            status: OpenApiTypes.OBJECT,
            **{code: OpenApiTypes.OBJECT for code in (400, 401, 403, 404)},
        },
    )


class WorkshopView(APIView):
    authentication_classes = [JWTAuthentication]
    permission_classes = [IsAuthenticated]

    def paginate(self, request: Request, items: Any, render: Callable[[list], list]) -> Response:
        paginator = StandardPagination()
        page = paginator.paginate_queryset(items, request, view=self)
        return paginator.get_paginated_response(render(list(page)))

    @staticmethod
    def query(serializer_class: type[drf_serializers.Serializer], request: Request) -> dict:
        ser = serializer_class(data=request.query_params)
        ser.is_valid(raise_exception=True)
        return ser.validated_data

    @staticmethod
    def body(serializer_class: type[drf_serializers.Serializer], request: Request) -> dict:
        data = request.data if isinstance(request.data, dict) else None
        if data is None:
            raise ValidationFailed("Expected a JSON object.")
        ser = serializer_class(data=data)
        ser.is_valid(raise_exception=True)
        return ser.validated_data


def render_tickets(tickets: list) -> list[dict]:
    current = selectors.current_sessions(tickets)
    return [s.ticket_out(t, current.get(t.pk)) for t in tickets]


def ticket_response(request: Request, ticket_id: Any, status: int = 200) -> Response:
    ticket = selectors.access_workshop_ticket(actor=request.user, ticket_id=ticket_id)
    return Response(render_tickets([ticket])[0], status=status)


# --- tickets ---------------------------------------------------------------------------------


class TicketListView(WorkshopView):
    @doc("List tickets with relational context", params=s.TicketFilterIn)
    def get(self, request: Request) -> Response:
        f = self.query(s.TicketFilterIn, request)
        qs = selectors.ticket_list(
            actor=request.user,
            state=f.get("state"),
            technician_id=f.get("technician"),
            flag_color=f.get("flag_color"),
            serial=f.get("serial"),
            ordering=f.get("ordering"),
        )
        return self.paginate(request, qs, render_tickets)


class TicketCreateView(WorkshopView):
    @doc("Intake: create a ticket from part specs", request=s.TicketCreateIn, status=201)
    def post(self, request: Request) -> Response:
        raw = request.data if isinstance(request.data, dict) else {}
        # the role first (403), then the input (400)
        project = selectors.intake_project(actor=request.user, project_id=raw.get("project_id"))
        data = self.body(s.TicketCreateIn, request)
        ticket = services.workshop_ticket_create(
            actor=request.user,
            project=project,
            serial_number=data["serial_number"],
            parts=s.parts_from(data),
            title=data["title"],
            description=data["description"],
            item_name=data["item_name"],
            confirm_create=data["confirm_create"],
            create_reason=data["create_reason"],
        )
        return ticket_response(request, ticket.pk, status=201)


class TicketDetailView(WorkshopView):
    @doc("Ticket detail")
    def get(self, request: Request, pk: int) -> Response:
        return ticket_response(request, pk)


class TicketAssignView(WorkshopView):
    @doc("Assign a technician (after admin review)", request=s.AssignIn)
    def post(self, request: Request, pk: int) -> Response:
        ticket = selectors.access_workshop_ticket(actor=request.user, ticket_id=pk)
        permissions.require_perm(request.user, "assign_ticket", ticket.project_id)
        data = self.body(s.AssignIn, request)
        technician = selectors.user_by_id(data["technician_id"])
        services.workshop_ticket_assign(actor=request.user, ticket=ticket, technician=technician)
        return ticket_response(request, pk)


class TicketManualMetricsView(WorkshopView):
    @doc("Admin review: override metrics and approve", request=s.ManualMetricsIn)
    def post(self, request: Request, pk: int) -> Response:
        ticket = selectors.access_workshop_ticket(actor=request.user, ticket_id=pk)
        permissions.require_perm(request.user, "review_ticket", ticket.project_id)
        data = self.body(s.ManualMetricsIn, request)
        services.workshop_metrics_override(
            actor=request.user,
            ticket=ticket,
            flag_color=data.get("flag_color"),
            xp_amount=data.get("xp_amount"),
        )
        return ticket_response(request, pk)


def _action_view(service: Callable[..., Any], summary: str) -> type[WorkshopView]:
    class ActionView(WorkshopView):
        @doc(summary)
        def post(self, request: Request, pk: int) -> Response:
            ticket = selectors.access_workshop_ticket(actor=request.user, ticket_id=pk)
            service(actor=request.user, ticket=ticket)
            return ticket_response(request, pk)

    ActionView.__name__ = f"{service.__name__}_view"
    return ActionView


TicketStartView = _action_view(services.workshop_ticket_start, "Start work (IN_PROGRESS)")
TicketToWaitingQcView = _action_view(
    services.workshop_ticket_to_waiting_qc, "Move to WAITING_QC (session stopped)"
)
TicketQcPassView = _action_view(services.qc_pass, "QC pass: DONE, item ready, XP")
TicketQcFailView = _action_view(services.qc_fail, "QC fail: REWORK, checker XP")


class TicketTransitionsView(WorkshopView):
    @doc("Workflow transitions, oldest first")
    def get(self, request: Request, pk: int) -> Response:
        ticket = selectors.access_workshop_ticket(actor=request.user, ticket_id=pk)
        qs = selectors.ticket_transitions(ticket=ticket)
        return self.paginate(request, qs, lambda page: [s.transition_out(e) for e in page])


# --- work sessions -----------------------------------------------------------------------------


def _session_view(service: Callable[..., Any], summary: str) -> type[WorkshopView]:
    class SessionActionView(WorkshopView):
        @doc(summary)
        def post(self, request: Request, pk: int) -> Response:
            ticket = selectors.access_workshop_ticket(actor=request.user, ticket_id=pk)
            session = service(actor=request.user, ticket=ticket)
            derived = selectors.derive_sessions([session])[session.pk]
            return Response(s.session_out(session, derived))

    SessionActionView.__name__ = f"{service.__name__}_view"
    return SessionActionView


WorkSessionPauseView = _session_view(services.work_session_pause, "Pause the work session")
WorkSessionResumeView = _session_view(services.work_session_resume, "Resume the work session")
WorkSessionStopView = _session_view(services.work_session_stop, "Stop the work session")


class WorkSessionHistoryView(WorkshopView):
    @doc("Work-session events, oldest first")
    def get(self, request: Request, pk: int) -> Response:
        ticket = selectors.access_workshop_ticket(actor=request.user, ticket_id=pk)
        services.work_session_sync(ticket=ticket)
        qs = selectors.session_history(ticket=ticket)
        return self.paginate(request, qs, lambda page: [s.session_event_out(e) for e in page])


# --- inventory -------------------------------------------------------------------------------


class InventoryListView(WorkshopView):
    @doc("List inventory items", params=s.InventoryFilterIn)
    def get(self, request: Request) -> Response:
        f = self.query(s.InventoryFilterIn, request)
        qs = selectors.inventory_list(
            actor=request.user,
            state=f.get("state"),
            serial=f.get("serial_number"),
            search=f.get("search"),
            ordering=f.get("ordering"),
        )
        return self.paginate(request, qs, lambda page: [s.item_detail_out(i) for i in page])


class InventoryDetailView(WorkshopView):
    @doc("Inventory item detail")
    def get(self, request: Request, pk: int) -> Response:
        item = selectors.access_inventory_item(actor=request.user, item_id=pk)
        return Response(s.item_detail_out(item))


def _inventory_action(service: Callable[..., Any], summary: str) -> type[WorkshopView]:
    class InventoryActionView(WorkshopView):
        @doc(summary)
        def post(self, request: Request, pk: int) -> Response:
            item = selectors.access_inventory_item(actor=request.user, item_id=pk)
            service(actor=request.user, item=item)
            item = selectors.access_inventory_item(actor=request.user, item_id=pk)
            return Response(s.item_detail_out(item))

    InventoryActionView.__name__ = f"{service.__name__}_view"
    return InventoryActionView


InventoryArchiveView = _inventory_action(
    services.inventory_item_archive, "Archive an inventory item"
)
InventoryRestoreView = _inventory_action(
    services.inventory_item_restore, "Restore an archived item"
)


# --- XP and analytics ---------------------------------------------------------------------------


class XpTransactionListView(WorkshopView):
    @doc("XP ledger", params=s.XpFilterIn)
    def get(self, request: Request) -> Response:
        f = self.query(s.XpFilterIn, request)
        qs = selectors.xp_transactions(
            actor=request.user,
            user_id=f.get("user"),
            ticket_id=f.get("ticket"),
            kind=f.get("kind"),
            ordering=f.get("ordering"),
        )
        return self.paginate(request, qs, lambda page: [s.xp_out(t) for t in page])


class XpLeaderboardView(WorkshopView):
    @doc("XP leaderboard", params=s.LeaderboardFilterIn)
    def get(self, request: Request) -> Response:
        f = self.query(s.LeaderboardFilterIn, request)
        qs = selectors.xp_leaderboard(
            actor=request.user, since=f.get("since"), until=f.get("until")
        )
        paginator = StandardPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        start = paginator.page.start_index()
        return paginator.get_paginated_response(
            [s.leaderboard_out(row, start + i) for i, row in enumerate(page)]
        )


class TechnicianAnalyticsView(WorkshopView):
    @doc("Technician analytics (SQL)")
    def get(self, request: Request) -> Response:
        rows = selectors.technician_analytics(actor=request.user)
        return self.paginate(request, rows, lambda page: page)
