from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "tessera.core.common"
    label = "common"
