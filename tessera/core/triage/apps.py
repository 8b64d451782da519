from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "tessera.core.triage"
    label = "triage"

    def ready(self) -> None:
        from tessera.core.common.scheduler import register_periodic

        from .tasks import resume_stalled_triage

        register_periodic("triage.resume_stalled", resume_stalled_triage, 60)
