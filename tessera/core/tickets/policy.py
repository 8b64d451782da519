"""Ticket-level predicates over the permission engine: view, modify, delete, comment."""

from __future__ import annotations

from tessera.core.projects import permissions


def _company_ids(actor) -> set[int]:
    cached = getattr(actor, "_tessera_company_ids", None)
    if cached is None:
        from tessera.core.organizations.models import Company

        cached = set(Company.objects.filter(users=actor).values_list("pk", flat=True)) | set(
            Company.objects.filter(admins=actor).values_list("pk", flat=True)
        )
        actor._tessera_company_ids = cached
    return cached


def _company_user_ids(actor) -> set[int]:
    """Users of the actor's companies: their tickets without a company belong to it too."""
    cached = getattr(actor, "_tessera_company_user_ids", None)
    if cached is None:
        from tessera.core.organizations.models import Company

        companies = _company_ids(actor)
        cached = set()
        if companies:
            cached = set(
                Company.users.through.objects.filter(company_id__in=companies).values_list(
                    "user_id", flat=True
                )
            )
        actor._tessera_company_user_ids = cached
    return cached


def is_assignee(actor, ticket) -> bool:
    cache = getattr(ticket, "_prefetched_objects_cache", {})
    if "assignments" in cache:
        return any(a.user_id == actor.pk for a in ticket.assignments.all())
    return ticket.assignments.filter(user_id=actor.pk).exists()


def can_view(actor, ticket) -> bool:
    perms = permissions.permissions_in(actor, ticket.project_id)
    if "view_all_tickets" in perms:
        return True
    if not perms:
        return False
    if "view_own_ticket" in perms or "view_company_tickets" in perms:
        if ticket.created_by_id == actor.pk:
            return True
    if "view_company_tickets" in perms and ticket.company_id in _company_ids(actor):
        return True
    if (
        "view_company_tickets" in perms
        and ticket.company_id is None
        and ticket.created_by_id in _company_user_ids(actor)
    ):
        return True
    return is_assignee(actor, ticket)


def can_modify(actor, ticket) -> bool:
    perms = permissions.permissions_in(actor, ticket.project_id)
    if "modify_ticket" in perms:
        return True
    return "modify_own_ticket" in perms and ticket.created_by_id == actor.pk


def can_delete(actor, ticket) -> bool:
    perms = permissions.permissions_in(actor, ticket.project_id)
    if "delete_ticket" in perms:
        return True
    return "delete_own_ticket" in perms and ticket.created_by_id == actor.pk


def can_comment(actor, ticket, *, internal: bool = False) -> bool:
    perms = permissions.permissions_in(actor, ticket.project_id)
    if "comment_ticket" not in perms or not can_view(actor, ticket):
        return False
    return not internal or "comment_internal" in perms


def can_see_internal(actor, ticket) -> bool:
    perms = permissions.permissions_in(actor, ticket.project_id)
    return "comment_internal" in perms or "view_all_tickets" in perms
