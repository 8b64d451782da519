"""The ticket page (agent view) and its actions; the portal reuses the actions.

Every action calls one core service. On success it redirects back (303); on a core error it
re-renders the page with the message beside the form, status 400/403/409. Forms carry
``page=portal`` when posted from the customer portal so errors render there.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from tessera.core.accounts.models import User
from tessera.core.common.errors import NotFound, TesseraError, ValidationFailed
from tessera.core.projects import permissions
from tessera.core.projects.selectors import allowed_targets, state_by_key
from tessera.core.tickets import policy, services
from tessera.core.tickets.models import Ticket

from .. import selectors
from .common import error_messages, page_errors, safe_next


def _ticket_context(request: HttpRequest, ticket: Ticket, *, portal: bool = False) -> dict:
    actor = request.user
    page = selectors.ticket_page(actor=actor, ticket=ticket, portal=portal)
    perms = permissions.permissions_in(actor, ticket.project_id)
    can_assign = "assign_ticket" in perms
    return {
        "ticket": ticket,
        "tp": page,
        "project": ticket.project,
        "targets": allowed_targets(actor=actor, ticket=ticket),
        "members": selectors.assignable_members(ticket.project) if can_assign else [],
        "can_assign": can_assign,
        "can_modify": policy.can_modify(actor, ticket),
        "can_comment": policy.can_comment(actor, ticket),
        "can_comment_internal": policy.can_comment(actor, ticket, internal=True),
        "priorities": sorted(ticket.project.blueprint.priorities.items()),
        "assignee_ids": {u.pk for u in page.assignees},
    }


def render_ticket(
    request: HttpRequest, ticket: Ticket, *, errors: dict | None = None, status: int = 200
) -> HttpResponse:
    portal = request.POST.get("page") == "portal" or request.resolver_match.url_name.startswith(
        "portal"
    )
    context = _ticket_context(request, ticket, portal=portal)
    context["errors"] = errors or {}
    context["form"] = request.POST if errors else {}
    template = "web/portal_ticket.html" if portal else "web/ticket.html"
    return render(request, template, context, status=status)


@login_required
@page_errors
def ticket_detail(request: HttpRequest, ticket_id: int) -> HttpResponse:
    ticket = selectors.ticket_for_page(actor=request.user, ticket_id=ticket_id)
    return render_ticket(request, ticket)


def _action(request: HttpRequest, ticket_id: int, form: str, do) -> HttpResponse:
    """Load the ticket, run ``do(ticket)``; redirect on success, re-render with errors."""
    ticket = selectors.ticket_for_page(actor=request.user, ticket_id=ticket_id)
    try:
        do(ticket)
    except NotFound:
        raise
    except TesseraError as exc:
        ticket = selectors.ticket_for_page(actor=request.user, ticket_id=ticket_id)
        return render_ticket(request, ticket, errors={form: error_messages(exc)}, status=exc.status)
    default = reverse("web:ticket", args=[ticket.pk])
    if request.POST.get("page") == "portal":
        default = reverse("web:portal-ticket", args=[ticket.pk])
    return redirect(safe_next(request, default), permanent=False)


@login_required
@require_POST
@page_errors
def comment(request: HttpRequest, ticket_id: int) -> HttpResponse:
    internal = request.POST.get("visibility") == "internal"
    return _action(
        request,
        ticket_id,
        "comment",
        lambda t: services.comment_add(
            actor=request.user, ticket=t, body=request.POST.get("body", ""), is_internal=internal
        ),
    )


@login_required
@require_POST
@page_errors
def attach(request: HttpRequest, ticket_id: int) -> HttpResponse:
    def do(t: Ticket) -> None:
        services.attachment_add(
            actor=request.user,
            ticket=t,
            upload=request.FILES.get("file"),
            description=request.POST.get("description", ""),
        )

    return _action(request, ticket_id, "attachment", do)


@login_required
@page_errors
def download(request: HttpRequest, attachment_id: int) -> HttpResponse:
    attachment = selectors.attachment_for_download(actor=request.user, attachment_id=attachment_id)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise NotFound("The file is missing from storage")
    return FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.filename,
        content_type=attachment.content_type or "application/octet-stream",
    )


@login_required
@require_POST
@page_errors
def transition(request: HttpRequest, ticket_id: int) -> HttpResponse:
    def do(t: Ticket) -> None:
        key = request.POST.get("state", "")
        state = state_by_key(t.project_id, key) if key else None
        if state is None:
            raise ValidationFailed("Choose a state", fields={"state": ["Choose a valid state."]})
        services.ticket_transition(actor=request.user, ticket=t, to_state=state)

    return _action(request, ticket_id, "state", do)


@login_required
@require_POST
@page_errors
def assign(request: HttpRequest, ticket_id: int) -> HttpResponse:
    def do(t: Ticket) -> None:
        ids = []
        for raw in request.POST.getlist("assignees"):
            try:
                ids.append(int(raw))
            except ValueError:
                raise ValidationFailed("Invalid assignee", fields={"assignees": ["Invalid user."]})
        users = list(User.objects.filter(pk__in=ids))
        if len(users) != len(set(ids)):
            raise ValidationFailed("Unknown user", fields={"assignees": ["Unknown user."]})
        if t.project.template == "workshop":
            # a workshop assignment has its own rules (approval, technician role, one ticket)
            from tessera.core.workshop.services import workshop_ticket_assign

            if len(users) != 1:
                raise ValidationFailed(
                    "One technician", fields={"assignees": ["Choose exactly one technician."]}
                )
            workshop_ticket_assign(actor=request.user, ticket=t, technician=users[0])
            return
        services.ticket_assign(actor=request.user, ticket=t, assignees=users)

    return _action(request, ticket_id, "assign", do)


@login_required
@require_POST
@page_errors
def follow(request: HttpRequest, ticket_id: int) -> HttpResponse:
    return _action(
        request,
        ticket_id,
        "follow",
        lambda t: services.ticket_follow_toggle(actor=request.user, ticket=t),
    )


@login_required
@require_POST
@page_errors
def tags(request: HttpRequest, ticket_id: int) -> HttpResponse:
    names = request.POST.get("tags", "").split(",")

    def do(t: Ticket) -> None:
        services.ticket_set_tags(actor=request.user, ticket=t, names=names, check_permission=True)

    return _action(request, ticket_id, "tags", do)


@login_required
@require_POST
@page_errors
def update(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """Edit title and priority (the fields the page offers)."""

    def do(t: Ticket) -> None:
        changes: dict = {}
        if "title" in request.POST:
            changes["title"] = request.POST["title"].strip()
        if request.POST.get("priority"):
            try:
                value = int(request.POST["priority"])
            except ValueError:
                value = -1
            if value not in t.project.blueprint.priorities:
                raise ValidationFailed(
                    "Invalid priority", fields={"priority": ["Choose a valid priority."]}
                )
            changes["priority"] = value
        services.ticket_update(actor=request.user, ticket=t, changes=changes)

    return _action(request, ticket_id, "update", do)
