# Autovacuum visits the ticket and comment tables after 1 % of new or changed rows instead
# of 20 % (PostgreSQL only): index-only reads of recent tickets stop checking each one in
# the table (tessera.core.common.schema.FAST_AUTOVACUUM; docs/operations.md).

from django.db import migrations

from tessera.core.common.schema import fast_autovacuum


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0011_ordered_indexes"),
    ]

    operations = [fast_autovacuum("tickets_ticket", "tickets_comment")]
