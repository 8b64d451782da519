"""Every write to tickets. Each service authorises, validates, changes, audits — in one
transaction — and leaves HTTP to the surfaces.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.models import F

from tessera.core.audit.services import event_record
from tessera.core.common import clock
from tessera.core.common.errors import (
    Conflict,
    Forbidden,
    InvalidTransition,
    NotFound,
    StorageFull,
    ValidationFailed,
)
from tessera.core.common.prepared import Prepared, insert_row
from tessera.core.projects import permissions
from tessera.core.projects.models import (
    TERMINAL_CATEGORIES,
    BoardColumn,
    Membership,
    Project,
    ProjectCounter,
    StateCategory,
    WorkflowState,
)
from tessera.core.projects.selectors import transition_permission

from . import policy
from .models import Attachment, Comment, Tag, Ticket, TicketAssignment, TicketFollower

UPDATABLE_FIELDS = {
    "title",
    "description",
    "priority",
    "category",
    "type",
    "customer",
    "company",
    "location",
    "department",
    "urgency",
    "importance",
    "due_date",
    "start_date",
    "estimated_hours",
    "actual_hours",
}


def _display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def ticket_number_next(project_id: int) -> int:
    """Take the project's next number. Must run inside the creating transaction.

    One ``UPDATE … RETURNING`` (PostgreSQL, SQLite ≥ 3.35): on PostgreSQL it row-locks the
    counter until commit, on SQLite (IMMEDIATE transactions) the writer lock is already
    held; a rolled-back create gives its number back, so numbers stay gap-free.
    """
    table = ProjectCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET last_number = last_number + 1 WHERE project_id = %s "
            "RETURNING last_number",
            [project_id],
        )
        row = cursor.fetchone()
    if row is None:
        ProjectCounter.objects.get_or_create(project_id=project_id)
        return ticket_number_next(project_id)
    return int(row[0])


def _check_assignees(project: Project, users: Iterable) -> list:
    users = list(users)
    if not users:
        return users  # most creates name none: no membership query to build
    ids = {u.pk for u in users}
    member_ids = set(
        Membership.objects.filter(project=project, user_id__in=ids).values_list(
            "user_id", flat=True
        )
    )
    bad = [u.pk for u in users if u.pk not in member_ids and not u.is_superuser]
    if bad:
        raise ValidationFailed(
            "Assignees must be project members",
            fields={"assignee_ids": [f"User {pk} is not a member of this project." for pk in bad]},
        )
    return users


# A create's two reads of its project's workflow, compiled once (``common.prepared``): as
# querysets they were 9 % of a service-desk create's CPU under load (py-spy at 1M).
_INITIAL_STATES = Prepared(
    lambda project_id: WorkflowState.objects.filter(project_id=project_id, is_initial=True), int
)
_STATE_BY_KEY = Prepared(
    lambda project_id, key: WorkflowState.objects.filter(project_id=project_id, key=key).order_by(
        "pk"
    )[:1],
    int,
    str,
)
# The first column of a project's initial state, with its state: a create's state and
# column in one read (``_initial_state_and_column``).
_INITIAL_STATE_FIRST_COLUMN = Prepared(
    lambda project_id: (
        BoardColumn.objects.filter(
            project_id=project_id, state__project_id=project_id, state__is_initial=True
        )
        .select_related("state")
        .order_by("order", "id")[:1]
    ),
    int,
)
_FIRST_COLUMN_OF_STATE = Prepared(
    lambda project_id, state_id: BoardColumn.objects.filter(
        project_id=project_id, state_id=state_id
    ).order_by("order")[:1],
    int,
    int,
)


def _resolve_state(project: Project, state: WorkflowState | str | None) -> WorkflowState:
    if state is None:
        initial = _INITIAL_STATES.instances(project.pk)
        if len(initial) != 1:
            raise (
                WorkflowState.DoesNotExist if not initial else WorkflowState.MultipleObjectsReturned
            )(f"{len(initial)} initial states in project {project.pk}")
        return initial[0]
    if isinstance(state, WorkflowState):
        if state.project_id != project.pk:
            raise ValidationFailed("State belongs to another project")
        return state
    found = _STATE_BY_KEY.first(project.pk, state)
    if found is None:
        raise ValidationFailed(f"Unknown state {state!r}", fields={"status": ["Invalid status."]})
    return found


def _check_priority(project: Project, priority: int) -> int:
    """The priority must be one of the project's blueprint priorities."""
    valid = project.blueprint.priorities
    if valid and priority not in valid:
        names = ", ".join(f"{v} ({k})" for v, (k, _label) in sorted(valid.items()))
        raise ValidationFailed(
            "Invalid priority", fields={"priority": [f"Priority must be one of: {names}."]}
        )
    return priority


