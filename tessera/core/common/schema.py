"""Migration helpers for index changes that must not rebuild a table, and for optional
schema speed-ups a role may not be allowed to make."""

from __future__ import annotations

from typing import Any

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.migrations import RunPython


def execute_unless_refused(statements: list[str], *, using: str = DEFAULT_DB_ALIAS) -> bool:
    """Run ``statements`` in one transaction; False if PostgreSQL refuses them for want of
    privilege (not a superuser, not the owner), any other error raises. For speed-ups that
    are optional (the bulk loader's, an index that needs an extension): without them the
    work is slower, still correct."""
    connection = connections[using]
    try:
        with transaction.atomic(using=using), connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
    except DatabaseError as exc:
        if getattr(exc.__cause__, "sqlstate", None) != "42501":
            raise  # only "insufficient privilege" is expected; anything else is a bug
        return False
    return True


def drop_single_column_indexes(app_label: str, model_name: str, fields: list[str]) -> RunPython:
    """Drop the single-column index Django made for each of ``fields`` (a foreign key or
    ``db_index=True``), as a plain ``DROP INDEX``; backwards, create it again.

    For a field whose index a composite index leading with the same column makes
    redundant: every write maintains each index. Pair it with the fields' ``AlterField``
    (``db_index=False``) as state operations. Django's own ``AlterField`` would rebuild
    the table on SQLite, and a rebuild of the ticket table fails against the search
    triggers of the tables that reference it (``tessera.core.search.ddl``).
    """

    def _indexes(apps: Any, schema_editor: Any) -> list[tuple[str, str, str]]:
        model = apps.get_model(app_label, model_name)
        table = model._meta.db_table
        out = []
        for name in fields:
            column = model._meta.get_field(name).column
            out.append((schema_editor._create_index_name(table, [column]), table, column))
        return out

    def forward(apps: Any, schema_editor: Any) -> None:
        q = schema_editor.quote_name
        for index, _, _ in _indexes(apps, schema_editor):
            schema_editor.execute(f"DROP INDEX IF EXISTS {q(index)}")

    def backward(apps: Any, schema_editor: Any) -> None:
        q = schema_editor.quote_name
        for index, table, column in _indexes(apps, schema_editor):
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {q(index)} ON {q(table)} ({q(column)})"
            )

    return RunPython(forward, backward)


# Autovacuum for a table that grows by its newest rows and is read by them (tickets,
# events, comments): PostgreSQL's defaults visit a table after 20 % of it was inserted or
# changed, so at 1,000,000 tickets the newest 200,000 are never marked all-visible and
# every index-only read of recent rows (the feed's poll, the counts of a project's events)
# checks each row in the table. At 1 % the visibility map keeps up: the feed's 30-day
# poll read 28,884 heap pages (38 ms) before a vacuum and none (5 ms) after. An
# insert-only vacuum visits only the new pages and skips the indexes.
FAST_AUTOVACUUM = {
    "autovacuum_vacuum_insert_scale_factor": "0.01",
    "autovacuum_vacuum_scale_factor": "0.02",
    "autovacuum_analyze_scale_factor": "0.02",
}


def fast_autovacuum(*tables: str) -> RunPython:
    """Set ``FAST_AUTOVACUUM`` on ``tables`` (PostgreSQL; nothing elsewhere); backwards,
    reset them to the server's settings."""

    def forward(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        options = ", ".join(f"{k} = {v}" for k, v in FAST_AUTOVACUUM.items())
        for table in tables:
            schema_editor.execute(f"ALTER TABLE {schema_editor.quote_name(table)} SET ({options})")

    def backward(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        names = ", ".join(FAST_AUTOVACUUM)
        for table in tables:
            schema_editor.execute(f"ALTER TABLE {schema_editor.quote_name(table)} RESET ({names})")

    return RunPython(forward, backward)
