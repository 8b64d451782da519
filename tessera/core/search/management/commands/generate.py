"""``manage.py generate --tickets N``: synthetic data at scale (see tessera.core.search.generator)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tessera.core.search.generator import generate


class Command(BaseCommand):
    help = "Generate realistic synthetic projects, users, tickets, comments and audit events."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tickets", type=int, required=True)
        parser.add_argument("--comments-per-ticket", type=int, default=2, help="average")
        parser.add_argument("--batch-size", type=int, default=5000)
        parser.add_argument("--projects-per-template", type=int, default=2)
        parser.add_argument("--users", type=int, default=200)
        parser.add_argument("--seed", type=int, default=None)
        parser.add_argument("--no-progress", action="store_true")
        parser.add_argument("--json", action="store_true", help="print the summary as JSON")

    def handle(self, *args, **options) -> None:
        if (
            options["tickets"] < 0
            or options["batch_size"] < 1
            or options["comments_per_ticket"] < 0
        ):
            raise CommandError("--tickets and --comments-per-ticket must be ≥ 0, --batch-size ≥ 1")
        if options["users"] < 4 or options["projects_per_template"] < 1:
            raise CommandError("--users must be ≥ 4 and --projects-per-template ≥ 1")
        summary = generate(
            tickets=options["tickets"],
            comments_per_ticket=options["comments_per_ticket"],
            batch_size=options["batch_size"],
            projects_per_template=options["projects_per_template"],
            users=options["users"],
            seed=options["seed"],
            progress=not options["no_progress"],
            say=lambda text: self.stderr.write(text) if options["verbosity"] > 1 else None,
        )
        if options["json"]:
            self.stdout.write(json.dumps(summary))
        else:
            self.stdout.write(
                f"{summary['tickets']} tickets, {summary['comments']} comments, "
                f"{summary['events']} events in {summary['load_seconds']}s "
                f"({summary['tickets_per_second']} tickets/s; set-up {summary['setup_seconds']}s) "
                f"projects: {', '.join(summary['projects'])}"
            )
