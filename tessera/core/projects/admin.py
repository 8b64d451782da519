from django.contrib import admin

from .models import BoardColumn, Membership, Project, Role, WorkflowState, WorkflowTransition


class RoleInline(admin.TabularInline):
    model = Role
    extra = 0


class StateInline(admin.TabularInline):
    model = WorkflowState
    extra = 0


class ColumnInline(admin.TabularInline):
    model = BoardColumn
    extra = 0


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ("key", "name", "template", "created_at")
    list_filter = ("template",)
    search_fields = ("key", "name")
    inlines = [RoleInline, StateInline, ColumnInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("project", "user", "role", "assigned_at")
    list_filter = ("project",)
    autocomplete_fields = ["user"]


@admin.register(WorkflowTransition)
class TransitionAdmin(admin.ModelAdmin):
    list_display = ("project", "from_state", "to_state", "permission")
    list_filter = ("project",)
