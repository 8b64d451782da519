"""``manage.py restore FILE``: replace the database and uploaded files with a backup's."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tessera.core.common.backup import backup_restore
from tessera.core.common.errors import ValidationFailed


class Command(BaseCommand):
    help = "Restore a backup archive made by `manage.py backup` (replaces current data)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("archive")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args, **opts) -> None:
        archive = Path(opts["archive"])
        if not archive.exists():
            raise CommandError(f"No such archive: {archive}")
        if not opts["yes"]:
            answer = input("This replaces the current database and files. Continue? [y/N] ")
            if answer.strip().lower() != "y":
                raise CommandError("Aborted.")
        self.stdout.write(f"Restoring {archive} …")
        try:
            manifest = backup_restore(archive)
        except ValidationFailed as exc:
            raise CommandError(exc.message)
        self.stdout.write(
            self.style.SUCCESS(f"Restored ({manifest['engine']}, made {manifest['created_at']}).")
        )
