"""Support-desk reads (document 001): the actor's role, ticket lists, one ticket, steps."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet

from tessera.core.common.errors import Forbidden, NotFound
from tessera.core.common.prepared import Prepared
from tessera.core.common.rows import row_of
from tessera.core.projects import permissions
from tessera.core.projects.blueprints.support import SUPPORT
from tessera.core.tickets import policy
from tessera.core.tickets.models import Ticket, TicketAssignment
from tessera.core.tickets.selectors import in_states_keyed, projects_of_template

from .models import TriageStep

TEMPLATE = "support"
ROLE_ORDER = ["user", "moderator", "admin"]


def support_role(actor) -> str:
    """The actor's highest role over the support projects ('user' when none)."""
    if actor.is_superuser:
        return "admin"
    support_ids = set(_support_project_ids(actor))
    best = "user"
    for pid, access in permissions.memberships(actor).items():
        if pid in support_ids and access.role in ROLE_ORDER:
            if ROLE_ORDER.index(access.role) > ROLE_ORDER.index(best):
                best = access.role
    return best


def _support_project_ids(actor) -> list[int]:
    cached = getattr(actor, "_tessera_support_ids", None)
    if cached is None:
        from tessera.core.projects.models import Project

        member_ids = list(permissions.memberships(actor))
        cached = (
            list(
                Project.objects.filter(pk__in=member_ids, template=TEMPLATE).values_list(
                    "pk", flat=True
                )
            )
            if member_ids
            else []
        )
        actor._tessera_support_ids = cached
    return cached


def _view_all_ids(actor) -> list[int] | None:
    """Support projects where the actor views all tickets (None: every project), read once
    per request (the view's guard and the list's filter ask the same question). A
    superuser's memberships are not read: every project."""
    if actor.is_superuser:
        return permissions.projects_with_perm(actor, "view_all_tickets", template=TEMPLATE)
    access = permissions.memberships(actor)  # per-request cache, replaced when forgotten
    cached = getattr(actor, "_tessera_support_view_all", None)
    if cached is None or cached[0] is not access:
        ids = permissions.projects_with_perm(actor, "view_all_tickets", template=TEMPLATE)
        cached = (access, ids)
        actor._tessera_support_view_all = cached
    return cached[1]


def can_view_all(actor) -> bool:
    """Moderators and admins: ``view_all_tickets`` in some support project."""
    ids = _view_all_ids(actor)
    return ids is None or bool(ids)


def can_moderate(actor) -> bool:
    ids = permissions.projects_with_perm(actor, "modify_ticket", template=TEMPLATE)
    return ids is None or bool(ids)


def can_delete_any(actor) -> bool:
    ids = permissions.projects_with_perm(actor, "delete_ticket", template=TEMPLATE)
    return ids is None or bool(ids)


def support_tickets(
    *,
    actor,
    scope: str,
    status: str | None = None,
    priority: str | None = None,
    assigned_to: uuid.UUID | None = None,
) -> QuerySet[Ticket]:
    """``scope='own'``: tickets the actor created; ``scope='all'``: every ticket of the
    support projects where the actor views all tickets. Newest first."""
    if scope == "own":
        qs = Ticket.objects.filter(
            project_id__in_array=projects_of_template(TEMPLATE), created_by_id=actor.pk
        )
    else:
        ids = _view_all_ids(actor)
        if ids is None:
            qs = Ticket.objects.filter(project_id__in_array=projects_of_template(TEMPLATE))
        else:  # already support projects: no join on the project table
            qs = Ticket.objects.filter(project_id__in=ids)
    if status:
        qs = in_states_keyed(qs, status)
    if priority:
        qs = qs.filter(priority=SUPPORT.priority_value(priority))
    if assigned_to is not None:
        qs = qs.filter(
            pk__in=TicketAssignment.objects.filter(user__public_id=assigned_to).values("ticket_id")
        )
    # Read a page as ``TICKET_ROW`` rows (``values()``); assignees come per page from
    # ``tickets.page_relations.first_assignees``.
    return qs.order_by("-created_at", "-id")


# What document 001's Ticket object shows of a ticket, as ``values()`` names: state,
# creator and triage joined in the page's one query.
TICKET_ROW = (
    "id",
    "public_id",
    "title",
    "description",
    "state__key",
    "priority",
    "created_by__public_id",
    "created_by__email",
    "triage__summary",
    "triage__helpful_notes",
    "triage__related_skills",
    "created_at",
    "updated_at",
)


def ticket_row(ticket: Ticket) -> dict[str, Any]:
    """``TICKET_ROW`` of one ticket loaded by ``support_ticket_get`` (no query; a ticket
    created outside this surface has no triage row: its columns read None)."""
    return row_of(ticket, TICKET_ROW)


# One support ticket with what its Ticket object shows (``TICKET_ROW``) and its project
# (the policy's), compiled once (``common.prepared``): every detail, update, delete and
# processing request reads it. Its first assignee comes from ``first_assignees``.
_SUPPORT_TICKET_BY_PUBLIC_ID = Prepared(
    lambda public_id: Ticket.objects.filter(
        project__template=TEMPLATE, public_id=public_id
    ).select_related("state", "created_by", "triage", "project"),
    uuid.UUID,
)


def support_ticket_get(*, actor, ticket_id: str) -> Ticket:
    """The ticket by public UUID: ``NotFound`` when no support ticket has it (or the id is
    not a UUID), ``Forbidden`` when it exists but the actor may not see it — document 001
    answers 403 there, not 404."""
    try:
        public_id = uuid.UUID(str(ticket_id))
    except (TypeError, ValueError):
        raise NotFound("Ticket not found")
    ticket = _SUPPORT_TICKET_BY_PUBLIC_ID.first(public_id)
    if ticket is None:
        raise NotFound("Ticket not found")
    if not policy.can_view(actor, ticket):
        raise Forbidden("Forbidden - cannot access this ticket")
    return ticket


def pipeline_steps(*, ticket: Ticket) -> list[TriageStep]:
    return list(TriageStep.objects.filter(ticket=ticket).order_by("order"))
