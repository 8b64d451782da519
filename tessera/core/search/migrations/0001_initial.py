"""The ticket full-text index: a tsvector table + GIN (PostgreSQL) or FTS5 (SQLite), with
triggers that keep it current (see tessera.core.search.ddl)."""

from django.db import migrations

from tessera.core.search import ddl


def forward(apps, schema_editor):
    for sql in ddl.statements(schema_editor.connection.vendor, forward=True):
        schema_editor.execute(sql, params=None)


def backward(apps, schema_editor):
    for sql in ddl.statements(schema_editor.connection.vendor, forward=False):
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0001_initial"),
        ("projects", "0001_initial"),
    ]

    operations = [migrations.RunPython(forward, backward)]
