"""Writes to the web UI's own model (saved views). Ticket writes go through the core."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db import transaction

from tessera.core.common.errors import NotFound, ValidationFailed

from .models import SavedView

SAVED_VIEW_KEYS = ("project", "state", "priority", "assignee", "q", "sort")


def clean_query(params) -> str:
    """Keep only the workspace's filter keys, in a stable order."""
    pairs = [(k, params.get(k, "").strip()) for k in SAVED_VIEW_KEYS]
    return urlencode([(k, v[:200]) for k, v in pairs if v])


@transaction.atomic
def saved_view_save(*, actor, name: str, params) -> SavedView:
    """Create or overwrite the actor's view called ``name`` with the filters in ``params``."""
    name = (name or "").strip()
    if not name:
        raise ValidationFailed("Name is required", fields={"name": ["Give the view a name."]})
    if len(name) > 80:
        raise ValidationFailed("Name too long", fields={"name": ["At most 80 characters."]})
    view, _ = SavedView.objects.update_or_create(
        user=actor, name=name, defaults={"query": clean_query(params)}
    )
    return view


def saved_view_delete(*, actor, view_id) -> None:
    try:
        pk = int(view_id)
    except (TypeError, ValueError):
        raise NotFound("Saved view not found")
    deleted, _ = SavedView.objects.filter(user=actor, pk=pk).delete()
    if not deleted:
        raise NotFound("Saved view not found")
