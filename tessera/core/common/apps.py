from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "tessera.core.common"
    label = "common"

    def ready(self) -> None:
        from . import lookups  # noqa: F401  (registers ``__in_array``)
        from .embedded import start_embedded_worker

        start_embedded_worker()
