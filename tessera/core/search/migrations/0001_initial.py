"""The ticket full-text index: a tsvector table + GIN (PostgreSQL) or FTS5 (SQLite), with
triggers that keep it current (see tessera.core.search.ddl)."""

from django.db import migrations

from tessera.core.search import ddl


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0001_initial"),
        ("projects", "0001_initial"),
    ]

    operations = [ddl.run_statements(ddl.statements)]
