# Autovacuum visits the events after 1 % of new rows instead of 20 % (PostgreSQL only): the
# counts of a project's events read the index alone for recent events too
# (tessera.core.common.schema.FAST_AUTOVACUUM; docs/operations.md).

from django.db import migrations

from tessera.core.common.schema import fast_autovacuum


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_event_project_ticket_index"),
    ]

    operations = [fast_autovacuum("audit_event")]
