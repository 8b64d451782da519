from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tessera.core.accounts"
    label = "accounts"

    def ready(self) -> None:
        from . import schema  # noqa: F401  (registers OpenAPI auth extensions)
