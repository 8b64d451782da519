"""Every write of the workshop (document 000): intake, admin review, assignment, the
work-session timer, QC and the XP ledger, inventory archive/restore.

Order of checks in every action: the role (``Forbidden``, 403), then an optional
``expected_version`` (``Conflict``, 409), then the state (``InvalidTransition``/
``ValidationFailed``, 400). State changes of the ticket go through
``tessera.core.tickets.services`` so the one audit trail records them. Each action locks the
ticket row first (``SELECT … FOR UPDATE``; SQLite serialises writers with IMMEDIATE
transactions), so actions on one ticket run one after another; the partial unique indexes
of ``models`` back the invariants up when two tickets race.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F

from tessera.core.audit.services import event_record
from tessera.core.common import clock
from tessera.core.common.errors import (
    Conflict,
    Forbidden,
    InvalidTransition,
    NotFound,
    ValidationFailed,
)
from tessera.core.common.prepared import insert_row
from tessera.core.projects import permissions
from tessera.core.projects.models import Project
from tessera.core.tickets.models import Ticket
from tessera.core.tickets.services import ticket_assign, ticket_create, ticket_transition

from . import conf, selectors, timer
from .models import (
    COLOR_RANK,
    FlagColor,
    InventoryItem,
    InventoryItemState,
    PartSpec,
    SessionEventKind,
    SessionState,
    TicketMetrics,
    WorkSession,
    WorkSessionEvent,
    XpKind,
    XpSource,
    XpTransaction,
)

NEW, ASSIGNED, IN_PROGRESS, WAITING_QC, REWORK, DONE = (
    "NEW",
    "ASSIGNED",
    "IN_PROGRESS",
    "WAITING_QC",
    "REWORK",
    "DONE",
)
MAX_PARTS = 100
MAX_MINUTES = 100_000
MAX_XP = 1_000_000
DENIED = "You do not have permission to perform this action."


@dataclass(frozen=True)
class PartInput:
    name: str
    color: str
    planned_minutes: int
    xp: int


# --- helpers ---------------------------------------------------------------------------------
#
# A write that a unique index may refuse (a serial taken, a second active ticket of an item,
# a technician's second claim, XP credited twice) runs in ``atomic(savepoint=False)``: the
# refusal fails the whole service call, whose own atomic block rolls everything back, so no
# savepoint is needed to survive it (two statements less per write). A caller inside its
# own transaction gets the ``ValidationFailed`` and that transaction to roll back, as after
# any failed statement on PostgreSQL; every service here is ``@transaction.atomic``, so in
# a caller's transaction it is a savepoint of its own.


def _lock(ticket: Ticket) -> tuple[Ticket, TicketMetrics]:
    """Re-read the ticket and its metrics under row locks (ticket first, always)."""
    # Lock the ticket row alone (a locking join is re-checked on PostgreSQL after the wait
    # and would drop the row whose state_id the lock holder changed), then read relations.
    if not Ticket.objects.select_for_update().filter(pk=ticket.pk).values_list("pk").first():
        raise NotFound("Ticket not found")
    locked = Ticket.objects.select_related("project", "state").filter(pk=ticket.pk).first()
    if locked is None:
        raise NotFound("Ticket not found")
    metrics = TicketMetrics.objects.select_for_update().filter(ticket_id=locked.pk).first()
    if metrics is None:
        raise NotFound("Ticket not found")
    return locked, metrics


def _check_version(ticket: Ticket, expected_version: int | None) -> None:
    """Optimistic concurrency: a caller that read version n may only act on version n."""
    if expected_version is not None and ticket.version != expected_version:
        raise Conflict(
            "The ticket changed since you read it", extra={"current_version": ticket.version}
        )


def _require_state(ticket: Ticket, allowed: Sequence[str], action: str) -> None:
    key = ticket.state.key
    if key not in allowed:
        raise InvalidTransition(
            f"Cannot {action} a ticket in state {key}.", extra={"from": key, "action": action}
        )


def _require_work_actor(actor, ticket: Ticket) -> None:
    """Work actions: the assigned technician (``run_work_session``), or a role that may run
    any ticket's session (``run_any_work_session``: super_admin)."""
    perms = permissions.permissions_in(actor, ticket.project_id)
    if "run_any_work_session" in perms:
        return
    if "run_work_session" in perms:
        technician_id = (
            TicketMetrics.objects.filter(ticket_id=ticket.pk)
            .values_list("technician_id", flat=True)
            .first()
        )
        if technician_id is not None and technician_id == actor.pk:
            return
    raise Forbidden(DENIED)


