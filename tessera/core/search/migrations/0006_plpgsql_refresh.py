"""The functions that rebuild a ticket's document are plpgsql, so PostgreSQL keeps their
plans (tessera.core.search.ddl, "plpgsql, so a write's plans are kept"). Instant: no
document is rewritten."""

from django.db import migrations

from tessera.core.search import ddl


class Migration(migrations.Migration):
    dependencies = [("search", "0005_words_by_month")]

    operations = [ddl.run_statements(ddl.plpgsql_statements)]
