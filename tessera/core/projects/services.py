"""Every write to projects: creation from a blueprint, members, roles, columns."""

from __future__ import annotations

import re

from django.db import IntegrityError, transaction

from tessera.core.audit.services import event_record
from tessera.core.common.errors import Forbidden, NotFound, ValidationFailed

from . import permissions
from .blueprints import BLUEPRINTS
from .models import (
    BoardColumn,
    Membership,
    Project,
    ProjectCounter,
    Role,
    WorkflowState,
    WorkflowTransition,
)

PROJECT_KEY_RE = re.compile(r"^[A-Z][A-Z0-9]{1,19}$")


def validate_project_key(key: str) -> str:
    key = (key or "").strip().upper()
    if not PROJECT_KEY_RE.match(key):
        raise ValidationFailed(
            "Invalid project key",
            fields={
                "project_key": [
                    "Project key must be 2-20 characters: a letter, then letters or digits."
                ]
            },
        )
    return key


@transaction.atomic
def project_create(
    *,
    actor,
    template: str,
    key: str,
    name: str,
    description: str = "",
) -> Project:
    """Instantiate a blueprint: roles, states, transitions, columns, counter; the creator
    (if any) gets the blueprint's creator role."""
    if template not in BLUEPRINTS:
        raise ValidationFailed(f"Unknown project template {template!r}")
    blueprint = BLUEPRINTS[template]
    key = validate_project_key(key)
    if not (name or "").strip():
        raise ValidationFailed(
            "Project name is required", fields={"name": ["This field is required."]}
        )
    if Project.objects.filter(key=key).exists():
        raise ValidationFailed(
            "Project key taken", fields={"key": ["A project with this key already exists."]}
        )
    try:
        with transaction.atomic():
            project = Project.objects.create(
                key=key,
                name=name.strip(),
                description=description,
                template=template,
                created_by=actor if actor is not None and actor.is_authenticated else None,
            )
    except IntegrityError:
        raise ValidationFailed(
            "Project key taken", fields={"key": ["A project with this key already exists."]}
        )
    Role.objects.bulk_create(
        [Role(project=project, name=r, permissions=sorted(p)) for r, p in blueprint.roles.items()]
    )
    states = {}
    for order, spec in enumerate(blueprint.states):
        states[spec.key] = WorkflowState.objects.create(
            project=project,
            key=spec.key,
            name=spec.name,
            category=spec.category,
            order=order,
            is_initial=spec.key == blueprint.initial_state,
        )
    WorkflowTransition.objects.bulk_create(
        [
            WorkflowTransition(
                project=project,
                from_state=states[t.source],
                to_state=states[t.target],
                permission=t.permission,
            )
            for t in blueprint.transitions
        ]
    )
    BoardColumn.objects.bulk_create(
        [
            BoardColumn(project=project, name=c.name, order=i, color=c.color, state=states[c.state])
            for i, c in enumerate(blueprint.columns)
        ]
    )
    ProjectCounter.objects.create(project=project)
    if actor is not None and actor.is_authenticated:
        membership_set(actor=None, project=project, user=actor, role=blueprint.creator_role)
    event_record(project=project, actor=actor, action="project_created", new_value=project.key)
    return project


def membership_set(*, actor, project: Project, user, role: str) -> tuple[Membership, bool]:
    """Give ``user`` the role ``role`` in ``project`` (replacing any other role).

    ``actor=None`` is the system (registration, blueprints); otherwise the actor needs
    ``manage_members`` in the project.
    """
    if actor is not None:
        permissions.require_perm(actor, "manage_members", project.pk)
    role_obj = Role.objects.filter(project=project, name=role).first()
    if role_obj is None:
        valid = ", ".join(Role.objects.filter(project=project).values_list("name", flat=True))
        raise ValidationFailed(
            f"Invalid role {role!r}", fields={"role": [f"Valid roles: {valid}."]}
        )
    with transaction.atomic():
        membership, created = Membership.objects.select_for_update().get_or_create(
            project=project, user=user, defaults={"role": role_obj, "assigned_by": actor}
        )
        old_role = None if created else membership.role.name
        if not created and membership.role_id != role_obj.pk:
            membership.role = role_obj
            membership.assigned_by = actor
            membership.save(update_fields=["role", "assigned_by", "assigned_at"])
        if created or old_role != role:
            event_record(
                project=project,
                actor=actor,
                action="member_role_set",
                field="role",
                old_value=old_role or "",
                new_value=f"{user.username}:{role}",
            )
    permissions.forget(user)
    return membership, created


def membership_remove(*, actor, project: Project, user) -> None:
    if actor is not None:
        permissions.require_perm(actor, "manage_members", project.pk)
    deleted, _ = Membership.objects.filter(project=project, user=user).delete()
    if not deleted:
        raise NotFound("This user has no role in the project")
    event_record(project=project, actor=actor, action="member_removed", old_value=user.username)
    permissions.forget(user)


def project_update(*, actor, project: Project, **changes) -> Project:
    permissions.require_perm(actor, "manage_project", project.pk)
    allowed = {"name", "description"}
    for field, value in changes.items():
        if field not in allowed:
            raise ValidationFailed(f"Cannot change {field}")
        old = getattr(project, field)
        if old != value:
            setattr(project, field, value)
            event_record(
                project=project,
                actor=actor,
                action="project_updated",
                field=field,
                old_value=str(old),
                new_value=str(value),
            )
    project.save()
    return project


