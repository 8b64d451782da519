"""Django's PostgreSQL backend, reading ``timestamptz`` values in C.

Django registers its own loader for ``timestamptz`` (a subclass of psycopg's Python
loader that replaces each value's ``tzinfo`` with the connection's time zone), so every
timestamp of every row is parsed in Python: 7.5 % of a gunicorn worker's CPU on a
service-desk list page of 20 tickets, 90 timestamps (py-spy under load at 1,000,000
tickets, docs/performance.md "Thirteenth round"). When the session's time zone is UTC, the
only one Tessera runs with (``USE_TZ`` and no ``TIME_ZONE`` per database), psycopg's own
loader already answers the same aware datetimes with ``datetime.timezone.utc``, the tzinfo
Django would have put there; registered by name, psycopg swaps in its C implementation.

Any other setting keeps Django's loader. ``ENGINE = "tessera.core.common.postgresql"``
(``tessera.settings.base.database_config``).
"""

from __future__ import annotations

from datetime import UTC

from django.conf import settings
from django.db.backends.postgresql import base
from psycopg.types.datetime import TimestamptzLoader


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params: dict):
        connection = super().get_new_connection(conn_params)
        if self._timestamptz_as_utc():
            connection.adapters.register_loader("timestamptz", TimestamptzLoader)
        return connection

    def _timestamptz_as_utc(self) -> bool:
        return bool(settings.USE_TZ and self.timezone is UTC and self.timezone_name == "UTC")

    def create_cursor(self, name: str | None = None):
        if not self._timestamptz_as_utc():
            return super().create_cursor(name)
        # Django's create_cursor compares the connection's timestamptz loader's
        # ``timezone`` (an attribute of its own loader) with the connection's and registers
        # its loader on the cursor when they differ; here the connection's loader is
        # psycopg's, which answers in UTC. The cursors are opened as Django opens them.
        if not name:
            return self.connection.cursor()
        if self.settings_dict["OPTIONS"].get("server_side_binding") is not True:
            return base.ServerSideCursor(
                self.connection, name=name, scrollable=False, withhold=self.connection.autocommit
            )
        return self.connection.cursor(name, scrollable=False, withhold=self.connection.autocommit)
