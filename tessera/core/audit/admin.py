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
    list_filter = ("action",)
    search_fields = ("ticket_ref", "field", "new_value")
    list_select_related = ("project", "actor")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