def _release_stale_claims(*, item_id: int | None = None, technician_id: int | None = None) -> None:
    """Release claim flags whose ticket left the claimed state without these services (a
    generic core transition: the web board, a superuser), so such a move cannot block the
    inventory item or the technician for good."""
    if item_id is not None:
        TicketMetrics.objects.filter(
            inventory_item_id=item_id, holds_item=True, ticket__state__key=DONE
        ).update(holds_item=False)
    if technician_id is not None:
        TicketMetrics.objects.filter(technician_id=technician_id, holds_technician=True).exclude(
            ticket__state__key=IN_PROGRESS
        ).update(holds_technician=False)


def _transition(actor, ticket: Ticket, target: str) -> None:
    ticket_transition(actor=actor, ticket=ticket, to_state=target, check_permission=False)


def _validate_color(value, field: str) -> str:
    if value not in FlagColor.values:
        raise ValidationFailed(
            "Invalid color", fields={field: ["Allowed colors are green, yellow, red."]}
        )
    return value


def _compute_metrics(parts: Sequence[PartInput]) -> tuple[str, int, int]:
    color = max((p.color for p in parts), key=lambda c: COLOR_RANK[c])
    return color, sum(p.xp for p in parts), sum(p.planned_minutes for p in parts) * 60


def _validate_parts(parts: Sequence[PartInput]) -> None:
    if not parts:
        raise ValidationFailed(
            "No parts", fields={"part_specs": ["At least one part spec is required."]}
        )
    if len(parts) > MAX_PARTS:
        raise ValidationFailed(
            "Too many parts", fields={"part_specs": [f"At most {MAX_PARTS} part specs."]}
        )
    for p in parts:
        _validate_color(p.color, "part_specs")
        if not (p.name or "").strip():
            raise ValidationFailed("Part name", fields={"part_specs": ["Each part needs a name."]})
        if not (0 <= p.planned_minutes <= MAX_MINUTES) or not (0 <= p.xp <= MAX_XP):
            raise ValidationFailed(
                "Part numbers", fields={"part_specs": ["Minutes and XP must be within range."]}
            )


# --- intake ------------------------------------------------------------------------------------


