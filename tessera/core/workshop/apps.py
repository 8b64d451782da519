from django.apps import AppConfig


class WorkshopCoreConfig(AppConfig):
    name = "tessera.core.workshop"
    label = "workshop_core"

    def ready(self) -> None:
        from tessera.core.common.scheduler import register_periodic

        from .conf import register_defaults
        from .tasks import auto_resume_paused_sessions

        register_defaults()
        register_periodic("workshop.auto_resume_paused_sessions", auto_resume_paused_sessions, 60)
