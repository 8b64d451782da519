"""Enqueue the registered periodic tasks when they are due (run one beside the workers)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from tessera.core.common.scheduler import enqueue_due


class Command(BaseCommand):
    help = "Enqueue periodic tasks (SLA checks, pause auto-resume, email retry) on schedule."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="enqueue every task once and exit")

    def handle(self, *args, **opts) -> None:
        last: dict[str, float] = {}
        while True:
            for name in enqueue_due(last, now=time.monotonic(), force=opts["once"]):
                self.stdout.write(f"enqueued {name}")
            if opts["once"]:
                return
            time.sleep(1)
