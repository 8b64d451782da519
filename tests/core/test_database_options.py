"""Tessera's PostgreSQL connections carry the planner settings docs/decisions.md explains,
and each one can be handed back to the server's own setting with an empty value."""

from __future__ import annotations

import pytest
from django.db import connection

from tessera.settings.base import postgres_options


def test_defaults_and_empty_values(monkeypatch):
    for name in (
        "DB_JOIN_COLLAPSE_LIMIT",
        "DB_RANDOM_PAGE_COST",
        "DB_MAX_PARALLEL_WORKERS_PER_GATHER",
    ):
        monkeypatch.delenv(name, raising=False)
    options: dict = {}
    postgres_options(options)
    assert options["options"].split(" -c ") == [
        "-c join_collapse_limit=4",
        "from_collapse_limit=4",
        "random_page_cost=1.1",
        "max_parallel_workers_per_gather=0",
    ]
    monkeypatch.setenv("DB_JOIN_COLLAPSE_LIMIT", "0")
    monkeypatch.setenv("DB_RANDOM_PAGE_COST", "")
    monkeypatch.setenv("DB_MAX_PARALLEL_WORKERS_PER_GATHER", "")
    options = {}
    postgres_options(options)
    assert "options" not in options
    monkeypatch.setenv("DB_MAX_PARALLEL_WORKERS_PER_GATHER", "2")
    options = {}
    postgres_options(options)
    assert options["options"] == "-c max_parallel_workers_per_gather=2"


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner settings")
def test_a_connection_runs_with_them():
    with connection.cursor() as cursor:
        shown = {}
        for name in ("max_parallel_workers_per_gather", "join_collapse_limit", "random_page_cost"):
            cursor.execute(f"SHOW {name}")
            shown[name] = cursor.fetchone()[0]
    assert shown == {
        "max_parallel_workers_per_gather": "0",
        "join_collapse_limit": "4",
        "random_page_cost": "1.1",
    }
