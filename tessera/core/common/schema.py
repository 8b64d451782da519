"""Migration helpers for index changes that must not rebuild a table."""

from __future__ import annotations

from typing import Any

from django.db.migrations import RunPython


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
