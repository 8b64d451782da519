from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SearchConfig(AppConfig):
    name = "tessera.core.search"
    label = "search"
    verbose_name = "Full-text search"

    def ready(self) -> None:
        from . import index

        # SQLite rebuilds a table to alter it, dropping its triggers: put them back.
        post_migrate.connect(index.ensure_triggers, dispatch_uid="search-ensure-triggers")
