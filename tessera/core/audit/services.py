"""Write audit events. Called by services inside their own transaction."""

from __future__ import annotations

from typing import Any

from tessera.core.common.prepared import insert_row

from .models import Event


def event_record(
    *,
    actor,
    action: str,
    project=None,
    ticket=None,
    field: str = "",
    old_value: Any = "",
    new_value: Any = "",
    data: dict | None = None,
) -> Event:
    if ticket is not None and project is None:
        project_id = ticket.project_id
    else:
        project_id = project.pk if project is not None else None
    event = Event(
        project_id=project_id,
        ticket=ticket,
        ticket_ref=getattr(ticket, "display_number", "") if ticket is not None else "",
        actor=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
        action=action,
        field=field,
        old_value="" if old_value is None else str(old_value),
        new_value="" if new_value is None else str(new_value),
        data=data or {},
    )
    insert_row(event)  # append-only: ``Event.save`` refuses only an update
    return event


def events_record_many(events: list[Event]) -> None:
    Event.objects.bulk_create(events)
