from django.apps import AppConfig


class WorkshopConfig(AppConfig):
    name = "tessera.surfaces.workshop"
    label = "workshop"
