"""Load the demo (idempotent) and print the logins; ``--json`` prints one JSON object only."""

from __future__ import annotations

import importlib
import json
import sys

from django.core.management.base import BaseCommand

from tessera.core.demo.builder import DemoBuilder

# Each surface owns its demo module; order matters (the base superuser comes first).
DEMO_MODULES = [
    "tessera.core.demo.base",
    "tessera.surfaces.workshop.demo",
    "tessera.surfaces.support.demo",
    "tessera.surfaces.servicedesk.demo",
    "tessera.surfaces.boards.demo",
    "tessera.surfaces.feed.demo",
    "tessera.core.demo.extra",
]


class Command(BaseCommand):
    help = "Load realistic demo data for every surface (safe to run again) and print the logins."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--json", action="store_true", help="print one JSON object, nothing else"
        )

    def handle(self, *args, **opts) -> None:
        as_json = opts["json"]

        def progress(text: str) -> None:
            if not as_json:
                self.stdout.write(f"  … {text}")
            else:
                sys.stderr.write(f"demo: {text}\n")

        demo = DemoBuilder(progress=progress)
        for name in DEMO_MODULES:
            try:
                module = importlib.import_module(name)
            except ModuleNotFoundError as exc:
                if exc.name == name:
                    continue
                raise
            progress(f"loading {name.rsplit('.', 2)[-2]}")
            module.load(demo)
        result = demo.as_json()
        if as_json:
            sys.stdout.write(json.dumps(result) + "\n")
            return
        self.stdout.write(self.style.SUCCESS("Demo data ready. Sign in with:"))
        for a in result["accounts"]:
            self.stdout.write(
                f"  {a['surface']:<12} {a['role']:<14} {a['username']:<16} password: {a['password']}"
            )
        for t in result["tokens"]:
            state = "active" if t["active"] else "inactive"
            self.stdout.write(f"  feed token ({state}, {t['name']}): {t['token']}")