def project_delete(*, actor, project: Project) -> None:
    permissions.require_perm(actor, "manage_project", project.pk)
    if not actor.is_superuser and project.created_by_id not in (None, actor.pk):
        raise Forbidden("Only the project's owner may delete it.")
    _project_delete(actor=actor, project=project)


@transaction.atomic
def _project_delete(*, actor, project: Project) -> None:
    """Delete tickets, columns and memberships first: they hold PROTECT references to the
    project's states and roles. The audit keeps a ``project_deleted`` event."""
    from tessera.core.tickets.models import Attachment, Ticket

    for attachment in Attachment.objects.filter(ticket__project=project):
        transaction.on_commit(lambda f=attachment.file: f.delete(save=False))
    Ticket.objects.filter(project=project).delete()
    BoardColumn.objects.filter(project=project).delete()
    Membership.objects.filter(project=project).delete()
    event_record(actor=actor, action="project_deleted", old_value=f"{project.key} {project.name}")
    project.delete()
    permissions.forget(actor)


# --- kanban columns (document 003): each column owns a workflow state ---------------------


def _state_key_for(project: Project, name: str) -> str:
    from django.utils.text import slugify

    base = (slugify(name).replace("-", "_") or "column")[:30]
    key, n = base, 1
    taken = set(WorkflowState.objects.filter(project=project).values_list("key", flat=True))
    while key in taken:
        n += 1
        key = f"{base}_{n}"
    return key


@transaction.atomic
def column_create(
    *, actor, project: Project, name: str, order: int | None = None, color: str = "#0052cc"
) -> BoardColumn:
    """Add a column and the workflow state it stands for (an ``active`` state reachable from
    and to every other state of the project, guarded by ``transition_ticket``)."""
    permissions.require_perm(actor, "manage_columns", project.pk)
    name = (name or "").strip()
    if not name:
        raise ValidationFailed("Name is required", fields={"name": ["This field is required."]})
    if order is None:
        last = BoardColumn.objects.filter(project=project).order_by("-order").first()
        order = last.order + 1 if last else 0
    others = list(WorkflowState.objects.filter(project=project))
    state = WorkflowState.objects.create(
        project=project,
        key=_state_key_for(project, name),
        name=name[:80],
        category="active",
        order=max([s.order for s in others], default=-1) + 1,
    )
    WorkflowTransition.objects.bulk_create(
        [WorkflowTransition(project=project, from_state=s, to_state=state) for s in others]
        + [WorkflowTransition(project=project, from_state=state, to_state=s) for s in others]
    )
    column = BoardColumn.objects.create(
        project=project, name=name[:80], order=order, color=color or "#0052cc", state=state
    )
    event_record(project=project, actor=actor, action="column_created", new_value=column.name)
    return column


@transaction.atomic
def column_update(*, actor, column: BoardColumn, **changes) -> BoardColumn:
    """Rename, recolour or move a column; a column-owned state keeps the column's name."""
    permissions.require_perm(actor, "manage_columns", column.project_id)
    allowed = {"name", "order", "color"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationFailed(f"Cannot change: {', '.join(sorted(unknown))}")
    if "name" in changes:
        changes["name"] = (changes["name"] or "").strip()[:80]
        if not changes["name"]:
            raise ValidationFailed(
                "Name is required", fields={"name": ["This field may not be blank."]}
            )
    for field, value in changes.items():
        old = getattr(column, field)
        if old != value:
            setattr(column, field, value)
            event_record(
                project=column.project,
                actor=actor,
                action="column_updated",
                field=field,
                old_value=str(old),
                new_value=str(value),
            )
    column.save()
    return column


@transaction.atomic
def column_delete(*, actor, column: BoardColumn) -> None:
    """Delete an empty column; its state goes too when nothing else uses it. A column that
    still holds tickets, or the project's last column, is refused."""
    permissions.require_perm(actor, "manage_columns", column.project_id)
    from tessera.core.tickets.models import Ticket

    if Ticket.objects.filter(column=column).exists():
        raise ValidationFailed("Move the column's tickets first: the column is not empty.")
    if BoardColumn.objects.filter(project_id=column.project_id).count() <= 1:
        raise ValidationFailed("A project keeps at least one column.")
    state = column.state
    event_record(
        project=column.project, actor=actor, action="column_deleted", old_value=column.name
    )
    column.delete()
    if (
        not state.is_initial
        and not BoardColumn.objects.filter(state=state).exists()
        and not Ticket.objects.filter(state=state).exists()
    ):
        state.delete()


@transaction.atomic
def columns_reorder(*, actor, project: Project, order: list[tuple[int, int]]) -> None:
    """Set ``(column_id, order)`` pairs in one transaction; every id must be a column of the
    project, else nothing changes."""
    permissions.require_perm(actor, "manage_columns", project.pk)
    ids = [cid for cid, _ in order]
    if len(set(ids)) != len(ids):
        raise ValidationFailed(
            "Duplicate column ids", fields={"order": ["Each column id may appear once."]}
        )
    columns = {
        c.pk: c for c in BoardColumn.objects.select_for_update().filter(project=project, pk__in=ids)
    }
    missing = [cid for cid in ids if cid not in columns]
    if missing:
        raise ValidationFailed(
            "Unknown columns",
            fields={"order": [f"Column {cid} is not a column of this project." for cid in missing]},
        )
    for cid, position in order:
        columns[cid].order = position
    BoardColumn.objects.bulk_update(list(columns.values()), ["order"])
    event_record(project=project, actor=actor, action="columns_reordered", new_value=str(order))
