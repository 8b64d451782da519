"""Every service-desk write that the shared ticket services do not already express:
creation with tags and category auto-assignment, one-assignee assignment, status changes and
public comments that notify the customer and the assignee, bulk changes (all or nothing)
and the SLA breach alert. Each composes ``tessera.core.tickets.services`` in one transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from tessera.core.audit.services import event_record
from tessera.core.common import clock
from tessera.core.common.errors import Conflict, NotFound, TesseraError, ValidationFailed
from tessera.core.notifications.services import email_enqueue
from tessera.core.projects import permissions
from tessera.core.projects.models import TERMINAL_CATEGORIES, Membership, Project
from tessera.core.tickets import services as tickets
from tessera.core.tickets.models import Category, Comment, Ticket, TicketAssignment

from .selectors import TEMPLATE

logger = logging.getLogger("tessera.servicedesk")


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


def parse_tags(text: str | Iterable[str] | None) -> list[str]:
    """``"login, authentication, urgent"`` → the distinct, stripped names, in order."""
    if text is None:
        return []
    parts = text.split(",") if isinstance(text, str) else list(text)
    out: list[str] = []
    for part in parts:
        name = (part or "").strip()[:100]
        if name and name.lower() not in {n.lower() for n in out}:
            out.append(name)
    return out


def _remap(exc: TesseraError, mapping: dict[str, str]) -> TesseraError:
    """Core field names (``title``, ``assignee_ids``) → this document's names."""
    exc.fields = {mapping.get(k, k): v for k, v in exc.fields.items()}
    return exc


FIELD_NAMES = {"title": "subject", "assignee_ids": "assigned_to", "tag_names": "tags"}


def _require_version(ticket: Ticket, expected_version: int | None) -> None:
    """Optimistic concurrency (``If-Match``): lock the ticket row for the rest of the
    caller's transaction and refuse with ``Conflict`` (carrying ``current_version``) unless
    it is still at ``expected_version``. ``None`` skips the check. Must run inside the
    transaction of the write it guards, before any part of that write."""
    if expected_version is None:
        return
    current = (
        Ticket.objects.select_for_update()
        .filter(pk=ticket.pk)
        .values_list("version", flat=True)
        .first()
    )
    if current is None:
        raise NotFound("Ticket not found")
    if current != expected_version:
        raise Conflict("The ticket changed since you read it", extra={"current_version": current})


# ---- notifications ---------------------------------------------------------------------


def _ticket_url(ticket: Ticket) -> str:
    return f"{settings.TESSERA_BASE_URL.rstrip('/')}/api/ticketing/tickets/{ticket.pk}/"


def _recipients(ticket: Ticket, *, exclude=None) -> list[str]:
    """The customer's address and every assignee's, minus the one who acted."""
    emails: list[str] = []
    if ticket.customer_id and ticket.customer.email:
        emails.append(ticket.customer.email)
    for user in (
        a.user for a in TicketAssignment.objects.filter(ticket=ticket).select_related("user")
    ):
        if user.email and (exclude is None or user.pk != exclude.pk):
            emails.append(user.email)
    if exclude is not None and getattr(exclude, "email", ""):
        own = exclude.email.lower()
        emails = [e for e in emails if e.lower() != own]
    seen: set[str] = set()
    return [e for e in emails if not (e.lower() in seen or seen.add(e.lower()))]


def _notify(ticket: Ticket, *, actor, subject: str, body: str) -> None:
    """Queue one email (sent after commit, through the outbox) to customer and assignee."""
    to = _recipients(ticket, exclude=actor)
    if to:
        email_enqueue(
            to=to,
            subject=f"[{ticket.display_number}] {subject}",
            body_text=f"{body}\n\nTicket: {ticket.display_number} {ticket.title}\n{_ticket_url(ticket)}\n",
        )


# ---- creation and assignment -----------------------------------------------------------


def _auto_assign(*, ticket: Ticket, category: Category) -> None:
    """Round-robin among the category's agents who belong to the project.

    Holds a row lock on the category (PostgreSQL) or the writer lock (SQLite) so two
    concurrent creations never pick the same turn.
    """
    locked = Category.objects.select_for_update().get(pk=category.pk)
    if not locked.auto_assign:
        return
    members = set(
        Membership.objects.filter(project_id=ticket.project_id).values_list("user_id", flat=True)
    )
    agents = [
        u
        for u in locked.agents.filter(is_active=True).order_by("id")
        if u.pk in members and permissions.has_perm(u, "be_assigned", ticket.project_id)
    ]
    if not agents:
        return
    index = locked.last_assigned_index % len(agents)
    Category.objects.filter(pk=locked.pk).update(last_assigned_index=index + 1)
    tickets.ticket_assign(
        actor=None, ticket=ticket, assignees=[agents[index]], check_permission=False
    )


