from __future__ import annotations

from datetime import timedelta

from django.contrib import admin
from django.db.models import Q

from tessera.core.common import clock

from .models import Event

# Free text is looked for in the events of this many recent days: the whole log is 3.8
# million events at 1,000,000 tickets, and `icontains` over all of them took 3-6 s.
RECENT_TEXT_DAYS = 30


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "project",
        "ticket_ref",
        "actor",
        "action",
        "field",
        "old_value",
        "new_value",
    )
    # Not ``search_fields``: Django ORs an ``icontains`` per field over the whole log (see
    # get_search_results). Not a filter on the action either: a filter lists the distinct
    # actions of every event (0.6 s over 3.8 million events).
    search_fields = ("action",)  # shows the search box; get_search_results does the search
    search_help_text = (
        "A ticket (TKT-000042, GD-12), an action (status_changed, commented, …), "
        f"or text in a ticket, field or new value of the last {RECENT_TEXT_DAYS} days"
    )
    list_select_related = ("project", "actor")
    # Newest first, as a log is read; the key order, so a search's page is read walking
    # back from the newest event (the oldest first walked the whole log for recent text).
    ordering = ("-id",)
    sortable_by = ("created_at",)  # what an index orders; any other column sorts 3.8M rows
    show_full_result_count = False  # one count, not a second one of every event

    def get_search_results(self, request, queryset, search_term):
        """Each kind of term through an index: a ticket's display number by the ticket's
        events (``(ticket, id)``), an action exactly (``(action, id)``), and other text
        only among the recent events (``created_at``)."""
        from tessera.core.tickets.models import Ticket
        from tessera.core.tickets.selectors import tickets_by_display_number

        term = (search_term or "").strip()
        if not term:
            return queryset, False
        tickets = [t.pk for t in tickets_by_display_number(Ticket.objects.all(), term)]
        recent = clock.now() - timedelta(days=RECENT_TEXT_DAYS)
        q = (
            Q(action=term)
            | Q(ticket_id__in=tickets)
            | Q(created_at__gte=recent)
            & (Q(ticket_ref__iexact=term) | Q(field__iexact=term) | Q(new_value__icontains=term))
        )
        return queryset.filter(q), False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
