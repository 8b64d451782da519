"""Document 001's ticket endpoints: ``/api/tickets`` (no trailing slash), ``/api/tickets/all``,
``/api/tickets/<uuid>`` and ``/api/tickets/<uuid>/processing``.

Thin: inputs are checked against the DTOs, the core services decide, the envelope module
shapes every answer. Authentication is the HTTP-only cookie only.
"""

from __future__ import annotations

from django.db import transaction
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.views import APIView

from tessera.core.accounts.authentication import CookieJWTAuthentication
from tessera.core.common.errors import Forbidden
from tessera.core.triage import selectors, services

from . import envelope
from .security import refuse_cross_site_writes
from .serializers import (
    CreateTicketInput,
    UpdateTicketInput,
    query_params,
    step_data,
    ticket_data,
)


class SupportView(APIView):
    """Cookie authentication, JSON bodies only, Origin check on writes, 001's envelope."""

    authentication_classes = [CookieJWTAuthentication]
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]

    def get_exception_handler(self):
        return envelope.exception_handler

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        refuse_cross_site_writes(request)

    def body(self, request) -> dict:
        data = request.data
        if not isinstance(data, dict):
            raise exceptions.ValidationError("Request body must be a JSON object")
        return data


def forbid_unless(allowed: bool, message: str) -> None:
    if not allowed:
        raise Forbidden(message)


LIST_PARAMS = [
    OpenApiParameter("page", int, description="Page number, from 1 (default 1)"),
    OpenApiParameter("limit", int, description="Items per page, 1-100 (default 20)"),
    OpenApiParameter(
        "status",
        str,
        enum=["todo", "in_progress", "waiting_for_customer", "resolved", "closed", "cancelled"],
    ),
    OpenApiParameter("priority", str, enum=["low", "medium", "high"]),
]


def _page(request, *, scope: str, enhanced: bool, message: str):
    params = query_params(request)
    qs = selectors.support_tickets(
        actor=request.user,
        scope=scope,
        status=params.get("status"),
        priority=params.get("priority"),
        assigned_to=params.get("assigned_to") if scope == "all" else None,
    )
    page, limit = params["page"], params["limit"]
    total = qs.count()
    offset = (page - 1) * limit
    rows = list(qs[offset : offset + limit]) if offset < total else []
    data = [ticket_data(t, enhanced=enhanced) for t in rows]
    return envelope.ok(data, message, meta={"total": total, "page": page, "limit": limit})


class TicketCollectionView(SupportView):
    @extend_schema(parameters=LIST_PARAMS, responses={200: dict})
    def get(self, request):
        return _page(request, scope="own", enhanced=False, message="Tickets retrieved successfully")

    @extend_schema(request=CreateTicketInput, responses={201: dict})
    def post(self, request):
        form = CreateTicketInput(data=self.body(request))
        form.is_valid(raise_exception=True)
        with transaction.atomic():  # answer with the ticket as created; processing follows
            ticket = services.support_ticket_create(actor=request.user, **form.validated_data)
            data = ticket_data(ticket)
        return envelope.ok(data, "Ticket created and processing started", status=201)


class TicketAllView(SupportView):
    @extend_schema(
        parameters=[
            *LIST_PARAMS,
            OpenApiParameter("assigned_to", str, description="Assignee UUID"),
        ],
        responses={200: dict},
    )
    def get(self, request):
        forbid_unless(
            selectors.can_view_all(request.user), "Only moderators and admins can view all tickets"
        )
        return _page(
            request, scope="all", enhanced=True, message="All tickets retrieved successfully"
        )


class TicketDetailView(SupportView):
    @extend_schema(responses={200: dict})
    def get(self, request, ticket_id: str):
        ticket = selectors.support_ticket_get(actor=request.user, ticket_id=ticket_id)
        return envelope.ok(ticket_data(ticket), "Ticket retrieved successfully")

    @extend_schema(request=UpdateTicketInput, responses={200: dict})
    def patch(self, request, ticket_id: str):
        forbid_unless(selectors.can_moderate(request.user), "Only moderators can update tickets")
        form = UpdateTicketInput(data=self.body(request))
        form.is_valid(raise_exception=True)
        ticket = selectors.support_ticket_get(actor=request.user, ticket_id=ticket_id)
        services.support_ticket_update(
            actor=request.user,
            ticket=ticket,
            status=form.validated_data.get("status"),
            helpful_notes=form.validated_data.get("helpful_notes"),
        )
        ticket = selectors.support_ticket_get(actor=request.user, ticket_id=ticket_id)
        return envelope.ok(ticket_data(ticket), "Ticket updated successfully")

    @extend_schema(responses={200: dict})
    def delete(self, request, ticket_id: str):
        forbid_unless(
            selectors.can_delete_any(request.user), "Only moderators and admins can delete tickets"
        )
        ticket = selectors.support_ticket_get(actor=request.user, ticket_id=ticket_id)
        services.support_ticket_delete(actor=request.user, ticket=ticket)
        return envelope.ok(None, "Ticket deleted successfully")


class TicketProcessingView(SupportView):
    """Beyond the document: the background workflow's step records, for moderators."""

    @extend_schema(responses={200: dict})
    def get(self, request, ticket_id: str):
        forbid_unless(
            selectors.can_view_all(request.user),
            "Only moderators and admins can view ticket processing",
        )
        ticket = selectors.support_ticket_get(actor=request.user, ticket_id=ticket_id)
        triage = getattr(ticket, "triage", None)  # RelatedObjectDoesNotExist is an AttributeError
        steps = selectors.pipeline_steps(ticket=ticket)
        data = {
            "ticket_id": str(ticket.public_id),
            "pipeline_status": triage.pipeline_status if triage else None,
            "steps": [step_data(s) for s in steps],
        }
        return envelope.ok(data, "Ticket processing retrieved successfully")
