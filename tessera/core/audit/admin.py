from django.contrib import admin

from .models import Event


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
    # Searched by exact action (``=action``) rather than filtered: a filter lists the
    # distinct actions of every event (0.6 s over 3.8 million events).
    search_fields = ("=action", "ticket_ref", "field", "new_value")
    search_help_text = "An action (status_changed, commented, …), a ticket, a field or a new value"
    list_select_related = ("project", "actor")
    show_full_result_count = False  # one count, not a second one of every event

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
