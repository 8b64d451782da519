"""A page of workshop tickets as plain rows: the ticket's columns with its project, state,
creator, metrics, item, technician and approver joined in the page's one query
(``ROW_COLUMNS``), and its part specs and sessions in fixed statements keyed by ticket id.

Building eight model instances per ticket (and one per part spec and session) was most of
a list request's Python at 1,000,000 tickets (issue 9); the rows carry the same values, so
the page renders the same bytes.
No visibility rule lives here: the caller passes tickets it may show.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from tessera.core.tickets.page_relations import values_by_ticket

from .models import PartSpec, WorkSession

_USER = ("username", "first_name", "last_name")

# The ``values()`` names a page of tickets shows, and nothing else.
ROW_COLUMNS = (
    *("id", "number", "title", "description", "version", "created_at", "updated_at"),
    *("project_id", "project__key", "project__name", "project__template"),
    "state__key",
    "created_by_id",
    *(f"created_by__{f}" for f in _USER),
    *(f"workshop__{f}" for f in ("flag_color", "xp_amount", "total_duration")),
    *(f"workshop__{f}" for f in ("approved_at", "done_at")),
    "workshop__inventory_item_id",
    *(f"workshop__inventory_item__{f}" for f in ("serial_number", "name", "state")),
    "workshop__technician_id",
    *(f"workshop__technician__{f}" for f in _USER),
    "workshop__approved_by_id",
    *(f"workshop__approved_by__{f}" for f in _USER),
)

PART_COLUMNS = ("id", "name", "color", "planned_minutes", "xp")


class SessionRow(NamedTuple):
    """The columns of a ``WorkSession`` that its timer and its output read."""

    pk: int
    ticket_id: int
    technician_id: int
    state: str
    started_at: datetime
    stopped_at: datetime | None


def part_specs_by_ticket(ticket_ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    """The part specs (``PART_COLUMNS``) of each ticket in intake order: one query."""
    found: dict[int, list[dict[str, Any]]] = {}
    rows = values_by_ticket(PartSpec, ticket_ids, *PART_COLUMNS, order=("ticket", "position", "id"))
    for ticket_id, *values in rows:
        found.setdefault(ticket_id, []).append(dict(zip(PART_COLUMNS, values, strict=True)))
    return found


def latest_sessions(ticket_ids: Sequence[int]) -> dict[int, SessionRow]:
    """The latest (highest id) work session of each ticket that has one: one query."""
    latest: dict[int, SessionRow] = {}
    rows = values_by_ticket(
        WorkSession,
        ticket_ids,
        *("id", "technician", "state", "started_at", "stopped_at"),
        order=("id",),
    )
    for ticket_id, pk, technician_id, state, started_at, stopped_at in rows:
        latest[ticket_id] = SessionRow(pk, ticket_id, technician_id, state, started_at, stopped_at)
    return latest