def _column_for_state(state: WorkflowState) -> BoardColumn | None:
    return _FIRST_COLUMN_OF_STATE.first(state.project_id, state.pk)


def _initial_state_and_column(project: Project) -> tuple[WorkflowState, BoardColumn | None]:
    """The project's initial state (one per project: ``one_initial_state``) and its first
    column: one read when the state has a column (as every blueprint's does); when it has
    none, the state is read alone."""
    column = _INITIAL_STATE_FIRST_COLUMN.first(project.pk)
    if column is None:
        return _resolve_state(project, None), None
    return column.state, column


def ticket_create(
    *,
    actor,
    project: Project,
    title: str,
    description: str = "",
    priority: int | None = None,
    state: WorkflowState | str | None = None,
    column: BoardColumn | None = None,
    type: str = "task",
    category=None,
    tags: Iterable[Tag] = (),
    assignees: Iterable = (),
    customer=None,
    company=None,
    created_by=None,
    check_permission: bool = True,
    blueprint_service: bool = False,
    **fields: Any,
) -> Ticket:
    """Create a ticket with the project's next number, its initial (or column's) state, and
    a ``created`` audit event. ``fields`` takes the other updatable fields.

    A blueprint whose tickets need more than a ticket row (``generic_create=False``: the
    workshop's intake) is refused unless its own service calls (``blueprint_service=True``).

    Everything is checked before the first write; the writes are one atomic block that
    makes no savepoint of its own inside a caller's transaction (two statements less per
    create): a failed write leaves the caller's transaction to roll back, as it would
    after any failed statement on PostgreSQL.
    """
    if not (project.blueprint.generic_create or blueprint_service):
        raise ValidationFailed(
            "Tickets of this project are created through its own intake",
            fields={"project": ["Create this project's tickets through its intake."]},
        )
    if check_permission:
        permissions.require_perm(actor, "add_ticket", project.pk)
    unknown = set(fields) - UPDATABLE_FIELDS
    if unknown:
        raise ValidationFailed(f"Unknown ticket fields: {', '.join(sorted(unknown))}")
    if not (title or "").strip():
        raise ValidationFailed("Title is required", fields={"title": ["This field is required."]})
    if column is not None:
        if column.project_id != project.pk:
            raise ValidationFailed(
                "Column belongs to another project", fields={"column": ["Invalid column."]}
            )
        state_obj = column.state
    elif state is None:
        state_obj, column = _initial_state_and_column(project)
    else:
        state_obj = _resolve_state(project, state)
        column = _column_for_state(state_obj)
    assignees = _check_assignees(project, assignees)
    priority = (
        _check_priority(project, priority)
        if priority is not None
        else project.blueprint.default_priority
    )
    with transaction.atomic(savepoint=False):
        now = clock.now()
        ticket = Ticket(
            project=project,
            number=ticket_number_next(project.pk),
            title=title.strip(),
            description=description or "",
            state=state_obj,
            column=column,
            priority=priority,
            type=type or "task",
            category=category,
            customer=customer,
            company=company,
            created_by=created_by
            or (actor if actor is not None and actor.is_authenticated else None),
            created_at=now,
            updated_at=now,
            **fields,
        )
        if state_obj.category == StateCategory.DONE:
            ticket.resolved_at = now
        ticket.project = project
        insert_row(ticket)
        if tags:
            ticket.tags.set(list(tags))
        if assignees:
            TicketAssignment.objects.bulk_create(
                [TicketAssignment(ticket=ticket, user=u, assigned_at=now) for u in assignees]
            )
        event_record(
            actor=actor,
            ticket=ticket,
            action="created",
            new_value=ticket.title,
            data={"state": state_obj.key, "priority": ticket.priority},
        )
        return ticket


def _lock(ticket: Ticket) -> Ticket:
    """Re-read the ticket under a row lock; the caller's copy may be stale.

    The lock takes the ticket row alone: on PostgreSQL a locking query that joins the state
    re-checks the join after waiting, and drops the row when the holder changed ``state_id``.
    """
    if not Ticket.objects.select_for_update().filter(pk=ticket.pk).values_list("pk").first():
        raise NotFound("Ticket not found")
    locked = Ticket.objects.select_related("project", "state").filter(pk=ticket.pk).first()
    if locked is None:
        raise NotFound("Ticket not found")
    return locked


