"""Kanban board per project: columns from the project, drag and drop saved at once."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tessera.core.common.errors import TesseraError, ValidationFailed
from tessera.core.projects.selectors import access_project, columns_of, projects_visible_to
from tessera.core.tickets import services
from tessera.core.tickets.selectors import access_ticket

from .. import selectors
from .common import error_messages, page_errors


@login_required
def projects(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/projects.html",
        {"projects": projects_visible_to(request.user).order_by("key")},
    )


@login_required
@page_errors
def board(request: HttpRequest, project_id: int) -> HttpResponse:
    project = access_project(actor=request.user, project_id=project_id)
    limit = _int(request.GET.get("cards")) or selectors.BOARD_CARDS
    columns = selectors.board(actor=request.user, project=project, limit=limit)
    more = min(max(limit, 1) + selectors.BOARD_CARDS, selectors.BOARD_CARDS_MAX)
    return render(
        request,
        "web/board.html",
        {
            "project": project,
            "columns": columns,
            "more": more if any(c.hidden for c in columns) and limit < more else None,
        },
    )


@login_required
@require_POST
def move(request: HttpRequest, project_id: int) -> HttpResponse:
    """Move a card: ``ticket``, ``column`` and its new neighbours ``before``/``after``.

    Answers JSON for the board's script: ``{"ok": true, "counts": {...}}`` or
    ``{"ok": false, "error": "..."}`` with the core error's status; a refusal changes nothing.
    The card's "Move to" form posts ``html=1`` when JavaScript is off: then the answer is a
    redirect to the board with the outcome as a message.
    """
    try:
        project = access_project(actor=request.user, project_id=project_id)
        ticket = access_ticket(actor=request.user, ticket_id=request.POST.get("ticket"))
        if ticket.project_id != project.pk:
            raise ValidationFailed("This card belongs to another project.")
        column = columns_of(project.pk).filter(pk=_int(request.POST.get("column"))).first()
        if column is None:
            raise ValidationFailed("Unknown column.")
        rank = selectors.rank_between(
            project=project,
            column_id=column.pk,
            before_id=request.POST.get("before"),
            after_id=request.POST.get("after"),
        )
        services.ticket_move_to_column(actor=request.user, ticket=ticket, column=column, rank=rank)
    except TesseraError as exc:
        if request.POST.get("html"):
            messages.error(request, "Move refused: " + " ".join(error_messages(exc)))
            return redirect("web:board", project_id=project_id)
        return JsonResponse(
            {"ok": False, "error": " ".join(error_messages(exc))}, status=exc.status
        )
    if request.POST.get("html"):  # the card's "Move to" form without JavaScript
        messages.success(request, f"Moved {ticket.display_number} to {ticket.state.name}.")
        return redirect("web:board", project_id=project.pk)
    counts = selectors.column_counts(actor=request.user, project=project)
    return JsonResponse(
        {
            "ok": True,
            "ticket": ticket.pk,
            "state": ticket.state.name,
            "column": column.pk,
            "rank": rank,
            "counts": {str(k): v for k, v in counts.items()},
        }
    )


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
