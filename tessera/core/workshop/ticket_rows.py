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

from tessera.core.tickets.page_relations import (
    TicketValues,
    values_by_ticket_together,
)

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


_PARTS = TicketValues(PartSpec, PART_COLUMNS, order=("ticket", "position", "id"))
_SESSIONS = TicketValues(WorkSession, ("id", "technician", "state", "started_at", "stopped_at"))


def _part_specs(rows: list[tuple]) -> dict[int, list[dict[str, Any]]]:
    found: dict[int, list[dict[str, Any]]] = {}
    for ticket_id, *values in rows:
        found.setdefault(ticket_id, []).append(dict(zip(PART_COLUMNS, values, strict=True)))
    return found


def _latest_sessions(rows: list[tuple]) -> dict[int, SessionRow]:
    latest: dict[int, SessionRow] = {}
    for ticket_id, pk, technician_id, state, started_at, stopped_at in rows:
        latest[ticket_id] = SessionRow(pk, ticket_id, technician_id, state, started_at, stopped_at)
    return latest


def part_specs_and_latest_sessions(
    ticket_ids: Sequence[int],
) -> tuple[dict[int, list[dict[str, Any]]], dict[int, SessionRow]]:
    """The part specs (``PART_COLUMNS``) of each ticket in intake order, and the latest
    (highest id) work session of each ticket that has one: one query."""
    parts, sessions = values_by_ticket_together(ticket_ids, _PARTS, _SESSIONS)
    return _part_specs(parts), _latest_sessions(sessions)
