"""Manage document 004's API tokens: --create, --list, --deactivate, --activate."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from tessera.core.accounts.models import ApiToken, User
from tessera.core.accounts.services import (
    api_token_create,
    api_token_lookup,
    api_token_set_active,
)
from tessera.core.common import clock
from tessera.core.common.errors import NotFound


def parse_expiry(value: str) -> datetime:
    """Accept ``30d``/``12h``, an ISO date, or an ISO datetime (naive means local time)."""
    value = value.strip()
    problem = CommandError(f"--expires: cannot read {value!r} (use 30d, 12h or an ISO date)")
    try:
        if value[:-1].isdigit() and value[-1:] in ("d", "h"):
            amount = int(value[:-1])
            delta = timedelta(days=amount) if value[-1] == "d" else timedelta(hours=amount)
            return clock.now() + delta
        moment = parse_datetime(value)
        if moment is None:
            day = parse_date(value)
            if day is None:
                raise problem
            moment = datetime(day.year, day.month, day.day)
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment, timezone.get_current_timezone())
        return moment
    except (ValueError, OverflowError):
        raise problem


class Command(BaseCommand):
    help = "Create, list, deactivate and activate API tokens for the integration feed."

    def add_arguments(self, parser) -> None:
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--create", action="store_true", help="create a token")
        group.add_argument("--list", action="store_true", help="list tokens (never their values)")
        group.add_argument("--deactivate", metavar="TOKEN_ID_OR_VALUE")
        group.add_argument("--activate", metavar="TOKEN_ID_OR_VALUE")
        parser.add_argument("--name", help="token name (with --create)")
        parser.add_argument("--user", help="username or email of the token's user (with --create)")
        parser.add_argument("--expires", help="expiry: 30d, 12h, or an ISO date/datetime")

    def handle(self, *args, **opts) -> None:
        if opts["create"]:
            self._create(opts)
        elif opts["list"]:
            self._list()
        else:
            active = bool(opts["activate"])
            ident = opts["activate"] or opts["deactivate"]
            try:
                token = api_token_lookup(ident)
            except NotFound:
                raise CommandError(f"No API token matches {ident!r}")
            api_token_set_active(token=token, active=active)
            state = "activated" if active else "deactivated"
            self.stdout.write(f"Token {token.pk} ({token.name}) {state}.")

    def _create(self, opts) -> None:
        if not (opts["name"] or "").strip() or not opts["user"]:
            raise CommandError("--create needs --name and --user")
        user = (
            User.objects.filter(username=opts["user"]).first()
            or User.objects.filter(email__iexact=opts["user"]).first()
        )
        if user is None:
            raise CommandError(f"No user {opts['user']!r}")
        expires = parse_expiry(opts["expires"]) if opts["expires"] else None
        if expires is not None and expires <= clock.now():
            raise CommandError("--expires is in the past; the token would never work")
        token, raw = api_token_create(name=opts["name"], user=user, expires_at=expires)
        self.stdout.write(f"Created token {token.pk} '{token.name}' for {user.username}.")
        self.stdout.write("Store it now; it will not be shown again:")
        self.stdout.write(raw)

    def _list(self) -> None:
        rows = ApiToken.objects.select_related("user").order_by("id")
        header = f"{'ID':>4}  {'NAME':<28} {'USER':<16} {'ACTIVE':<6} {'CREATED':<20} {'LAST USED':<20} EXPIRES"
        self.stdout.write(header)

        def fmt(moment):
            return moment.strftime("%Y-%m-%d %H:%M") if moment else "-"

        for t in rows:
            self.stdout.write(
                f"{t.pk:>4}  {t.name[:28]:<28} {t.user.username[:16]:<16} "
                f"{'yes' if t.is_active else 'no':<6} {fmt(t.created_at):<20} "
                f"{fmt(t.last_used):<20} {fmt(t.expires_at)}"
            )