@transaction.atomic
def workshop_ticket_create(
    *,
    actor,
    project: Project,
    serial_number: str,
    parts: Sequence[PartInput],
    title: str = "",
    description: str = "",
    item_name: str = "",
    confirm_create: bool = False,
    create_reason: str = "",
) -> Ticket:
    """Intake: find (or, confirmed with a reason, create) the inventory item, create the
    ticket through the core (its ``created`` event is the initial transition), store the part
    specs and the metrics computed from them, and mark the item ``in_service``.

    One active ticket per inventory item holds by the item's row lock and, under any race,
    by the partial unique index ``ws_one_active_ticket_per_item``."""
    permissions.require_perm(actor, "add_ticket", project.pk)
    if project.template != selectors.TEMPLATE:
        raise ValidationFailed("Not a workshop project", fields={"project": ["Invalid project."]})
    serial = (serial_number or "").strip()
    if not serial:
        raise ValidationFailed("Serial", fields={"serial_number": ["This field is required."]})
    _validate_parts(parts)
    item = InventoryItem.objects.select_for_update().filter(serial_number=serial).first()
    item_created = False
    now = clock.now()
    if item is None:
        reason = (create_reason or "").strip()
        if not confirm_create or not reason:
            raise ValidationFailed(
                "Unknown serial number",
                fields={
                    "serial_number": [
                        "Unknown serial number. To create the inventory item, send "
                        "confirm_create=true and a create_reason."
                    ]
                },
            )
        try:
            with transaction.atomic(savepoint=False):
                item = InventoryItem(
                    serial_number=serial,
                    name=(item_name or "").strip()[:200],
                    state=InventoryItemState.IN_SERVICE,
                    created_by=actor,
                    creation_confirmed=True,
                    creation_reason=reason,
                    created_at=now,
                    updated_at=now,
                )
                insert_row(item)
        except IntegrityError:
            raise ValidationFailed(
                "Serial taken",
                fields={"serial_number": ["This inventory item already has an active ticket."]},
            )
        item_created = True
    elif item.state == InventoryItemState.ARCHIVED:
        raise ValidationFailed(
            "Archived inventory item",
            fields={
                "serial_number": [
                    f"Inventory item {serial} is archived. Restore it first: "
                    f"POST /api/v1/inventory-items/{item.pk}/restore/"
                ]
            },
        )
    active = None
    if not item_created:
        # An item inserted by this transaction has no ticket yet: no other transaction can
        # point a ticket's metrics at a row it cannot see (two statements less per intake).
        _release_stale_claims(item_id=item.pk)
        active = (
            TicketMetrics.objects.filter(inventory_item=item, holds_item=True)
            .values_list("ticket_id", flat=True)
            .first()
        )
    if active is not None:
        raise ValidationFailed(
            "Active ticket exists",
            fields={
                "serial_number": [f"This inventory item already has an active ticket ({active})."]
            },
        )
    ticket = ticket_create(
        actor=actor,
        project=project,
        title=(title or "").strip() or f"Repair {serial}"[:255],
        description=description or "",
        check_permission=False,
        blueprint_service=True,
    )
    PartSpec.objects.bulk_create(
        [
            PartSpec(
                ticket=ticket,
                position=i,
                name=p.name.strip()[:200],
                color=p.color,
                planned_minutes=p.planned_minutes,
                xp=p.xp,
            )
            for i, p in enumerate(parts)
        ]
    )
    color, xp, duration = _compute_metrics(parts)
    try:
        with transaction.atomic(savepoint=False):
            insert_row(
                TicketMetrics(
                    ticket=ticket,
                    inventory_item=item,
                    flag_color=color,
                    xp_amount=xp,
                    total_duration=duration,
                    item_created=item_created,
                )
            )
    except IntegrityError:
        raise ValidationFailed(
            "Active ticket exists",
            fields={"serial_number": ["This inventory item already has an active ticket."]},
        )
    if item.state != InventoryItemState.IN_SERVICE:
        InventoryItem.objects.filter(pk=item.pk).update(
            state=InventoryItemState.IN_SERVICE, updated_at=now
        )
    event_record(
        actor=actor,
        ticket=ticket,
        action="workshop_intake",
        new_value=serial,
        data={
            "inventory_item_id": item.pk,
            "item_created": item_created,
            "create_reason": item.creation_reason if item_created else "",
            "flag_color": color,
            "xp_amount": xp,
            "total_duration": duration,
        },
    )
    return ticket


# --- admin review and assignment -------------------------------------------------------------


