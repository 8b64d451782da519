from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "tessera.core.common"
    label = "common"

    def ready(self) -> None:
        from .embedded import start_embedded_worker

        start_embedded_worker()