def _touch(ticket: Ticket, update_fields: list[str]) -> None:
    ticket.updated_at = clock.now()
    ticket.version = (ticket.version or 0) + 1
    ticket.save(update_fields=[*update_fields, "updated_at", "version"])


def require_modify(actor, ticket: Ticket) -> None:
    if not policy.can_modify(actor, ticket):
        raise Forbidden("You do not have permission to perform this action.")


@transaction.atomic
def ticket_update(
    *,
    actor,
    ticket: Ticket,
    changes: dict[str, Any],
    expected_version: int | None = None,
    check_permission: bool = True,
) -> Ticket:
    """Change plain fields; one ``updated`` event per changed field (old → new).

    ``expected_version`` gives optimistic concurrency: a stale write raises ``Conflict``.
    """
    if check_permission:
        require_modify(actor, ticket)
    unknown = set(changes) - UPDATABLE_FIELDS
    if unknown:
        raise ValidationFailed(f"Cannot change: {', '.join(sorted(unknown))}")
    locked = _lock(ticket)
    if expected_version is not None and locked.version != expected_version:
        raise Conflict(
            "The ticket changed since you read it", extra={"current_version": locked.version}
        )
    if "title" in changes and not (changes["title"] or "").strip():
        raise ValidationFailed(
            "Title is required", fields={"title": ["This field may not be blank."]}
        )
    if "priority" in changes:
        _check_priority(locked.project, changes["priority"])
    changed = []
    for field, value in changes.items():
        old = getattr(locked, field)
        if old == value:
            continue
        setattr(locked, field, value)
        changed.append(field)
        event_record(
            actor=actor,
            ticket=locked,
            action="updated",
            field=field,
            old_value=_display(old),
            new_value=_display(value),
        )
    if changed:
        _touch(locked, changed)
    _copy_into(ticket, locked)
    return ticket


def _copy_into(target: Ticket, source: Ticket) -> None:
    """Bring the caller's instance up to date with the locked, changed row."""
    for f in Ticket._meta.concrete_fields:
        setattr(target, f.attname, getattr(source, f.attname))
    target._state.fields_cache.clear()
    target.project = source.project
    target.state = source.state


@transaction.atomic
def ticket_transition(
    *,
    actor,
    ticket: Ticket,
    to_state: WorkflowState | str,
    check_permission: bool = True,
    column: BoardColumn | None = None,
) -> Ticket:
    """Move the ticket along its project's workflow.

    The arrow must exist (else ``InvalidTransition``) and the actor must hold its
    permission (else ``Forbidden``). Entering ``resolved`` sets ``resolved_at``; entering
    another done/cancelled state sets ``closed_at``; going back to an open state clears both.
    """
    locked = _lock(ticket)
    target = _resolve_state(locked.project, to_state)
    if target.pk == locked.state_id:
        if column is not None and column.pk != locked.column_id:
            locked.column = column
            _touch(locked, ["column"])
        _copy_into(ticket, locked)
        return ticket
    perm = transition_permission(locked.project_id, locked.state_id, target.pk)
    if (
        check_permission
        and perm is not None
        and not permissions.has_perm(actor, perm, locked.project_id)
    ):
        raise Forbidden("You do not have permission to perform this action.")
    if perm is None:
        raise InvalidTransition(
            f"Cannot move from {locked.state.key} to {target.key}",
            extra={"from": locked.state.key, "to": target.key},
        )
    old_key = locked.state.key
    now = clock.now()
    fields = ["state", "column", "resolved_at", "closed_at"]
    locked.state = target
    if target.category in TERMINAL_CATEGORIES:
        if target.key == "resolved":
            locked.resolved_at = now
        else:
            locked.closed_at = now
            if target.category == StateCategory.DONE and locked.resolved_at is None:
                locked.resolved_at = now
    else:
        locked.resolved_at = None
        locked.closed_at = None
    if column is not None and column.state_id == target.pk:
        locked.column = column
    elif locked.column is None or locked.column.state_id != target.pk:
        locked.column = _column_for_state(target)
    _touch(locked, fields)
    event_record(
        actor=actor,
        ticket=locked,
        action="status_changed",
        field="status",
        old_value=old_key,
        new_value=target.key,
    )
    _copy_into(ticket, locked)
    return ticket


