"""The one permission engine: "may user U do action A in project P?".

Roles are data (``Role.permissions``); this module resolves a user's permission set per
project from their memberships, loading all of them in one query and caching the answer on
the user object for the rest of the request. Django superusers hold every permission.

Vocabulary (each blueprint maps its role names onto these):
view_ticket, view_all_tickets, view_own_ticket, view_company_tickets, add_ticket,
modify_ticket, modify_own_ticket, delete_ticket, delete_own_ticket, assign_ticket,
be_assigned, comment_ticket, comment_internal, transition_ticket, review_ticket,
run_work_session, run_any_work_session, sign_off_qc, manage_project, manage_members,
manage_columns, manage_tags, manage_companies, manage_customers, manage_categories,
view_reports, view_processing, manage_inventory (workshop).
"""

from __future__ import annotations

from dataclasses import dataclass

from tessera.core.common.errors import Forbidden
from tessera.core.common.prepared import Prepared

from .models import Membership


class _Everything(frozenset):
    def __contains__(self, item: object) -> bool:  # a superuser holds every permission
        return True


EVERYTHING = _Everything()


@dataclass(frozen=True)
class ProjectAccess:
    project_id: int
    role: str
    permissions: frozenset[str]
    template: str = ""


# Read on every request that checks a permission: compiled once (``common.prepared``).
_MEMBERSHIP_ROWS = Prepared(
    lambda user_id: Membership.objects.filter(user_id=user_id).values_list(
        "project_id", "role__name", "role__permissions", "project__template"
    ),
    int,
)


def _load(actor) -> dict[int, ProjectAccess]:
    cache = getattr(actor, "_tessera_access", None)
    if cache is None:
        cache = {}
        if actor is not None and actor.is_authenticated:
            rows = _MEMBERSHIP_ROWS.rows(actor.pk)
            for project_id, role, perms, template in rows:
                cache[project_id] = ProjectAccess(project_id, role, frozenset(perms), template)
        try:
            actor._tessera_access = cache
        except AttributeError:
            pass
    return cache


def forget(actor) -> None:
    """Drop the cached permissions after memberships change."""
    if hasattr(actor, "_tessera_access"):
        del actor._tessera_access


def memberships(actor) -> dict[int, ProjectAccess]:
    return _load(actor)


def role_in(actor, project_id: int) -> str | None:
    access = _load(actor).get(project_id)
    return access.role if access else None


def permissions_in(actor, project_id: int) -> frozenset[str]:
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return frozenset()
    if actor.is_superuser:
        return EVERYTHING
    access = _load(actor).get(project_id)
    return access.permissions if access else frozenset()


def has_perm(actor, perm: str, project_id: int) -> bool:
    return perm in permissions_in(actor, project_id)


def require_perm(actor, perm: str, project_id: int, message: str = "") -> None:
    if not has_perm(actor, perm, project_id):
        raise Forbidden(message or "You do not have permission to perform this action.")


def projects_with_perm(actor, perm: str, *, template: str | None = None) -> list[int] | None:
    """Project ids where ``actor`` holds ``perm``; None means "every project" (superuser)."""
    if actor is None or not actor.is_authenticated:
        return []
    if actor.is_superuser:
        return None
    return sorted(
        pid
        for pid, a in _load(actor).items()
        if perm in a.permissions and (template is None or a.template == template)
    )
