"""The PostgreSQL server's own settings a bench depends on.

Autovacuum: Tessera's ticket, comment and event tables are vacuumed after 1 % of change
(``common.schema.FAST_AUTOVACUUM``, docs/operations.md), so the visibility map keeps up
with new and changed rows and index-only reads of recent tickets (the feed's poll, a
status filter's walk) skip the table. A server with ``autovacuum = off`` (the development
machines this bench has run on) never vacuums them, and the bench would measure a table no
deployment has. ``autovacuum_on()`` turns it on for the bench (``ALTER SYSTEM`` and a
reload: the server's setting, not one database's) and puts back what it found.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

PSQL = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-v", "ON_ERROR_STOP=1", "-tAqc"]


def query(sql: str) -> str:
    """One statement's output as psql prints it unaligned (empty for none)."""
    done = subprocess.run([*PSQL, sql], check=True, capture_output=True, text=True)
    return done.stdout.strip()


def setting(name: str) -> str:
    return query(f"SHOW {name}")


def _in_auto_conf(name: str) -> bool:
    """Whether ``name`` is set by ``ALTER SYSTEM`` (postgresql.auto.conf)."""
    found = query(
        "SELECT sourcefile FROM pg_settings"
        f" WHERE name = '{name}' AND source = 'configuration file'"
    )
    return found.endswith("postgresql.auto.conf")


def _reload(name: str, expected: str, seconds: float = 5) -> None:
    query("SELECT pg_reload_conf()")
    end = time.monotonic() + seconds
    while setting(name) != expected and time.monotonic() < end:
        time.sleep(0.1)  # the postmaster re-reads its files asynchronously


@contextmanager
def autovacuum_on(log: Callable[[str], None] = print) -> Iterator[str]:
    """Autovacuum on for the ``with`` block; yields the value in force inside it ("on", or
    "off" when the server refused the change). Restores the server's setting after."""
    before = setting("autovacuum")
    restore = None
    if before == "off":
        try:
            restore = (
                "ALTER SYSTEM SET autovacuum = off"
                if _in_auto_conf("autovacuum")
                else "ALTER SYSTEM RESET autovacuum"
            )
            query("ALTER SYSTEM SET autovacuum = on")
            _reload("autovacuum", "on")
            log("autovacuum was off on this server: on for the bench, as deployed")
        except subprocess.CalledProcessError as exc:
            restore = None
            log(f"autovacuum stays off (could not change it: {exc.stderr.strip()[:120]})")
    try:
        yield setting("autovacuum")
    finally:
        if restore is not None:
            query(restore)
            _reload("autovacuum", before)
            log("autovacuum: the server's own setting (off) restored")
