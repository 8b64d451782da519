from django.apps import AppConfig


class WorkshopCoreConfig(AppConfig):
    name = "tessera.core.workshop"
    label = "workshop_core"
