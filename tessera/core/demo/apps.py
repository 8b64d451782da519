from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "tessera.core.demo"
    label = "demo"