@transaction.atomic
def sd_ticket_create(
    *,
    actor,
    project: Project,
    subject: str,
    description: str = "",
    priority: int | None = None,
    category: Category | None = None,
    customer=None,
    assigned_to=None,
    due_date: datetime | None = None,
    estimated_hours: Decimal | None = None,
    actual_hours: Decimal | None = None,
    tags: str | Iterable[str] | None = None,
    check_permission: bool = True,
) -> Ticket:
    """Create a ticket in ``new`` with the project's next TKT number.

    Naming an assignee needs ``assign_ticket``; without one, a category whose admin turned
    on auto-assignment picks the next of its agents; otherwise the ticket stays unassigned.
    """
    if project.template != TEMPLATE:
        raise ValidationFailed(
            "Not a service-desk project", fields={"project": ["Invalid project."]}
        )
    if assigned_to is not None and check_permission:
        permissions.require_perm(actor, "assign_ticket", project.pk)
    try:
        ticket = tickets.ticket_create(
            actor=actor,
            project=project,
            check_permission=check_permission,
            title=subject,
            description=description,
            priority=priority,
            category=category,
            customer=customer,
            assignees=[assigned_to] if assigned_to is not None else [],
            due_date=due_date,
            estimated_hours=estimated_hours,
            actual_hours=actual_hours,
        )
        names = parse_tags(tags)
        if names:
            tickets.ticket_set_tags(actor=actor, ticket=ticket, names=names, may_create=True)
    except TesseraError as exc:
        raise _remap(exc, FIELD_NAMES)
    if assigned_to is None and category is not None and category.auto_assign:
        _auto_assign(ticket=ticket, category=category)
    return ticket


@transaction.atomic
def sd_ticket_assign(
    *,
    actor,
    ticket: Ticket,
    user,
    expected_version: int | None = None,
    check_permission: bool = True,
) -> Ticket:
    """Make ``user`` the ticket's one assignee (``None`` unassigns); a stale
    ``expected_version`` raises ``Conflict`` and changes nothing."""
    if check_permission:
        permissions.require_perm(actor, "assign_ticket", ticket.project_id)
    _require_version(ticket, expected_version)
    try:
        return tickets.ticket_assign(
            actor=actor,
            ticket=ticket,
            assignees=[user] if user is not None else [],
            check_permission=check_permission,
        )
    except TesseraError as exc:
        raise _remap(exc, {"assignee_ids": "user_id"})


@transaction.atomic
def sd_ticket_change_status(
    *,
    actor,
    ticket: Ticket,
    status: str,
    expected_version: int | None = None,
    check_permission: bool = True,
) -> Ticket:
    """Move to ``status`` (any to any; ``reopened`` only from resolved or closed — the
    project's workflow rows say so) and tell the customer and the assignee. A stale
    ``expected_version`` raises ``Conflict`` and changes nothing."""
    _require_version(ticket, expected_version)
    old = ticket.state.key
    tickets.ticket_transition(
        actor=actor, ticket=ticket, to_state=status, check_permission=check_permission
    )
    if ticket.state.key != old:
        _notify(
            ticket,
            actor=actor,
            subject=f"Status changed to {ticket.state.name}",
            body=f"The status of your ticket changed from {old} to {ticket.state.key}.",
        )
    return ticket


@transaction.atomic
def sd_comment_add(
    *,
    actor,
    ticket: Ticket,
    content: str,
    is_internal: bool = False,
    check_permission: bool = True,
) -> Comment:
    """Add a comment; a public one is mailed to the customer and the assignee."""
    try:
        comment = tickets.comment_add(
            actor=actor,
            ticket=ticket,
            body=content,
            is_internal=is_internal,
            check_permission=check_permission,
        )
    except TesseraError as exc:
        raise _remap(exc, {"body": "content"})
    if not is_internal:
        author = getattr(actor, "full_name", "") or "Support"
        _notify(ticket, actor=actor, subject="New reply", body=f"{author} wrote:\n\n{content}")
    return comment


