from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "tessera.core.triage"
    label = "triage"
