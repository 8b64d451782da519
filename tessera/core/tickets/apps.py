from django.apps import AppConfig
from django.db.models.signals import post_migrate


class TicketsConfig(AppConfig):
    name = "tessera.core.tickets"
    label = "tickets"

    def ready(self) -> None:
        from . import counts

        # SQLite rebuilds a table to alter it, dropping its triggers: put them back.
        post_migrate.connect(counts.install, dispatch_uid="tickets-count-triggers")
