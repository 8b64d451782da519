from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "tessera.core.contacts"
    label = "contacts"
