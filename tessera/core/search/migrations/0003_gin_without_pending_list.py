"""The full-text GIN index is written directly, without a pending list (PostgreSQL; see
tessera.core.search.ddl)."""

from django.db import migrations

from tessera.core.search import ddl


class Migration(migrations.Migration):
    dependencies = [("search", "0002_search_word")]

    operations = [ddl.run_statements(ddl.gin_statements)]
