"""Document 001's ticket endpoints: ``/api/tickets`` (no trailing slash), ``/api/tickets/all``,
``/api/tickets/<uuid>`` and ``/api/tickets/<uuid>/processing``.

Thin: inputs are checked against the DTOs, the core services decide, the envelope module
shapes every answer. Authentication is the HTTP-only cookie only.
"""

from __future__ import annotations

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.permissions import IsAuthenticated
from rest_framework.views import APIView

from tessera.core.accounts.authentication import CookieJWTAuthentication
from tessera.core.common.errors import Forbidden
from tessera.core.tickets.counts import ticket_count
from tessera.core.tickets.selectors import newest_first_by_project
from tessera.core.triage import selectors, services
from tessera.surfaces import drf
from tessera.surfaces.drf import StrictJSONParser, with_etag

from . import envelope
from . import schema as doc
from .security import refuse_cross_site_writes
from .serializers import (
    CreateTicketInput,
    UpdateTicketInput,
    query_params,
    step_data,
    ticket_data,
    tickets_data,
)


class SupportView(APIView):
    """Cookie authentication, JSON bodies only, Origin check on writes, 001's envelope."""

    authentication_classes = [CookieJWTAuthentication]
    permission_classes = [IsAuthenticated]
    parser_classes = [StrictJSONParser]

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
    total = ticket_count(qs)
    offset = (page - 1) * limit
    # one's own tickets or an assignee's may all be in one project
    spread = scope == "all" and not params.get("assigned_to")
    rows = newest_first_by_project(
        qs.values(*selectors.TICKET_ROW),
        actor=request.user,
        template=selectors.TEMPLATE,
        spread=spread,
        state_key=params.get("status") if spread and not params.get("priority") else None,
    )
    rows = list(rows[offset : offset + limit]) if offset < total else []
    data = tickets_data(rows, enhanced=enhanced)
    return envelope.ok(data, message, meta={"total": total, "page": page, "limit": limit})


class TicketCollectionView(SupportView):
    @extend_schema(
        operation_id="support_tickets_list",
        summary="The authenticated user's own tickets",
        parameters=[*doc.LIST_PARAMS, doc.ASSIGNED_TO],
        responses={200: doc.TICKET_LIST, **doc.errors(400, 401)},
    )
    def get(self, request):
        return _page(request, scope="own", enhanced=False, message="Tickets retrieved successfully")

    @extend_schema(
        operation_id="support_tickets_create",
        summary="Create a ticket and start its processing",
        request=doc.CreateTicketRequest,
        responses={201: doc.TICKET, **doc.errors(400, 401, 403, 415)},
    )
    def post(self, request):
        form = CreateTicketInput(data=self.body(request))
        form.is_valid(raise_exception=True)
        with transaction.atomic():  # answer with the ticket as created; processing follows
            ticket = services.support_ticket_create(actor=request.user, **form.validated_data)
            data = ticket_data(ticket)
        return envelope.ok(data, "Ticket created and processing started", status=201)


class TicketAllView(SupportView):
    @extend_schema(
        operation_id="support_tickets_all",
        summary="All tickets (moderator, admin), with assignee and creator emails",
        parameters=[*doc.LIST_PARAMS, doc.ASSIGNED_TO],
        responses={200: doc.TICKET_ALL, **doc.errors(400, 401, 403)},
    )
    def get(self, request):
        forbid_unless(
            selectors.can_view_all(request.user), "Only moderators and admins can view all tickets"
        )
        return _page(
            request, scope="all", enhanced=True, message="All tickets retrieved successfully"
        )


def if_match_version(request) -> int | None:
    """The shared ``If-Match`` parse (``tessera.surfaces.drf``); here a header that carries
    no version is no 400 but a version no ticket has (-1), so it can never match: 409."""
    try:
        return drf.if_match_version(request)
    except drf.InvalidIfMatch:
        return -1


@extend_schema(parameters=[doc.TICKET_ID])
class TicketDetailView(SupportView):
    @extend_schema(
        operation_id="support_ticket_retrieve",
        summary="One ticket (its creator; moderator, admin)",
        parameters=[doc.ETAG],
        responses={200: doc.TICKET, **doc.errors(401, 403, 404)},
    )
    def get(self, request, ticket_id: str):
        ticket = selectors.support_ticket_get(actor=request.user, ticket_id=ticket_id)
        data = ticket_data(ticket)
        return with_etag(envelope.ok(data, "Ticket retrieved successfully"), ticket.version)

    @extend_schema(
        operation_id="support_ticket_update",
        summary="Update status and helpful notes (moderator, admin)",
        parameters=[doc.IF_MATCH, doc.ETAG],
        request=doc.UpdateTicketRequest,
        responses={200: doc.TICKET, **doc.errors(400, 401, 403, 404, 409, 415)},
    )
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
            expected_version=if_match_version(request),
        )
        ticket = selectors.support_ticket_get(actor=request.user, ticket_id=ticket_id)
        data = ticket_data(ticket)
        return with_etag(envelope.ok(data, "Ticket updated successfully"), ticket.version)

    @extend_schema(
        operation_id="support_ticket_delete",
        summary="Delete a ticket (moderator, admin)",
        responses={200: doc.DELETED, **doc.errors(401, 403, 404)},
    )
    def delete(self, request, ticket_id: str):
        forbid_unless(
            selectors.can_delete_any(request.user), "Only moderators and admins can delete tickets"
        )
        ticket = selectors.support_ticket_get(actor=request.user, ticket_id=ticket_id)
        services.support_ticket_delete(actor=request.user, ticket=ticket)
        return envelope.ok(None, "Ticket deleted successfully")


class TicketProcessingView(SupportView):
    """Beyond the document: the background workflow's step records, for moderators."""

    @extend_schema(
        operation_id="support_ticket_processing",
        summary="The ticket's background workflow steps (moderator, admin)",
        parameters=[doc.TICKET_ID],
        responses={200: doc.PROCESSING, **doc.errors(401, 403, 404)},
    )
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
