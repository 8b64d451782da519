"""Admin for the workshop: inventory and metrics are editable; the session events and the
XP ledger are append-only and shown read-only."""

from __future__ import annotations

from django.contrib import admin

from .models import (
    InventoryItem,
    PartSpec,
    TicketMetrics,
    WorkSession,
    WorkSessionEvent,
    XpTransaction,
)


@admin.register(InventoryItem)
class InventoryItemAdmin(admin.ModelAdmin):
    list_display = ("serial_number", "name", "state", "created_at", "archived_at")
    list_filter = ("state",)
    search_fields = ("serial_number", "name")
    raw_id_fields = ("created_by",)


class PartSpecInline(admin.TabularInline):
    model = PartSpec
    fk_name = "ticket"
    extra = 0


@admin.register(TicketMetrics)
class TicketMetricsAdmin(admin.ModelAdmin):
    list_display = (
        "ticket",
        "inventory_item",
        "flag_color",
        "xp_amount",
        "total_duration",
        "technician",
        "approved_at",
        "done_at",
    )
    list_filter = ("flag_color",)
    # explicit: the technician is nullable, and a ticket's name needs its project
    list_select_related = ("ticket__project", "inventory_item", "technician")
    search_fields = ("inventory_item__serial_number", "ticket__title")
    raw_id_fields = ("ticket", "inventory_item", "technician", "approved_by")
    readonly_fields = ("holds_item", "holds_technician")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class WorkSessionEventInline(admin.TabularInline):
    model = WorkSessionEvent
    extra = 0
    can_delete = False
    readonly_fields = ("kind", "at", "actor")
    fields = ("kind", "at", "actor")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WorkSession)
class WorkSessionAdmin(ReadOnlyAdmin):
    list_display = ("id", "ticket", "technician", "state", "started_at", "stopped_at")
    list_select_related = ("ticket__project", "technician")
    list_filter = ("state",)
    inlines = [WorkSessionEventInline]


@admin.register(XpTransaction)
class XpTransactionAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "user", "ticket", "kind", "source", "amount")
    list_select_related = ("user", "ticket__project")
    list_filter = ("kind", "source")
    search_fields = ("user__username",)
