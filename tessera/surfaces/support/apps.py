from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "tessera.surfaces.support"
    label = "support"