@transaction.atomic
def workshop_metrics_override(
    *,
    actor,
    ticket: Ticket,
    flag_color: str | None = None,
    xp_amount: int | None = None,
    expected_version: int | None = None,
) -> TicketMetrics:
    """Admin review: optionally override ``flag_color``/``xp_amount`` and record the
    approval (``approved_by``, ``approved_at``), which ``assign`` requires."""
    permissions.require_perm(actor, "review_ticket", ticket.project_id)
    if flag_color is not None:
        _validate_color(flag_color, "flag_color")
    if xp_amount is not None and not (0 <= xp_amount <= MAX_XP):
        raise ValidationFailed("XP", fields={"xp_amount": [f"Must be between 0 and {MAX_XP}."]})
    locked, metrics = _lock(ticket)
    _check_version(locked, expected_version)
    if locked.state.key == DONE:
        raise InvalidTransition("The ticket is done; its metrics are final.")
    old = {"flag_color": metrics.flag_color, "xp_amount": metrics.xp_amount}
    if flag_color is not None:
        metrics.flag_color = flag_color
    if xp_amount is not None:
        metrics.xp_amount = xp_amount
    metrics.approved_by = actor
    metrics.approved_at = clock.now()
    metrics.save(update_fields=["flag_color", "xp_amount", "approved_by", "approved_at"])
    # the metrics are part of the ticket as clients see it: its version (ETag) moves on
    Ticket.objects.filter(pk=locked.pk).update(version=F("version") + 1, updated_at=clock.now())
    event_record(
        actor=actor,
        ticket=locked,
        action="workshop_review_approved",
        field="metrics",
        old_value=f"{old['flag_color']}/{old['xp_amount']}",
        new_value=f"{metrics.flag_color}/{metrics.xp_amount}",
        data={
            "old": old,
            "new": {"flag_color": metrics.flag_color, "xp_amount": metrics.xp_amount},
        },
    )
    return metrics


@transaction.atomic
def workshop_ticket_assign(
    *, actor, ticket: Ticket, technician, expected_version: int | None = None
) -> Ticket:
    """Assign (or re-assign, while still ``ASSIGNED``) a technician; needs prior approval."""
    permissions.require_perm(actor, "assign_ticket", ticket.project_id)
    locked, metrics = _lock(ticket)
    _check_version(locked, expected_version)
    _require_state(locked, (NEW, ASSIGNED), "assign")
    if metrics.approved_at is None or metrics.approved_by_id is None:
        raise ValidationFailed(
            "The ticket must pass admin review (manual-metrics) before it is assigned."
        )
    if (
        technician is None
        or not technician.is_active
        or "be_assigned" not in permissions.permissions_in(technician, locked.project_id)
    ):
        raise ValidationFailed(
            "Not a technician",
            fields={"technician_id": ["Must be a technician of the ticket's project."]},
        )
    ticket_assign(actor=actor, ticket=locked, assignees=[technician], check_permission=False)
    if locked.state.key == NEW:
        _transition(actor, locked, ASSIGNED)
    metrics.technician = technician
    metrics.save(update_fields=["technician"])
    return locked


# --- workflow with work sessions -----------------------------------------------------------


def _append(session: WorkSession, kind: str, at: datetime, actor) -> None:
    WorkSessionEvent.objects.create(
        session=session, ticket_id=session.ticket_id, kind=kind, at=at, actor=actor
    )


def _open_session(ticket: Ticket) -> WorkSession | None:
    return (
        WorkSession.objects.select_for_update()
        .filter(ticket=ticket)
        .exclude(state=SessionState.STOPPED)
        .order_by("-id")
        .first()
    )


def _materialise(session: WorkSession) -> timer.Derived:
    """Write a due auto-resume (at the moment the budget ran out) before acting."""
    derived = selectors.derive_sessions([session])[session.pk]
    if derived.pending_auto_resume is not None:
        _append(session, SessionEventKind.AUTO_RESUME, derived.pending_auto_resume, None)
        session.state = SessionState.RUNNING
        session.save(update_fields=["state"])
    return derived


