"""The tables read by their newest rows are vacuumed after 1 % of change, not PostgreSQL's
20 % (``common.schema.FAST_AUTOVACUUM``): their visibility map keeps up with new tickets,
so index-only reads of recent rows do not check each one in the table."""

from __future__ import annotations

import pytest
from django.db import connection

from tessera.core.common.schema import FAST_AUTOVACUUM

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="autovacuum is PostgreSQL's"),
]


@pytest.mark.parametrize("table", ["tickets_ticket", "tickets_comment", "audit_event"])
def test_the_table_is_vacuumed_after_one_percent_of_change(table):
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = %s", [table])
        options = dict(option.split("=", 1) for option in cursor.fetchone()[0] or [])
    assert options == FAST_AUTOVACUUM
