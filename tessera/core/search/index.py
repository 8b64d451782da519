"""Maintenance of the full-text index outside the triggers: bulk (re)build for loaders."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Count, Max, Min

from tessera.core.common.schema import execute_unless_refused

from . import ddl


def _index_exists(connection) -> bool:
    return "search_ticketdocument" in connection.introspection.table_names()


def ensure_triggers(*, using: str = DEFAULT_DB_ALIAS, **_: Any) -> None:
    """Re-create any SQLite trigger a table rebuild dropped (idempotent, post_migrate)."""
    connection = connections[using]
    if connection.vendor != "sqlite" or not _index_exists(connection):
        return
    with connection.cursor() as cursor:
        for sql in ddl.SQLITE_TRIGGERS:
            cursor.execute(sql)


def reindex_tickets(*, first_id: int, last_id: int, using: str = DEFAULT_DB_ALIAS) -> None:
    """(Re)build the documents of tickets ``first_id..last_id``, set-based.

    Bulk loaders that bypass the triggers (``manage.py generate``) call this per batch; on
    PostgreSQL it also adds the documents' words to the vocabulary (``search_word``).
    """
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            bounds = {"first": first_id, "last": last_id}
            cursor.execute(ddl.PG_BULK_INSERT, bounds)
            cursor.execute(ddl.PG_WORDS_OF_RANGE, bounds)
        elif connection.vendor == "sqlite":
            cursor.execute(
                "DELETE FROM search_ticketdocument WHERE rowid BETWEEN %s AND %s",
                [first_id, last_id],
            )
            cursor.execute(
                f"""INSERT INTO search_ticketdocument
                (rowid, number, title, tags, description, comments)
                {ddl.SQLITE_REFRESH_SELECT} WHERE t.id BETWEEN %s AND %s""",
                [first_id, last_id],
            )


def reindex_all(
    *,
    batch_size: int = 5000,
    on_batch: Callable[[int, int], None] = lambda done, total: None,
    using: str = DEFAULT_DB_ALIAS,
) -> int:
    """(Re)build every ticket's search document, ``batch_size`` ids per transaction, oldest
    first (``manage.py search_reindex``: after a restore, or a ``generate`` run that stopped
    between a batch and its documents). ``on_batch(done, total)`` once before the first
    batch (``done`` 0) and after each, in ids of the range walked. Returns the number of
    tickets indexed. Writes keep going: each batch's transaction holds its tickets'
    documents only while it runs."""
    from tessera.core.tickets.models import Ticket

    bounds = Ticket.objects.using(using).aggregate(first=Min("id"), last=Max("id"), n=Count("id"))
    if bounds["n"] == 0:
        return 0
    first, last = bounds["first"], bounds["last"]
    total = last - first + 1
    on_batch(0, total)
    for start in range(first, last + 1, batch_size):
        stop = min(start + batch_size - 1, last)
        with transaction.atomic(using=using):
            reindex_tickets(first_id=start, last_id=stop, using=using)
        on_batch(stop - first + 1, total)
    return bounds["n"]


def gin_pending_list(enabled: bool, *, using: str = DEFAULT_DB_ALIAS) -> bool:
    """Let bulk loaders batch their GIN entries in a pending list (``enabled``), or merge the
    list and write directly again (the normal state, see ``ddl.PG_GIN_FORWARD``). PostgreSQL
    only; False where the index cannot be altered (not its owner): still correct, slower."""
    connection = connections[using]
    if connection.vendor != "postgresql" or not _index_exists(connection):
        return False
    statements = (
        [f"ALTER INDEX {ddl.SCOPE_GIN_INDEX} SET (fastupdate = on)"]
        if enabled
        else ddl.PG_GIN_FORWARD
    )
    return execute_unless_refused(statements, using=using)
