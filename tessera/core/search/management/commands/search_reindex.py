"""``manage.py search_reindex``: rebuild every ticket's full-text document (see
``tessera.core.search.index.reindex_all``)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tessera.core.search.generator import Progress
from tessera.core.search.index import reindex_all


class Command(BaseCommand):
    help = (
        "Rebuild every ticket's search document, in batches (after a restore, or a "
        "generate run that stopped before its last documents)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=5000, help="ticket ids per batch")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **options) -> None:
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be ≥ 1")
        bar: Progress | None = None

        def on_batch(done: int, total: int) -> None:
            nonlocal bar
            if bar is None:
                bar = Progress(total, "ids", enabled=not options["no_progress"])
            bar.update(done)

        indexed = reindex_all(batch_size=options["batch_size"], on_batch=on_batch)
        seconds = bar.finish() if bar is not None else 0.0  # None: no tickets
        self.stdout.write(f"{indexed} tickets indexed in {seconds:.1f}s")
