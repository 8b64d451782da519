from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "tessera.core.tickets"
    label = "tickets"
