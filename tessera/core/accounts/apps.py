from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tessera.core.accounts"
    label = "accounts"
