"""Document 004's ticket, read-only. Display names, not keys: the feed is for people's tools.

The queryset must come from ``views.feed_queryset`` (project, state, category, creator and
assignments loaded in batch), so a page costs the same number of queries at any size.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tessera.core.tickets.models import Ticket

from .envelope import iso


class FeedTicketSerializer(serializers.Serializer):
    ticket_number = serializers.SerializerMethodField()
    title = serializers.CharField()
    description = serializers.CharField()
    category = serializers.SerializerMethodField()
    created_by = serializers.SerializerMethodField()
    assigned_to = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()
    priority = serializers.SerializerMethodField()
    location = serializers.CharField()
    department = serializers.CharField()
    created_at = serializers.SerializerMethodField()
    closed_on = serializers.SerializerMethodField()

    def get_ticket_number(self, ticket: Ticket) -> str:
        return ticket.display_number

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_category(self, ticket: Ticket) -> str | None:
        return ticket.category.name if ticket.category_id else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_created_by(self, ticket: Ticket) -> str | None:
        return ticket.created_by.full_name if ticket.created_by_id else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_assigned_to(self, ticket: Ticket) -> str | None:
        # Several assignees are possible in the core; a single-assignee document shows the
        # first one assigned (docs/decisions.md).
        assignments = list(ticket.assignments.all())
        return assignments[0].user.full_name if assignments else None

    def get_status(self, ticket: Ticket) -> str:
        return ticket.state.name

    def get_priority(self, ticket: Ticket) -> str:
        return ticket.project.blueprint.priority_label(ticket.priority)

    def get_created_at(self, ticket: Ticket) -> str:
        return iso(ticket.created_at)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_closed_on(self, ticket: Ticket) -> str | None:
        # Null while the ticket's state is not terminal; a resolved (done) ticket counts as
        # closed from its resolution on.
        if not ticket.state.is_terminal:
            return None
        return iso(ticket.closed_at or ticket.resolved_at or ticket.updated_at)
