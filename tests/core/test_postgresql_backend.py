"""Tessera's PostgreSQL backend reads timestamps with psycopg's own loader (in C where
psycopg's binary implementation is installed) and answers exactly what Django's would:
aware datetimes in ``datetime.timezone.utc``, through plain and named (server-side)
cursors, in and out of transactions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, transaction
from django.db.backends.postgresql.psycopg_any import BaseTzLoader
from psycopg.pq import Format

from tessera.core.audit.models import Event

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL backend"),
]

WRITTEN = datetime(2026, 3, 29, 1, 30, 15, 123456, tzinfo=UTC)


def _loader() -> type:
    connection.ensure_connection()
    oid = connection.connection.adapters.types["timestamptz"].oid
    return connection.connection.adapters.get_loader(oid, Format.TEXT)


def test_the_connection_loads_timestamps_with_psycopgs_loader_not_djangos():
    loader = _loader()
    assert not issubclass(loader, BaseTzLoader)
    assert loader.__name__ == "TimestamptzLoader"


def test_timestamps_come_back_aware_in_utc_as_written():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT %s::timestamptz, %s::timestamptz, now()",
            [WRITTEN, WRITTEN + timedelta(hours=5)],
        )
        first, later, now = cursor.fetchone()
    assert first == WRITTEN and first.tzinfo is UTC
    assert first.isoformat() == "2026-03-29T01:30:15.123456+00:00"
    assert later - first == timedelta(hours=5) and later.tzinfo is UTC
    assert now.tzinfo is UTC and abs(datetime.now(UTC) - now) < timedelta(minutes=5)


def test_model_rows_and_a_named_cursor_read_the_same_datetimes():
    events = [
        Event.objects.create(action=f"backend.check.{i}", created_at=WRITTEN) for i in range(3)
    ]
    plain = list(
        Event.objects.filter(pk__in=[e.pk for e in events]).values_list("created_at", flat=True)
    )
    with transaction.atomic():  # .iterator() reads through a named (server-side) cursor
        named = [
            e.created_at
            for e in Event.objects.filter(pk__in=[e.pk for e in events]).iterator(chunk_size=2)
        ]
    named_outside = [
        e.created_at
        for e in Event.objects.filter(pk__in=[e.pk for e in events]).iterator(chunk_size=2)
    ]
    for values in (plain, named, named_outside):
        assert values == [WRITTEN] * 3
        assert all(v.tzinfo is UTC for v in values)
