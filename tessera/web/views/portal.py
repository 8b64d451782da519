"""Customer portal: a requester's own (and company's) tickets, never internal notes."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tessera.core.common.pagination import CountedPaginator
from tessera.core.tickets.counts import ticket_count

from .. import selectors
from .common import page_errors
from .tickets import render_ticket


@login_required
def portal(request: HttpRequest) -> HttpResponse:
    flt = selectors.TicketFilter.from_params(request.GET)
    tickets = selectors.workspace_tickets(actor=request.user, flt=flt)
    paginator = CountedPaginator(tickets, 25, count=lambda: ticket_count(tickets))
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "web/portal.html", {"page": page, "flt": flt})


@login_required
@page_errors
def portal_ticket(request: HttpRequest, ticket_id: int) -> HttpResponse:
    ticket = selectors.ticket_for_page(actor=request.user, ticket_id=ticket_id)
    return render_ticket(request, ticket)