def ticket_move_to_column(
    *, actor, ticket: Ticket, column: BoardColumn, rank: float | None = None
) -> Ticket:
    """Kanban move: the column's state must be reachable by the workflow and the role."""
    if column.project_id != ticket.project_id:
        raise ValidationFailed(
            "Column belongs to another project", fields={"column": ["Invalid column."]}
        )
    with transaction.atomic():
        ticket_transition(actor=actor, ticket=ticket, to_state=column.state, column=column)
        if rank is not None:
            Ticket.objects.filter(pk=ticket.pk).update(rank=rank)
            ticket.rank = rank
    return ticket


@transaction.atomic
def ticket_assign(
    *,
    actor,
    ticket: Ticket,
    assignees: Iterable,
    check_permission: bool = True,
    expected_version: int | None = None,
) -> Ticket:
    """Replace the ticket's assignees; each must be a project member.

    ``expected_version`` gives optimistic concurrency: a stale write raises ``Conflict``.
    """
    if check_permission:
        permissions.require_perm(actor, "assign_ticket", ticket.project_id)
    locked = _lock(ticket)
    if expected_version is not None and locked.version != expected_version:
        raise Conflict(
            "The ticket changed since you read it", extra={"current_version": locked.version}
        )
    users = _check_assignees(locked.project, assignees)
    current = list(
        TicketAssignment.objects.filter(ticket=locked).select_related("user").order_by("id")
    )
    old_ids = [a.user_id for a in current]
    new_ids = [u.pk for u in users]
    if old_ids == new_ids:
        return ticket
    TicketAssignment.objects.filter(ticket=locked).exclude(user_id__in=new_ids).delete()
    now = clock.now()
    TicketAssignment.objects.bulk_create(
        [
            TicketAssignment(ticket=locked, user=u, assigned_at=now)
            for u in users
            if u.pk not in old_ids
        ]
    )
    _touch(locked, [])
    event_record(
        actor=actor,
        ticket=locked,
        action="assigned",
        field="assigned_to",
        old_value=", ".join(a.user.username for a in current),
        new_value=", ".join(u.username for u in users),
        data={"old": old_ids, "new": new_ids},
    )
    _copy_into(ticket, locked)
    if hasattr(ticket, "_prefetched_objects_cache"):
        ticket._prefetched_objects_cache.clear()
    return ticket


@transaction.atomic
def ticket_delete(*, actor, ticket: Ticket, check_permission: bool = True) -> None:
    """Delete the ticket; its audit events stay (``ticket`` NULL, ``ticket_ref`` kept)."""
    if check_permission and not policy.can_delete(actor, ticket):
        raise Forbidden("You do not have permission to perform this action.")
    event_record(actor=actor, ticket=ticket, action="deleted", old_value=ticket.title)
    for attachment in ticket.attachments.all():
        transaction.on_commit(lambda f=attachment.file: f.delete(save=False))
    ticket.delete()


@transaction.atomic
def ticket_set_tags(
    *,
    actor,
    ticket: Ticket,
    names: Iterable[str],
    may_create: bool | None = None,
    check_permission: bool = False,
) -> list[Tag]:
    """Set the ticket's tags by name within its project. Unknown names create tags only for
    roles holding ``manage_tags`` (or when ``may_create`` says so). ``check_permission``
    also requires the right to modify the ticket (callers that check it themselves skip it)."""
    if check_permission:
        require_modify(actor, ticket)
    clean = []
    for name in names:
        name = (name or "").strip()
        if name and name.lower() not in {c.lower() for c in clean}:
            clean.append(name[:100])
    existing = {
        t.name.lower(): t for t in Tag.objects.filter(project_id=ticket.project_id, name__in=clean)
    }
    if len(existing) < len(clean):
        # case-insensitive match for the rest
        for t in Tag.objects.filter(project_id=ticket.project_id):
            existing.setdefault(t.name.lower(), t)
    missing = [n for n in clean if n.lower() not in existing]
    if missing:
        allowed = (
            may_create
            if may_create is not None
            else permissions.has_perm(actor, "manage_tags", ticket.project_id)
        )
        if not allowed:
            raise ValidationFailed(
                "Unknown tags",
                fields={"tag_names": [f"Tag '{n}' does not exist." for n in missing]},
            )
        for n in missing:
            existing[n.lower()] = Tag.objects.create(project_id=ticket.project_id, name=n)
    tags = [existing[n.lower()] for n in clean]
    old = sorted(ticket.tags.values_list("name", flat=True))
    new = sorted(t.name for t in tags)
    if old != new:
        ticket.tags.set(tags)
        event_record(
            actor=actor,
            ticket=ticket,
            action="updated",
            field="tags",
            old_value=", ".join(old),
            new_value=", ".join(new),
        )
        Ticket.objects.filter(pk=ticket.pk).update(updated_at=clock.now(), version=F("version") + 1)
    return tags