@transaction.atomic
def workshop_ticket_start(*, actor, ticket: Ticket, expected_version: int | None = None) -> Ticket:
    """``ASSIGNED``/``REWORK`` → ``IN_PROGRESS`` and a RUNNING session for the assigned
    technician. The technician may hold one IN_PROGRESS ticket (index
    ``ws_one_in_progress_per_technician``); a ticket one open session
    (``ws_one_open_session_per_ticket``)."""
    _require_work_actor(actor, ticket)
    locked, metrics = _lock(ticket)
    _check_version(locked, expected_version)
    _require_state(locked, (ASSIGNED, REWORK), "start")
    _release_stale_claims(technician_id=metrics.technician_id)
    busy = (
        TicketMetrics.objects.filter(technician_id=metrics.technician_id, holds_technician=True)
        .exclude(ticket_id=locked.pk)
        .values_list("ticket_id", flat=True)
        .first()
    )
    if busy is not None:
        raise ValidationFailed(f"The technician already has a ticket IN_PROGRESS ({busy}).")
    _transition(actor, locked, IN_PROGRESS)
    now = clock.now()
    try:
        with transaction.atomic(savepoint=False):
            metrics.holds_technician = True
            metrics.save(update_fields=["holds_technician"])
    except IntegrityError:
        raise ValidationFailed("The technician already has a ticket IN_PROGRESS.")
    try:
        with transaction.atomic(savepoint=False):
            session = WorkSession.objects.create(
                ticket=locked,
                technician_id=metrics.technician_id,
                state=SessionState.RUNNING,
                started_at=now,
            )
    except IntegrityError:
        raise ValidationFailed("The ticket already has an open work session.")
    _append(session, SessionEventKind.START, now, actor)
    return locked


@transaction.atomic
def workshop_ticket_to_waiting_qc(
    *, actor, ticket: Ticket, expected_version: int | None = None
) -> Ticket:
    """``IN_PROGRESS`` → ``WAITING_QC``; the latest work session must be STOPPED."""
    _require_work_actor(actor, ticket)
    locked, metrics = _lock(ticket)
    _check_version(locked, expected_version)
    _require_state(locked, (IN_PROGRESS,), "move to WAITING_QC")
    latest = WorkSession.objects.filter(ticket=locked).order_by("-id").first()
    if latest is None or latest.state != SessionState.STOPPED:
        raise ValidationFailed("Stop the work session before moving the ticket to QC.")
    _transition(actor, locked, WAITING_QC)
    metrics.holds_technician = False
    metrics.save(update_fields=["holds_technician"])
    return locked


def _session_action(actor, ticket: Ticket) -> tuple[Ticket, WorkSession]:
    _require_work_actor(actor, ticket)
    locked, _metrics_row = _lock(ticket)
    session = _open_session(locked)
    if session is None:
        raise ValidationFailed("The ticket has no open work session.")
    _materialise(session)
    return locked, session


@transaction.atomic
def work_session_pause(*, actor, ticket: Ticket) -> WorkSession:
    """RUNNING → PAUSED, if the technician's pause budget for today is not spent."""
    _locked, session = _session_action(actor, ticket)
    if session.state != SessionState.RUNNING:
        raise ValidationFailed("The work session is not running.")
    now = clock.now()
    remaining = timer.budget_remaining(
        selectors.technician_pauses(technician_id=session.technician_id, now=now),
        limit_seconds=conf.pause_limit_seconds(),
        tz=conf.timezone(),
        now=now,
    )
    if remaining <= 0:
        raise ValidationFailed("The daily pause budget is spent.")
    _append(session, SessionEventKind.PAUSE, now, actor)
    session.state = SessionState.PAUSED
    session.save(update_fields=["state"])
    return session


@transaction.atomic
def work_session_resume(*, actor, ticket: Ticket) -> WorkSession:
    _locked, session = _session_action(actor, ticket)
    if session.state != SessionState.PAUSED:
        raise ValidationFailed("The work session is not paused.")
    _append(session, SessionEventKind.RESUME, clock.now(), actor)
    session.state = SessionState.RUNNING
    session.save(update_fields=["state"])
    return session


