from django.contrib import admin

from .models import OutboundEmail


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = ("created_at", "subject", "status", "attempts", "next_attempt_at", "sent_at")
    list_filter = ("status",)
    search_fields = ("subject",)
    readonly_fields = [f.name for f in OutboundEmail._meta.fields]
    actions = ["retry_now"]

    @admin.action(description="Retry sending now")
    def retry_now(self, request, queryset):
        from .services import email_send_now

        sent = sum(1 for pk in queryset.values_list("pk", flat=True) if email_send_now(pk))
        self.message_user(request, f"{sent} sent.")
