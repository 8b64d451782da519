"""The vocabulary of indexed words that prefix terms expand to (PostgreSQL; see
tessera.core.search.ddl)."""

from django.db import migrations

from tessera.core.search import ddl


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [ddl.run_statements(ddl.word_statements)]
