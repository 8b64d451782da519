"""Document 000 over the core: each view authenticates (JWT Bearer), loads through a
selector, calls one service and renders. Errors are DRF's shapes (project exception handler).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rest_framework import serializers as drf_serializers
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from tessera.core.accounts.authentication import JWTAuthentication
from tessera.core.common.errors import Conflict, ValidationFailed
from tessera.core.common.pagination import StandardPagination
from tessera.core.projects import permissions
from tessera.core.tickets.counts import ticket_count
from tessera.core.tickets.selectors import newest_first_by_project
from tessera.core.workshop import selectors, services
from tessera.surfaces.drf import if_match_version, with_etag

from . import schema as d
from . import serializers as s

# The project's JSON parser(s) only (which refuse NUL/lone surrogates with a 400): this is a
# JSON API, a form or multipart body is a 415.
JSON_PARSERS = [p for p in api_settings.DEFAULT_PARSER_CLASSES if issubclass(p, JSONParser)]


class WorkshopView(APIView):
    authentication_classes = [JWTAuthentication]
    permission_classes = [IsAuthenticated]
    parser_classes = JSON_PARSERS

    def handle_exception(self, exc: Exception) -> Response:
        # A stale If-Match: the project's handler answers 409 {"detail", "current_version"};
        # this surface also sends the current version as the ETag.
        response = super().handle_exception(exc)
        if isinstance(exc, Conflict):
            with_etag(response, exc.extra.get("current_version"))
        return response

    def paginate(
        self,
        request: Request,
        items: Any,
        render: Callable[[list], list],
        count: Callable[[], int] | None = None,
    ) -> Response:
        """A page of ``items``; ``count`` (optional) says how to count all of them."""
        paginator = StandardPagination()
        page = paginator.paginate_queryset(items, request, view=self, count=count)
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


def render_tickets(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [s.ticket_out(row) for row in selectors.ticket_rows_complete(rows)]


def ticket_response(request: Request, ticket_id: Any, status: int = 200) -> Response:
    """The ticket as the caller may see it now, with its version as the ``ETag``."""
    row = selectors.access_workshop_ticket_row(actor=request.user, ticket_id=ticket_id)
    return with_etag(Response(s.ticket_out(row), status=status), row["version"])


# --- tickets ---------------------------------------------------------------------------------


class TicketListView(WorkshopView):
    @d.doc(
        op="workshop_tickets_list",
        summary="List tickets with relational context",
        ok=d.WsTicket,
        params=d.TICKET_FILTERS,
        paged=True,
    )
    def get(self, request: Request) -> Response:
        f = self.query(s.TicketFilterIn, request)
        qs = selectors.ticket_list(
            actor=request.user,
            state=f.get("state"),
            technician_id=f.get("technician"),
            flag_color=f.get("flag_color"),
            serial=f.get("serial"),
            ordering=f.get("ordering"),
            plain=True,
        )
        narrowed = any(f.get(name) for name in ("technician", "flag_color", "serial"))
        rows = newest_first_by_project(
            selectors.ticket_rows_qs(qs),
            actor=request.user,
            template=selectors.TEMPLATE,
            # a technician, a flag colour or a serial may match in one project only
            spread=not narrowed,
            state_key=f.get("state") if not narrowed else None,
        )
        return self.paginate(request, rows, render_tickets, count=lambda: ticket_count(qs))


class TicketCreateView(WorkshopView):
    @d.doc(
        op="workshop_tickets_create",
        summary="Intake: create a ticket from part specs",
        ok=d.WsTicket,
        status=201,
        request=s.TicketCreateIn,
        params=[d.ETAG],
    )
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
    @d.doc(
        op="workshop_tickets_retrieve",
        summary="Ticket detail",
        ok=d.WsTicket,
        path_id=True,
        params=[d.ETAG],
    )
    def get(self, request: Request, pk: str) -> Response:
        return ticket_response(request, pk)


class TicketAssignView(WorkshopView):
    @d.doc(
        op="workshop_tickets_assign",
        summary="Assign a technician (after admin review)",
        ok=d.WsTicket,
        request=s.AssignIn,
        path_id=True,
        params=[d.IF_MATCH, d.ETAG],
        errors=(401, 403, 409),
    )
    def post(self, request: Request, pk: str) -> Response:
        ticket = selectors.access_workshop_ticket(actor=request.user, ticket_id=pk)
        permissions.require_perm(request.user, "assign_ticket", ticket.project_id)
        data = self.body(s.AssignIn, request)
        technician = selectors.user_by_id(data["technician_id"])
        services.workshop_ticket_assign(
            actor=request.user,
            ticket=ticket,
            technician=technician,
            expected_version=if_match_version(request),
        )
        return ticket_response(request, pk)


class TicketManualMetricsView(WorkshopView):
    @d.doc(
        op="workshop_tickets_manual_metrics",
        summary="Admin review: override metrics and approve",
        ok=d.WsTicket,
        request=s.ManualMetricsIn,
        path_id=True,
        params=[d.IF_MATCH, d.ETAG],
        errors=(401, 403, 409),
    )
    def post(self, request: Request, pk: str) -> Response:
        ticket = selectors.access_workshop_ticket(actor=request.user, ticket_id=pk)
        permissions.require_perm(request.user, "review_ticket", ticket.project_id)
        data = self.body(s.ManualMetricsIn, request)
        services.workshop_metrics_override(
            actor=request.user,
            ticket=ticket,
            flag_color=data.get("flag_color"),
            xp_amount=data.get("xp_amount"),
            expected_version=if_match_version(request),
        )
        return ticket_response(request, pk)


def _action_view(service: Callable[..., Any], op: str, summary: str) -> type[WorkshopView]:
    """A ticket action without a body; ``If-Match`` guards it, the answer is the ticket."""

    class ActionView(WorkshopView):
        @d.doc(
            op=op,
            summary=summary,
            ok=d.WsTicket,
            path_id=True,
            params=[d.IF_MATCH, d.ETAG],
            errors=(400, 401, 403, 409),
        )
        def post(self, request: Request, pk: str) -> Response:
            ticket = selectors.access_workshop_ticket(actor=request.user, ticket_id=pk)
            service(actor=request.user, ticket=ticket, expected_version=if_match_version(request))
            return ticket_response(request, pk)

    ActionView.__name__ = f"{service.__name__}_view"
    return ActionView


TicketStartView = _action_view(
    services.workshop_ticket_start, "workshop_tickets_start", "Start work (IN_PROGRESS)"
)
TicketToWaitingQcView = _action_view(
    services.workshop_ticket_to_waiting_qc,
    "workshop_tickets_to_waiting_qc",
    "Move to WAITING_QC (session stopped)",
)
TicketQcPassView = _action_view(
    services.qc_pass, "workshop_tickets_qc_pass", "QC pass: DONE, item ready, XP"
)
TicketQcFailView = _action_view(
    services.qc_fail, "workshop_tickets_qc_fail", "QC fail: REWORK, checker XP"
)


class TicketTransitionsView(WorkshopView):
    @d.doc(
        op="workshop_tickets_transitions_list",
        summary="Workflow transitions, oldest first",
        ok=d.WsTransition,
        path_id=True,
        paged=True,
    )
    def get(self, request: Request, pk: str) -> Response:
        ticket = selectors.access_workshop_ticket(actor=request.user, ticket_id=pk)
        qs = selectors.ticket_transitions(ticket=ticket)
        return self.paginate(request, qs, lambda page: [s.transition_out(e) for e in page])


# --- work sessions -----------------------------------------------------------------------------


def _session_view(service: Callable[..., Any], op: str, summary: str) -> type[WorkshopView]:
    class SessionActionView(WorkshopView):
        @d.doc(
            op=op,
            summary=summary,
            ok=d.WsWorkSession,
            path_id=True,
            errors=(400, 401, 403),
        )
        def post(self, request: Request, pk: str) -> Response:
            ticket = selectors.access_workshop_ticket(actor=request.user, ticket_id=pk)
            session = service(actor=request.user, ticket=ticket)
            derived = selectors.derive_sessions([session])[session.pk]
            return Response(s.session_out(session, derived))

    SessionActionView.__name__ = f"{service.__name__}_view"
    return SessionActionView


WorkSessionPauseView = _session_view(
    services.work_session_pause, "workshop_work_session_pause", "Pause the work session"
)
WorkSessionResumeView = _session_view(
    services.work_session_resume, "workshop_work_session_resume", "Resume the work session"
)
WorkSessionStopView = _session_view(
    services.work_session_stop, "workshop_work_session_stop", "Stop the work session"
)


class WorkSessionHistoryView(WorkshopView):
    @d.doc(
        op="workshop_work_session_history_list",
        summary="Work-session events, oldest first",
        ok=d.WsSessionEvent,
        path_id=True,
        paged=True,
    )
    def get(self, request: Request, pk: str) -> Response:
        ticket = selectors.access_workshop_ticket(actor=request.user, ticket_id=pk)
        services.work_session_sync(ticket=ticket)
        qs = selectors.session_history(ticket=ticket)
        return self.paginate(request, qs, lambda page: [s.session_event_out(e) for e in page])


# --- inventory -------------------------------------------------------------------------------


class InventoryListView(WorkshopView):
    @d.doc(
        op="workshop_inventory_items_list",
        summary="List inventory items",
        ok=d.WsInventoryItem,
        params=d.INVENTORY_FILTERS,
        paged=True,
    )
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
    @d.doc(
        op="workshop_inventory_items_retrieve",
        summary="Inventory item detail",
        ok=d.WsInventoryItem,
        path_id=True,
    )
    def get(self, request: Request, pk: str) -> Response:
        item = selectors.access_inventory_item(actor=request.user, item_id=pk)
        return Response(s.item_detail_out(item))


def _inventory_action(service: Callable[..., Any], op: str, summary: str) -> type[WorkshopView]:
    class InventoryActionView(WorkshopView):
        @d.doc(
            op=op,
            summary=summary,
            ok=d.WsInventoryItem,
            path_id=True,
            errors=(400, 401, 403),
        )
        def post(self, request: Request, pk: str) -> Response:
            item = selectors.access_inventory_item(actor=request.user, item_id=pk)
            service(actor=request.user, item=item)
            item = selectors.access_inventory_item(actor=request.user, item_id=pk)
            return Response(s.item_detail_out(item))

    InventoryActionView.__name__ = f"{service.__name__}_view"
    return InventoryActionView


InventoryArchiveView = _inventory_action(
    services.inventory_item_archive,
    "workshop_inventory_items_archive",
    "Archive an inventory item",
)
InventoryRestoreView = _inventory_action(
    services.inventory_item_restore,
    "workshop_inventory_items_restore",
    "Restore an archived item",
)


# --- XP and analytics ---------------------------------------------------------------------------


class XpTransactionListView(WorkshopView):
    @d.doc(
        op="workshop_xp_transactions_list",
        summary="XP ledger",
        ok=d.WsXpTransaction,
        params=d.XP_FILTERS,
        paged=True,
    )
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
    @d.doc(
        op="workshop_xp_leaderboard_list",
        summary="XP leaderboard",
        ok=d.WsLeaderboardRow,
        params=d.LEADERBOARD_FILTERS,
        paged=True,
    )
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
    @d.doc(
        op="workshop_analytics_technicians_list",
        summary="Technician analytics (SQL)",
        ok=d.WsTechnicianAnalytics,
        paged=True,
    )
    def get(self, request: Request) -> Response:
        rows = selectors.technician_analytics(actor=request.user)
        return self.paginate(request, rows, lambda page: page)