@transaction.atomic
def comment_add(
    *, actor, ticket: Ticket, body: str, is_internal: bool = False, check_permission: bool = True
) -> Comment:
    """Add a public reply or internal note. The first public reply by someone other than the
    requester stamps ``first_response_at``."""
    if check_permission and not policy.can_comment(actor, ticket, internal=is_internal):
        raise Forbidden("You do not have permission to perform this action.")
    if not (body or "").strip():
        raise ValidationFailed(
            "Comment is empty", fields={"content": ["This field may not be blank."]}
        )
    now = clock.now()
    comment = Comment(
        ticket=ticket,
        author=actor,
        body=body,
        is_internal=is_internal,
        created_at=now,
        updated_at=now,
    )
    insert_row(comment)
    updates: dict[str, Any] = {"updated_at": now}
    if not is_internal and ticket.first_response_at is None and actor.pk != ticket.created_by_id:
        updates["first_response_at"] = now
        ticket.first_response_at = now
    Ticket.objects.filter(pk=ticket.pk).update(**updates)
    event_record(
        actor=actor,
        ticket=ticket,
        action="commented",
        field="comment",
        new_value=body[:200],
        data={"comment_id": comment.pk, "is_internal": is_internal},
    )
    return comment


def ensure_disk_space(incoming: int) -> None:
    """Refuse an upload that would leave less than ``TESSERA_MIN_FREE_DISK_BYTES`` free in the
    data dir, so uploads cannot fill the disk the database lives on."""
    media = Path(settings.MEDIA_ROOT)
    media.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(media).free
    if free - incoming < int(settings.TESSERA_MIN_FREE_DISK_BYTES):
        raise StorageFull("The server is short of disk space; uploads are refused for now.")


def max_upload_bytes() -> int:
    return int(settings.TESSERA_MAX_UPLOAD_BYTES)


@transaction.atomic
def attachment_add(
    *,
    actor,
    ticket: Ticket,
    upload: UploadedFile,
    description: str = "",
    filename: str | None = None,
    check_permission: bool = True,
) -> Attachment:
    """Store an upload under a generated name in the data dir; the size is bounded."""
    if check_permission and not policy.can_comment(actor, ticket):
        raise Forbidden("You do not have permission to perform this action.")
    if upload is None:
        raise ValidationFailed("No file", fields={"file": ["No file was submitted."]})
    limit = max_upload_bytes()
    if upload.size is None or upload.size > limit:
        raise ValidationFailed(
            "File too large",
            fields={"file": [f"File too large: the limit is {limit} bytes."]},
        )
    if upload.size == 0:
        raise ValidationFailed("Empty file", fields={"file": ["The submitted file is empty."]})
    ensure_disk_space(upload.size)
    original = (filename or upload.name or "file").replace("\\", "/").split("/")[-1][:255] or "file"
    attachment = Attachment(
        ticket=ticket,
        filename=original,
        file_size=upload.size,
        content_type=(getattr(upload, "content_type", "") or "")[:120],
        description=(description or "")[:500],
        uploaded_by=actor,
        uploaded_at=clock.now(),
    )
    attachment.file.save(original, upload, save=False)
    attachment.save()
    Ticket.objects.filter(pk=ticket.pk).update(updated_at=clock.now())
    event_record(
        actor=actor,
        ticket=ticket,
        action="attachment_added",
        field="attachment",
        new_value=original,
        data={"attachment_id": attachment.pk, "size": upload.size},
    )
    return attachment


def ticket_follow_toggle(*, actor, ticket: Ticket) -> bool:
    """Follow or unfollow; returns whether the actor now follows the ticket."""
    deleted, _ = TicketFollower.objects.filter(ticket=ticket, user=actor).delete()
    if deleted:
        return False
    try:
        with transaction.atomic():
            TicketFollower.objects.create(ticket=ticket, user=actor)
    except IntegrityError:
        pass
    return True
