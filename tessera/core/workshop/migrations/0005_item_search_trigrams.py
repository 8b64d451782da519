# The inventory list's ``search`` (``icontains`` on the serial number and the name) reads
# trigram indexes on PostgreSQL: without them it read every item (215 ms at 250,000 items,
# docs/performance.md "Fifteenth round"). ``pg_trgm`` is a trusted extension (PostgreSQL
# 13+): the database's owner may create it. Where it is refused for want of privilege the
# indexes are skipped and the search reads every item, as before (docs/operations.md).
# SQLite: nothing (its LIKE reads the table; the embedded default is small).

from django.db import migrations

from tessera.core.common.schema import execute_unless_refused

ITEMS = "workshop_core_inventoryitem"
# index name -> column; the expression is the one Django's ``icontains`` compares
INDEXES = {"ws_item_serial_trgm": "serial_number", "ws_item_name_trgm": "name"}


def forward(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    statements = ["CREATE EXTENSION IF NOT EXISTS pg_trgm"] + [
        f"CREATE INDEX IF NOT EXISTS {name} ON {ITEMS} "
        f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        for name, column in INDEXES.items()
    ]
    if not execute_unless_refused(statements, using=connection.alias):
        print(
            "\n  workshop_core.0005: pg_trgm refused (not the database's owner); the "
            "inventory search reads every item. docs/operations.md says how to add it."
        )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("workshop_core", "0004_item_order_indexes"),
    ]

    operations = [migrations.RunPython(forward, backward)]