@transaction.atomic
def sd_ticket_update(
    *,
    actor,
    ticket: Ticket,
    changes: dict[str, Any],
    status: str | None = None,
    assigned_to: Any = UNSET,
    tags: Any = UNSET,
    expected_version: int | None = None,
    check_permission: bool = True,
) -> Ticket:
    """PUT/PATCH: plain fields, tags, assignee and status in one transaction (all or none).
    A stale ``expected_version`` raises ``Conflict`` before anything changes.
    ``check_permission=False`` is for the Django admin, gated by Django's model permissions."""
    if check_permission:
        tickets.require_modify(actor, ticket)
    _require_version(ticket, expected_version)
    try:
        if changes:
            tickets.ticket_update(
                actor=actor, ticket=ticket, changes=changes, check_permission=check_permission
            )
        if tags is not UNSET:
            tickets.ticket_set_tags(
                actor=actor, ticket=ticket, names=parse_tags(tags), may_create=True
            )
    except TesseraError as exc:
        raise _remap(exc, FIELD_NAMES)
    if assigned_to is not UNSET:
        try:
            sd_ticket_assign(
                actor=actor, ticket=ticket, user=assigned_to, check_permission=check_permission
            )
        except TesseraError as exc:
            raise _remap(exc, {"user_id": "assigned_to"})
    if status is not None:
        try:
            sd_ticket_change_status(
                actor=actor, ticket=ticket, status=status, check_permission=check_permission
            )
        except TesseraError as exc:
            if not exc.fields:
                exc.fields = {"status": [exc.message]}
            raise
    return ticket


# ---- bulk operations -------------------------------------------------------------------


@transaction.atomic
def sd_tickets_bulk_update(
    *,
    actor,
    tickets_: list[Ticket],
    status: str | None = None,
    priority: int | None = None,
    assigned_to: Any = UNSET,
) -> list[Ticket]:
    """Apply the same change to many tickets in one transaction: if any ticket refuses
    (workflow, permission, assignee not a member) nothing changes, and the error names it."""
    if status is None and priority is None and assigned_to is UNSET:
        raise ValidationFailed(
            "Nothing to change",
            fields={"non_field_errors": ["Give at least one of status, priority, assigned_to."]},
        )
    for ticket in tickets_:
        try:
            if priority is not None:
                tickets.ticket_update(actor=actor, ticket=ticket, changes={"priority": priority})
            if assigned_to is not UNSET:
                sd_ticket_assign(actor=actor, ticket=ticket, user=assigned_to)
            if status is not None:
                sd_ticket_change_status(actor=actor, ticket=ticket, status=status)
        except TesseraError as exc:
            message = exc.message
            if exc.fields:
                message = "; ".join(str(m) for msgs in exc.fields.values() for m in msgs)
            raise type(exc)(
                f"{ticket.display_number}: {message}",
                fields={"ticket_ids": [f"Ticket {ticket.pk} ({ticket.display_number}): {message}"]},
            )
    return tickets_


# ---- SLA -------------------------------------------------------------------------------


def sla_breaches_notify() -> int:
    """Stamp ``sla_breach_notified_at`` on every open service-desk ticket past its due date
    and alert its assignees (or, if none, the project's agents) — once per ticket.

    Each ticket is claimed in its own transaction with a conditional UPDATE, so two
    overlapping runs never notify twice. Returns how many tickets were notified.
    """
    now = clock.now()
    due = (
        Ticket.objects.filter(
            project__template=TEMPLATE,
            due_date__lt=now,
            sla_breach_notified_at__isnull=True,
        )
        .exclude(state__category__in=TERMINAL_CATEGORIES)
        .values_list("pk", flat=True)
    )
    count = 0
    for pk in list(due[:1000]):
        with transaction.atomic():
            claimed = Ticket.objects.filter(pk=pk, sla_breach_notified_at__isnull=True).update(
                sla_breach_notified_at=now
            )
            if not claimed:
                continue
            ticket = Ticket.objects.select_related("project", "state", "customer").get(pk=pk)
            event_record(
                actor=None,
                ticket=ticket,
                action="sla_breached",
                field="due_date",
                old_value=ticket.due_date.isoformat() if ticket.due_date else "",
                new_value=now.isoformat(),
            )
            emails = list(
                TicketAssignment.objects.filter(ticket=ticket).values_list("user__email", flat=True)
            )
            if not emails:
                emails = list(
                    Membership.objects.filter(project_id=ticket.project_id)
                    .filter(Q(role__name="agent") | Q(role__name="admin"))
                    .values_list("user__email", flat=True)
                )
            email_enqueue(
                to=[e for e in emails if e],
                subject=f"[{ticket.display_number}] SLA breached: {ticket.title}",
                body_text=(
                    f"Ticket {ticket.display_number} passed its due date "
                    f"({ticket.due_date:%Y-%m-%d %H:%M} UTC) and is still {ticket.state.key}.\n"
                    f"{_ticket_url(ticket)}\n"
                ),
                dedupe_key=f"servicedesk-sla-{ticket.pk}",
            )
            count += 1
    return count
