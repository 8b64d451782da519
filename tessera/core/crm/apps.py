from django.apps import AppConfig


class CrmConfig(AppConfig):
    name = "tessera.core.crm"
    label = "crm"
