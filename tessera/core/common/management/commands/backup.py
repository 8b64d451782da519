"""``manage.py backup --output FILE``: database + uploaded files in one archive."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand

from tessera.core.common import clock
from tessera.core.common.backup import backup_create


class Command(BaseCommand):
    help = "Write a backup archive (database and uploaded files)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--output", help="archive path (default: tessera-backup-<time>.tar.gz)")

    def handle(self, *args, **opts) -> None:
        output = Path(opts["output"] or f"tessera-backup-{clock.now():%Y%m%d-%H%M%S}.tar.gz")
        self.stdout.write(f"Backing up to {output} …")
        manifest = backup_create(output)
        self.stdout.write(
            self.style.SUCCESS(f"Done ({manifest['engine']}, {output.stat().st_size} bytes).")
        )
