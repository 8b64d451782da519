"""The full-text index reads words scoped by project (PostgreSQL; see
tessera.core.search.ddl, "words scoped by project"). About a minute at 1,000,000 tickets
(docs/operations.md)."""

from django.db import migrations

from tessera.core.search import ddl


class Migration(migrations.Migration):
    dependencies = [("search", "0003_gin_without_pending_list")]

    operations = [ddl.run_statements(ddl.scope_statements)]
