"""The vocabulary of indexed words that prefix terms expand to (PostgreSQL; see
tessera.core.search.ddl)."""

from django.db import migrations

from tessera.core.search import ddl


def forward(apps, schema_editor):
    for sql in ddl.word_statements(schema_editor.connection.vendor, forward=True):
        schema_editor.execute(sql, params=None)


def backward(apps, schema_editor):
    for sql in ddl.word_statements(schema_editor.connection.vendor, forward=False):
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
