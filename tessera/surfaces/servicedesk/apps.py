from django.apps import AppConfig


class ServicedeskConfig(AppConfig):
    name = "tessera.surfaces.servicedesk"
    label = "ticketing"
