"""Test data through the core services, the way each blueprint creates its tickets."""

from __future__ import annotations

import itertools

from tessera.core.tickets.services import ticket_create
from tessera.core.workshop.services import PartInput, workshop_ticket_create

_serials = itertools.count(1)


def any_ticket(project, actor, title: str, **fields):
    """A ticket of ``project``: through intake for a workshop project (its blueprint refuses
    the generic create), through ``ticket_create`` otherwise (no permission check)."""
    if project.template == "workshop":
        return workshop_ticket_create(
            actor=actor,
            project=project,
            serial_number=f"T-{project.pk}-{next(_serials)}",
            parts=[PartInput(name="Fan", color="red", planned_minutes=20, xp=3)],
            title=title,
            description=fields.pop("description", ""),
            confirm_create=True,
            create_reason="test data",
        )
    return ticket_create(
        actor=actor, project=project, title=title, check_permission=False, **fields
    )
