from django.apps import AppConfig


class ServicedeskCoreConfig(AppConfig):
    """Rules that only the CRM service desk (document 002) has: SLA alerts, category
    auto-assignment, bulk operations, notifications, statistics and CSV export."""

    name = "tessera.core.servicedesk"
    label = "servicedesk"

    def ready(self) -> None:
        from tessera.core.common.scheduler import register_periodic

        from .tasks import sla_check

        register_periodic("servicedesk.sla_check", sla_check, 300)
