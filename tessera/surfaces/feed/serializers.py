"""Document 004's ticket, read-only. Display names, not keys: the feed is for people's tools.

A ticket arrives as a plain row (``core.tickets.feed.feed_rows``: the columns read here,
with project, state, category and creator joined and the first assignee's id annotated in
the one query),
so a page costs the same number of queries at any size and builds no model per ticket or
relation (five per ticket cost ~5 ms on a page of 100). ``ticket_fields`` builds the dict
directly; ``FeedTicketSerializer`` declares the same fields for the OpenAPI schema.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rest_framework import serializers

from tessera.core.accounts.selectors import full_name_of
from tessera.core.projects.blueprints import get_blueprint
from tessera.core.projects.models import TERMINAL_CATEGORIES
from tessera.core.tickets.page_relations import first_assignees
from tessera.core.tickets.selectors import unique_number_of

from .envelope import iso


def closed_on(row: dict[str, Any]) -> str | None:
    """Null while the state is not terminal; a resolved (done) ticket counts as closed from
    its resolution on."""
    if row["state__category"] not in TERMINAL_CATEGORIES:
        return None
    return iso(row["closed_at"] or row["resolved_at"] or row["updated_at"])


def ticket_fields(row: dict[str, Any], assignees: dict[int, str]) -> dict[str, Any]:
    """The twelve documented fields, in the document's order; ``assignees``: the first
    assignee's name by ticket id."""
    return {
        "ticket_number": unique_number_of(
            template=row["project__template"],
            key=row["project__key"],
            number=row["number"],
            is_number_owner=row["project_id"] == row["number_owner_id"],
        ),
        "title": row["title"],
        "description": row["description"],
        "category": row["category__name"] if row["category_id"] else None,
        "created_by": full_name_of(
            row["created_by__username"],
            row["created_by__first_name"],
            row["created_by__last_name"],
        ),
        # Several assignees are possible in the core; a single-assignee document shows the
        # first one assigned (docs/decisions.md).
        "assigned_to": assignees.get(row["id"]),
        "status": row["state__name"],
        "priority": get_blueprint(row["project__template"]).priority_label(row["priority"]),
        "location": row["location"],
        "department": row["department"],
        "created_at": iso(row["created_at"]),
        "closed_on": closed_on(row),
    }


def tickets_fields(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """A page of rows; the first assignees' names in one query."""
    rows = list(rows)
    first = first_assignees([row["id"] for row in rows], "username", "first_name", "last_name")
    names = {ticket_id: full_name_of(**user) for ticket_id, user in first.items()}
    return [ticket_fields(row, names) for row in rows]


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

    def to_representation(self, row: dict[str, Any]) -> dict[str, Any]:
        return tickets_fields([row])[0]