@transaction.atomic
def work_session_stop(*, actor, ticket: Ticket) -> WorkSession:
    _locked, session = _session_action(actor, ticket)
    now = clock.now()
    _append(session, SessionEventKind.STOP, now, actor)
    evs = list(session.events.order_by("at", "id").values_list("kind", "at"))
    session.state = SessionState.STOPPED
    session.stopped_at = now
    session.active_seconds_at_stop = int(
        timer.running_seconds([timer.Ev(k, a) for k, a in evs], now)
    )
    session.save(update_fields=["state", "stopped_at", "active_seconds_at_stop"])
    return session


def work_session_auto_resume_due(*, now: datetime | None = None) -> int:
    """Write every due auto-resume; returns how many were written. Each in its own
    transaction, re-derived under the ticket's row lock, so it is safe beside users' actions
    and against itself."""
    now = now or clock.now()
    paused = list(WorkSession.objects.filter(state=SessionState.PAUSED).order_by("id"))
    derived = selectors.derive_sessions(paused, now=now)
    due = [s for s in paused if derived[s.pk].pending_auto_resume is not None]
    written = 0
    for session in due:
        with transaction.atomic():
            Ticket.objects.select_for_update().filter(pk=session.ticket_id).first()
            fresh = WorkSession.objects.select_for_update().filter(pk=session.pk).first()
            if fresh is None or fresh.state != SessionState.PAUSED:
                continue
            derived = selectors.derive_sessions([fresh], now=now)[fresh.pk]
            if derived.pending_auto_resume is not None:
                _append(fresh, SessionEventKind.AUTO_RESUME, derived.pending_auto_resume, None)
                fresh.state = SessionState.RUNNING
                fresh.save(update_fields=["state"])
                written += 1
    return written


def work_session_sync(*, ticket: Ticket) -> None:
    """Write a due auto-resume of the ticket's open session (before listing its history)."""
    with transaction.atomic():
        Ticket.objects.select_for_update().filter(pk=ticket.pk).first()
        session = _open_session(ticket)
        if session is not None and session.state == SessionState.PAUSED:
            _materialise(session)


# --- QC and XP -----------------------------------------------------------------------------


def _credit(rows: list[XpTransaction]) -> None:
    rows = [r for r in rows if r.amount and r.user_id is not None]
    try:
        with transaction.atomic(savepoint=False):
            XpTransaction.objects.bulk_create(rows)
    except IntegrityError:
        raise ValidationFailed("XP for this QC result was already credited.")


def _active_seconds_total(ticket: Ticket, now: datetime) -> int:
    sessions = list(WorkSession.objects.filter(ticket=ticket))
    derived = selectors.derive_sessions(sessions, now=now)
    return sum(d.active_seconds for d in derived.values())


@transaction.atomic
def qc_pass(*, actor, ticket: Ticket, expected_version: int | None = None) -> Ticket:
    """``WAITING_QC`` → ``DONE``; the item becomes ``ready``; XP: the technician's base
    (``xp_amount``), the checker's status update, and the first-pass bonus when the ticket
    never went to REWORK and its active seconds ≤ ``total_duration`` — one transaction; the
    ledger's unique index credits each at most once per ticket."""
    permissions.require_perm(actor, "sign_off_qc", ticket.project_id)
    locked, metrics = _lock(ticket)
    _check_version(locked, expected_version)
    _require_state(locked, (WAITING_QC,), "pass QC for")
    now = clock.now()
    active = _active_seconds_total(locked, now)
    first_pass = not selectors.had_rework(locked.pk) and active <= metrics.total_duration
    _transition(actor, locked, DONE)
    metrics.holds_item = False
    metrics.holds_technician = False
    metrics.done_at = now
    metrics.active_seconds_at_done = active
    metrics.save(
        update_fields=["holds_item", "holds_technician", "done_at", "active_seconds_at_done"]
    )
    InventoryItem.objects.filter(pk=metrics.inventory_item_id).update(
        state=InventoryItemState.READY, updated_at=now
    )

    def row(user_id, kind: str, amount: int) -> XpTransaction:
        return XpTransaction(
            user_id=user_id,
            ticket=locked,
            kind=kind,
            source=XpSource.QC_PASS,
            amount=amount,
            created_at=now,
        )

    rows = [
        row(metrics.technician_id, XpKind.BASE, metrics.xp_amount),
        row(actor.pk, XpKind.STATUS_UPDATE, conf.xp_status_update()),
    ]
    if first_pass:
        rows.append(row(metrics.technician_id, XpKind.FIRST_PASS_BONUS, conf.xp_first_pass_bonus()))
    _credit(rows)
    return locked


