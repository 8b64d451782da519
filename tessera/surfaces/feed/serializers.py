"""Document 004's ticket, read-only. Display names, not keys: the feed is for people's tools.

The rows must come from ``views.feed_queryset`` (only the columns read here; project, state,
category and creator joined; the first assignee's id annotated), so a page costs the same
number of queries at any size. ``ticket_fields`` builds the dict directly — a DRF field per
value cost more than the SQL on a page of 100; ``FeedTicketSerializer`` declares the same
fields for the OpenAPI schema and delegates to it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rest_framework import serializers

from tessera.core.accounts.selectors import full_names
from tessera.core.tickets.models import Ticket
from tessera.core.tickets.selectors import unique_number

from .envelope import iso


def closed_on(ticket: Ticket) -> str | None:
    """Null while the state is not terminal; a resolved (done) ticket counts as closed from
    its resolution on."""
    if not ticket.state.is_terminal:
        return None
    return iso(ticket.closed_at or ticket.resolved_at or ticket.updated_at)


def ticket_fields(ticket: Ticket, assignees: dict[int, str]) -> dict[str, Any]:
    """The twelve documented fields, in the document's order."""
    creator = ticket.created_by if ticket.created_by_id else None
    category = ticket.category if ticket.category_id else None
    assignee = getattr(ticket, "first_assignee_id", None)
    return {
        "ticket_number": unique_number(ticket),
        "title": ticket.title,
        "description": ticket.description,
        "category": category.name if category else None,
        "created_by": creator.full_name if creator else None,
        # Several assignees are possible in the core; a single-assignee document shows the
        # first one assigned (docs/decisions.md).
        "assigned_to": assignees.get(assignee) if assignee is not None else None,
        "status": ticket.state.name,
        "priority": ticket.project.blueprint.priority_label(ticket.priority),
        "location": ticket.location,
        "department": ticket.department,
        "created_at": iso(ticket.created_at),
        "closed_on": closed_on(ticket),
    }


def tickets_fields(tickets: Iterable[Ticket]) -> list[dict[str, Any]]:
    """A page of tickets; the assignees' names in one query."""
    tickets = list(tickets)
    names = full_names(getattr(t, "first_assignee_id", None) for t in tickets)
    return [ticket_fields(t, names) for t in tickets]


class FeedTicketSerializer(serializers.Serializer):
    """Schema of one ticket (``ticket_fields`` produces it)."""

    ticket_number = serializers.CharField(
        help_text="Unique across the instance: TKT-000001, DEMO-12, or SDB-1 for a second "
        "service-desk project."
    )
    title = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    category = serializers.CharField(allow_null=True)
    created_by = serializers.CharField(allow_null=True)
    assigned_to = serializers.CharField(allow_null=True)
    status = serializers.CharField()
    priority = serializers.CharField()
    location = serializers.CharField(allow_blank=True)
    department = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()
    closed_on = serializers.DateTimeField(allow_null=True)

    def to_representation(self, ticket: Ticket) -> dict[str, Any]:
        return tickets_fields([ticket])[0]
