"""Each scoped word also carries its ticket's month (PostgreSQL; see
tessera.core.search.ddl, "words scoped by project and by month"). About two minutes at
1,000,000 tickets, during which ticket writes wait (docs/operations.md)."""

from django.db import migrations

from tessera.core.search import ddl


class Migration(migrations.Migration):
    dependencies = [("search", "0004_scoped_words")]

    operations = [ddl.run_statements(ddl.month_statements)]
