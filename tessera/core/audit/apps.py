from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "tessera.core.audit"
    label = "audit"
