from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "tessera.core.organizations"
    label = "organizations"
