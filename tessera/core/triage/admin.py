from django.contrib import admin
from django.utils.html import format_html, format_html_join

from .models import TicketTriage, TriageStep


@admin.register(TicketTriage)
class TicketTriageAdmin(admin.ModelAdmin):
    list_display = ("ticket", "pipeline_status", "provider", "analysed_at", "updated_at")
    list_filter = ("pipeline_status", "provider")
    search_fields = ("ticket__title", "ticket__public_id")
    readonly_fields = (
        "ticket",
        "pipeline_status",
        "provider",
        "analysed_at",
        "created_at",
        "updated_at",
        "steps",
    )

    @admin.display(description="Pipeline steps")
    def steps(self, obj: TicketTriage) -> str:
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    s.name,
                    s.status,
                    s.attempts,
                    s.reason or "",
                    s.started_at or "",
                    s.finished_at or "",
                )
                for s in TriageStep.objects.filter(ticket_id=obj.ticket_id).order_by("order")
            ),
        )
        return format_html(
            "<table><tr><th>step</th><th>status</th><th>attempts</th><th>reason</th>"
            "<th>started</th><th>finished</th></tr>{}</table>",
            rows,
        )

    actions = ["resume_pipeline"]

    @admin.action(description="Resume the pipeline from its first unfinished step")
    def resume_pipeline(self, request, queryset):
        from .services import triage_restart

        for triage in queryset.select_related("ticket"):
            triage_restart(ticket=triage.ticket)
        self.message_user(request, f"{queryset.count()} pipeline(s) queued.")


@admin.register(TriageStep)
class TriageStepAdmin(admin.ModelAdmin):
    list_display = ("ticket", "name", "status", "attempts", "started_at", "finished_at")
    list_filter = ("status", "name")
    search_fields = ("ticket__title", "reason")
    readonly_fields = [f.name for f in TriageStep._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