@transaction.atomic
def qc_fail(*, actor, ticket: Ticket, expected_version: int | None = None) -> Ticket:
    """``WAITING_QC`` → ``REWORK``; the checker gets the status-update XP."""
    permissions.require_perm(actor, "sign_off_qc", ticket.project_id)
    locked, _metrics_row = _lock(ticket)
    _check_version(locked, expected_version)
    _require_state(locked, (WAITING_QC,), "fail QC for")
    _transition(actor, locked, REWORK)
    _credit(
        [
            XpTransaction(
                user_id=actor.pk,
                ticket=locked,
                kind=XpKind.STATUS_UPDATE,
                source=XpSource.QC_FAIL,
                amount=conf.xp_status_update(),
                created_at=clock.now(),
            )
        ]
    )
    return locked


# --- inventory ------------------------------------------------------------------------------


def _require_inventory_admin(actor, item: InventoryItem) -> None:
    """``manage_inventory`` in a workshop project that has serviced the item (any, for an
    item no project has serviced yet)."""
    ids = permissions.projects_with_perm(actor, "manage_inventory", template=selectors.TEMPLATE)
    if ids is None:
        return
    serviced = TicketMetrics.objects.filter(inventory_item_id=item.pk)
    if not ids or (serviced.exists() and not serviced.filter(ticket__project_id__in=ids).exists()):
        raise Forbidden(DENIED)


@transaction.atomic
def inventory_item_archive(*, actor, item: InventoryItem) -> InventoryItem:
    """Archive an item without an active ticket; intake then refuses its serial."""
    _require_inventory_admin(actor, item)
    locked = InventoryItem.objects.select_for_update().get(pk=item.pk)
    if locked.state == InventoryItemState.ARCHIVED:
        raise InvalidTransition("The inventory item is already archived.")
    if TicketMetrics.objects.filter(inventory_item=locked, holds_item=True).exists():
        raise ValidationFailed("The inventory item has an active ticket.")
    now = clock.now()
    old = locked.state
    locked.state = InventoryItemState.ARCHIVED
    locked.archived_at = now
    locked.updated_at = now
    locked.save(update_fields=["state", "archived_at", "updated_at"])
    event_record(
        actor=actor,
        action="inventory_archived",
        field="state",
        old_value=old,
        new_value=locked.state,
        data={"inventory_item_id": locked.pk, "serial_number": locked.serial_number},
    )
    return locked


@transaction.atomic
def inventory_item_restore(*, actor, item: InventoryItem) -> InventoryItem:
    """Bring an archived item back as ``ready``; the next intake puts it in service."""
    _require_inventory_admin(actor, item)
    locked = InventoryItem.objects.select_for_update().get(pk=item.pk)
    if locked.state != InventoryItemState.ARCHIVED:
        raise InvalidTransition("Only an archived inventory item can be restored.")
    now = clock.now()
    locked.state = InventoryItemState.READY
    locked.archived_at = None
    locked.updated_at = now
    locked.save(update_fields=["state", "archived_at", "updated_at"])
    event_record(
        actor=actor,
        action="inventory_restored",
        field="state",
        old_value=InventoryItemState.ARCHIVED,
        new_value=locked.state,
        data={"inventory_item_id": locked.pk, "serial_number": locked.serial_number},
    )
    return locked
