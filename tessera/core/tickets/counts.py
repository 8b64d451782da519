"""Exact ticket counts without scanning the ticket table.

``tickets_ticketcount`` holds one row per (project, state, priority) with the number of
tickets in it. Database triggers on ``tickets_ticket`` keep it current inside the writing
transaction (insert, delete, and an update that changes one of the three columns), so a
count read from it is exactly ``COUNT(*)`` of the tickets — in the same transaction too —
whichever code path wrote (services, admin, bulk loaders that call ``rebuild``).

``ticket_count(qs)`` answers from that table when the query's only conditions are on those
three columns (a project set from a blueprint, a status, a priority: every list page of a
staff member), by running the query's own WHERE clause against the summary rows; any other
condition (a search, an assignee, a customer, "my tickets") falls back to ``qs.count()``.
A predicate that reads only ``project_id``, ``state_id`` and ``priority`` has the same truth
value for every ticket of a (project, state, priority) group, so summing the groups' counts
where it holds is exact.

Contention: an insert updates its group's row (creates in one project already queue on the
project's number counter); an update that moves a ticket between groups touches the two
rows in key order, so two such updates cannot deadlock on them.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet

TABLE = "tickets_ticketcount"
GROUP_COLUMNS = ("project_id", "state_id", "priority")
_COLUMN_REF = re.compile(r'"tickets_ticket"\."(\w+)"')

PG_FORWARD = [
    f"""
    CREATE OR REPLACE FUNCTION tickets_count_bump(p bigint, s bigint, pr integer, d integer)
    RETURNS void LANGUAGE sql AS $$
        INSERT INTO {TABLE} (project_id, state_id, priority, n) VALUES (p, s, pr, d)
        ON CONFLICT (project_id, state_id, priority) DO UPDATE SET n = {TABLE}.n + d
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION tickets_count_trg() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            PERFORM tickets_count_bump(NEW.project_id, NEW.state_id, NEW.priority, 1);
        ELSIF TG_OP = 'DELETE' THEN
            PERFORM tickets_count_bump(OLD.project_id, OLD.state_id, OLD.priority, -1);
        ELSIF (OLD.project_id, OLD.state_id, OLD.priority)
                < (NEW.project_id, NEW.state_id, NEW.priority) THEN
            PERFORM tickets_count_bump(OLD.project_id, OLD.state_id, OLD.priority, -1);
            PERFORM tickets_count_bump(NEW.project_id, NEW.state_id, NEW.priority, 1);
        ELSE
            PERFORM tickets_count_bump(NEW.project_id, NEW.state_id, NEW.priority, 1);
            PERFORM tickets_count_bump(OLD.project_id, OLD.state_id, OLD.priority, -1);
        END IF;
        RETURN NULL;
    END
    $$
    """,
    "DROP TRIGGER IF EXISTS tickets_count_ins ON tickets_ticket",
    "DROP TRIGGER IF EXISTS tickets_count_del ON tickets_ticket",
    "DROP TRIGGER IF EXISTS tickets_count_upd ON tickets_ticket",
    """CREATE TRIGGER tickets_count_ins AFTER INSERT ON tickets_ticket
       FOR EACH ROW EXECUTE FUNCTION tickets_count_trg()""",
    """CREATE TRIGGER tickets_count_del AFTER DELETE ON tickets_ticket
       FOR EACH ROW EXECUTE FUNCTION tickets_count_trg()""",
    """CREATE TRIGGER tickets_count_upd AFTER UPDATE OF project_id, state_id, priority
       ON tickets_ticket FOR EACH ROW
       WHEN ((OLD.project_id, OLD.state_id, OLD.priority)
             IS DISTINCT FROM (NEW.project_id, NEW.state_id, NEW.priority))
       EXECUTE FUNCTION tickets_count_trg()""",
]

PG_BACKWARD = [
    "DROP TRIGGER IF EXISTS tickets_count_ins ON tickets_ticket",
    "DROP TRIGGER IF EXISTS tickets_count_del ON tickets_ticket",
    "DROP TRIGGER IF EXISTS tickets_count_upd ON tickets_ticket",
    "DROP FUNCTION IF EXISTS tickets_count_trg()",
    "DROP FUNCTION IF EXISTS tickets_count_bump(bigint, bigint, integer, integer)",
]


def _sqlite_bump(prefix: str, delta: int) -> str:
    return (
        f"INSERT INTO {TABLE} (project_id, state_id, priority, n) "
        f"VALUES ({prefix}.project_id, {prefix}.state_id, {prefix}.priority, {delta}) "
        f"ON CONFLICT (project_id, state_id, priority) DO UPDATE SET n = n + ({delta});"
    )


# SQLite has one writer at a time: no lock order to keep.
SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER IF NOT EXISTS tickets_count_ins AFTER INSERT ON tickets_ticket
    BEGIN {_sqlite_bump("NEW", 1)} END""",
    f"""CREATE TRIGGER IF NOT EXISTS tickets_count_del AFTER DELETE ON tickets_ticket
    BEGIN {_sqlite_bump("OLD", -1)} END""",
    f"""CREATE TRIGGER IF NOT EXISTS tickets_count_upd
    AFTER UPDATE OF project_id, state_id, priority ON tickets_ticket
    WHEN OLD.project_id IS NOT NEW.project_id OR OLD.state_id IS NOT NEW.state_id
        OR OLD.priority IS NOT NEW.priority
    BEGIN {_sqlite_bump("OLD", -1)} {_sqlite_bump("NEW", 1)} END""",
]

SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS tickets_count_ins",
    "DROP TRIGGER IF EXISTS tickets_count_del",
    "DROP TRIGGER IF EXISTS tickets_count_upd",
]

REBUILD = [
    f"DELETE FROM {TABLE}",
    f"""INSERT INTO {TABLE} (project_id, state_id, priority, n)
        SELECT project_id, state_id, priority, COUNT(*) FROM tickets_ticket
        GROUP BY project_id, state_id, priority""",
]


def install(*, using: str = DEFAULT_DB_ALIAS, **_: Any) -> None:
    """Create (or re-create) the triggers; idempotent. Also run after every ``migrate``:
    SQLite drops a table's triggers when a migration rebuilds the table."""
    connection = connections[using]
    if TABLE not in connection.introspection.table_names():
        return
    statements = {"postgresql": PG_FORWARD, "sqlite": SQLITE_TRIGGERS}.get(connection.vendor, [])
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def uninstall(*, using: str = DEFAULT_DB_ALIAS) -> None:
    connection = connections[using]
    statements = {"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}.get(connection.vendor, [])
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def rebuild(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """Recount every group from the ticket table, for loaders that bypass the triggers."""
    with connections[using].cursor() as cursor:
        for sql in REBUILD:
            cursor.execute(sql)


COUNT_LIMIT = "tessera_count_limit"  # an attribute of the Query: it survives chaining


def with_count_limit(qs: QuerySet, limit: int | None) -> QuerySet:
    """Mark ``qs`` so ``ticket_count`` counts at most ``limit`` of its rows. A search marks
    its result this way: past the limit, counting every match of a broad search costs
    ~0.3–0.5 s at a million tickets (each match's document is re-checked), while the
    first page needs only its 20 rows. Pagination built on the count then ends at the
    limit: the search offers its ``limit`` best (newest) matches, as the search APIs of
    Zendesk and GitHub do with 1,000. ``None`` or 0: no limit."""
    qs = qs.all()
    setattr(qs.query, COUNT_LIMIT, limit or None)
    return qs


def _summary_where(qs: QuerySet) -> tuple[str, list] | None:
    """The query's WHERE clause if it reads nothing but the group columns of the ticket
    table (subqueries on other tables allowed), else None. ``("", [])``: no condition."""
    query = qs.query
    if (
        qs.model._meta.db_table != "tickets_ticket"
        or query.distinct
        or query.is_sliced
        or query.group_by is not None
        or query.combinator
        or query.extra
    ):
        return None
    used = [alias for alias in query.alias_map if query.alias_refcount[alias]]
    if used and used != ["tickets_ticket"]:
        return None
    compiler = query.get_compiler(using=qs.db)
    try:
        sql, params = compiler.compile(query.where)
    except FullResultSet:
        return "", []
    if "tickets_ticket" in _COLUMN_REF.sub(
        lambda m: "" if m.group(1) in GROUP_COLUMNS else m.group(0), sql
    ):
        return None
    return sql, list(params)


def ticket_count(qs: QuerySet) -> int:
    """``qs.count()``, answered from the per-group counts whenever that is exact; at most
    the limit a search set (``with_count_limit``)."""
    limit = getattr(qs.query, COUNT_LIMIT, None)
    if limit:
        return qs.order_by().values("pk")[:limit].count()
    try:
        where = _summary_where(qs)
    except EmptyResultSet:
        return 0
    if where is None:
        return qs.count()
    sql, params = where
    statement = f'SELECT COALESCE(SUM(n), 0) FROM {TABLE} AS "tickets_ticket"'
    if sql:
        statement += f" WHERE {sql}"
    with connections[qs.db].cursor() as cursor:
        cursor.execute(statement, params)
        return int(cursor.fetchone()[0])
