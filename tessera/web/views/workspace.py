"""Agent workspace: the ticket list with filters, sort, search, paging and saved views."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from tessera.core.common.errors import TesseraError
from tessera.core.common.pagination import CountedPaginator, page_depth
from tessera.core.tickets.counts import ticket_count, with_matches_counted

from .. import selectors, services
from .common import error_messages

PAGE_SIZE = 25


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Agents land on the workspace, requesters on the portal."""
    if selectors.is_agent(request.user):
        return redirect("web:workspace")
    return redirect("web:portal")


@login_required
def workspace(request: HttpRequest) -> HttpResponse:
    return _render(request, request.GET)


def _render(
    request: HttpRequest, params, *, errors: dict | None = None, status: int = 200
) -> HttpResponse:
    flt = selectors.TicketFilter.from_params(params)
    tickets = with_matches_counted(
        selectors.workspace_tickets(actor=request.user, flt=flt),
        depth=page_depth(request.GET.get("page"), PAGE_SIZE),
    )
    paginator = CountedPaginator(tickets, PAGE_SIZE, count=lambda: ticket_count(tickets))
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "flt": flt,
        "page": page,
        "query": services.clean_query(params),
        "errors": errors or {},
    }
    if request.htmx and request.htmx.target == "results":
        return render(request, "web/partials/ticket_results.html", context, status=status)
    context |= selectors.filter_choices(actor=request.user)
    context["saved_views"] = selectors.saved_views_of(request.user)
    return render(request, "web/workspace.html", context, status=status)


@login_required
@require_POST
def saved_view_save(request: HttpRequest) -> HttpResponse:
    try:
        view = services.saved_view_save(
            actor=request.user, name=request.POST.get("name", ""), params=request.POST
        )
    except TesseraError as exc:
        return _render(
            request, request.POST, errors={"saved_view": error_messages(exc)}, status=400
        )
    return redirect(f"{reverse('web:workspace')}?{view.query}")


@login_required
@require_POST
def saved_view_delete(request: HttpRequest, view_id: int) -> HttpResponse:
    try:
        services.saved_view_delete(actor=request.user, view_id=view_id)
    except TesseraError:
        pass  # deleting a view that is not (or no longer) yours changes nothing
    return redirect("web:workspace")
