"""Reads of projects: visible projects, states and columns."""

from __future__ import annotations

from django.db.models import QuerySet

from tessera.core.common.errors import NotFound
from tessera.core.common.prepared import Prepared

from . import permissions
from .models import BoardColumn, Project, WorkflowState, WorkflowTransition


def projects_visible_to(actor, *, template: str | None = None) -> QuerySet[Project]:
    qs = Project.objects.all()
    if template:
        qs = qs.filter(template=template)
    if actor.is_superuser:
        return qs
    return qs.filter(pk__in=list(permissions.memberships(actor).keys()))


# A column with its state and project, by id within a blueprint, compiled once
# (``common.prepared``): every boards create and column move reads it.
_COLUMN_OF_TEMPLATE = Prepared(
    lambda pk, template: BoardColumn.objects.filter(
        pk=pk, project__template=template
    ).select_related("state", "project"),
    int,
    str,
)


def visible_column(*, actor, column_id: int, template: str) -> BoardColumn | None:
    """The board column (its ``state`` and ``project`` attached) when its project is of
    ``template`` and ``projects_visible_to`` the actor; None otherwise."""
    column = _COLUMN_OF_TEMPLATE.first(column_id, template)
    if column is None:
        return None
    if not actor.is_superuser and column.project_id not in permissions.memberships(actor):
        return None
    return column


def access_project(*, actor, project_id, template: str | None = None) -> Project:
    """The project if the actor is a member (or superuser); one not-found otherwise."""
    try:
        pid = int(project_id)
    except (TypeError, ValueError):
        raise NotFound("Project not found")
    project = projects_visible_to(actor, template=template).filter(pk=pid).first()
    if project is None:
        raise NotFound("Project not found")
    return project


def state_by_key(project_id: int, key: str) -> WorkflowState | None:
    return WorkflowState.objects.filter(project_id=project_id, key=key).first()


def initial_state(project_id: int) -> WorkflowState:
    return WorkflowState.objects.get(project_id=project_id, is_initial=True)


def transition_permission(project_id: int, from_state_id: int, to_state_id: int) -> str | None:
    """The permission guarding the move, or None if the workflow draws no such arrow."""
    return (
        WorkflowTransition.objects.filter(
            project_id=project_id, from_state_id=from_state_id, to_state_id=to_state_id
        )
        .values_list("permission", flat=True)
        .first()
    )


def allowed_targets(*, actor, ticket) -> list[WorkflowState]:
    """States the actor may move ``ticket`` to from its current state."""
    perms = permissions.permissions_in(actor, ticket.project_id)
    rows = WorkflowTransition.objects.filter(
        project_id=ticket.project_id, from_state_id=ticket.state_id
    ).select_related("to_state")
    return [t.to_state for t in rows if t.permission in perms and t.to_state_id != ticket.state_id]


def columns_of(project_id: int) -> QuerySet[BoardColumn]:
    return BoardColumn.objects.filter(project_id=project_id).select_related("state")
