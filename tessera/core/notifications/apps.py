from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "tessera.core.notifications"
    label = "notifications"

    def ready(self) -> None:
        from tessera.core.common.scheduler import register_periodic

        from .tasks import retry_outbox

        register_periodic("notifications.retry_outbox", retry_outbox, 60)
