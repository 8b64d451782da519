"""Exact ticket counts without scanning the ticket table.

``tickets_ticketcount`` holds one row per group of tickets alike in the columns lists and
dashboards narrow by — project, state, priority, category, board column and assignee
count — with the
number of tickets in it, how many of them are resolved and the sum of their resolution
times. Database triggers on ``tickets_ticket`` keep it current inside the writing
transaction (insert, delete, and an update that changes a group column or a resolution
time), and triggers on ``tickets_ticketassignment`` keep each ticket's ``assignee_count``
(which moves it between groups), so a count read from it is exactly ``COUNT(*)`` of the
tickets — in the same transaction too — whichever code path wrote (services, admin, bulk
loaders that call ``recount_assignees`` and ``rebuild``).

``ticket_count(qs)`` answers from that table when the query's only conditions are on the
group columns (a project set from a blueprint, a status, a priority, a category,
"unassigned": every list page of a staff member), by running the query's own WHERE clause
against the summary rows; any other condition (a search, an assignee, a customer, "my
tickets") falls back to ``qs.count()``. A predicate that reads only group columns has the
same truth value for every ticket of a group, so summing the groups' counts where it
holds is exact. ``ticket_counts_by`` and ``resolution_time_mean`` read the same rows for
dashboards (counts by status, priority, category; the mean resolution time).

``tickets_ticketassigneecount`` (``TicketAssigneeCount``) holds how many tickets of each
(project, state) each user is assigned, kept by triggers on the assignments and on a
ticket's project and state (see "per-assignee counts" below); the workload dashboards
read it.

Contention: an insert updates its group's row (creates in one project already queue on the
project's number counter); an update that moves a ticket between groups touches the two
rows in key order, so two such updates cannot deadlock on them. Adding or removing an
assignee updates the ticket's row (an increment: concurrent assignments both count).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import (
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce

TABLE = "tickets_ticketcount"
GROUP_COLUMNS = (
    "project_id",
    "state_id",
    "priority",
    "category_id",
    "column_id",
    "assignee_count",
)
_COLUMN_REF = re.compile(r'"tickets_ticket"\."(\w+)"')
# One row per group; a ticket without a category or a board column groups under NULL
# (COALESCE in the key).
GROUP_KEY = (
    "project_id, state_id, priority, (COALESCE(category_id, 0)), (COALESCE(column_id, 0)), "
    "assignee_count"
)
GROUP_INDEX = "tickets_count_group"
# The columns whose change moves a ticket's contribution: its group, and its resolution
# time (microseconds from created to resolved, summed for the mean resolution time).
MOVING_COLUMNS = (*GROUP_COLUMNS, "resolved_at", "created_at")

# Microseconds from creation to resolution; ``{r}``: the row's prefix ("NEW." or "").
_PG_US = "(EXTRACT(EPOCH FROM {r}resolved_at - {r}created_at) * 1000000)::bigint"
_GROUP_LIST = ", ".join(GROUP_COLUMNS)
_PG_ROW = (
    "{r}.project_id, {r}.state_id, {r}.priority, {r}.category_id, {r}.column_id, "
    "{r}.assignee_count, "
    "{d}, CASE WHEN {r}.resolved_at IS NULL THEN 0 ELSE {d} END, "
    "CASE WHEN {r}.resolved_at IS NULL THEN 0 ELSE {d} * " + _PG_US.replace("{r}", "{r}.") + " END"
)
_MOVING_LIST = ", ".join(MOVING_COLUMNS)
_PG_KEY_OF = (
    "({r}.project_id, {r}.state_id, {r}.priority, COALESCE({r}.category_id, 0), "
    "COALESCE({r}.column_id, 0), {r}.assignee_count)"
)
# The bump function's signatures: without and with the comment counts (``tickets.0009``).
_PG_BUMP_ARGS = "bigint, bigint, integer, bigint, bigint, integer, integer, integer, bigint"
_PG_BUMP_SIGNATURES = (_PG_BUMP_ARGS, f"{_PG_BUMP_ARGS}, integer, integer")
# A ticket's public comments and internal notes, counted into ``cp`` and ``ci``.
_PG_COUNT_COMMENTS = """
    SELECT COUNT(*) FILTER (WHERE NOT is_internal), COUNT(*) FILTER (WHERE is_internal)
    INTO cp, ci FROM tickets_comment WHERE ticket_id = {r}.id;
"""


def _pg_forward(comments: bool) -> list[str]:
    """The group counts' PostgreSQL triggers; ``comments``: the groups also hold their
    tickets' comment counts (the schema of ``tickets.0009`` on)."""
    extra_args = ", dc integer, dci integer" if comments else ""
    extra_cols = ", comment_n, internal_comment_n" if comments else ""
    extra_values = ", dc, dci" if comments else ""
    extra_set = (
        f", comment_n = {TABLE}.comment_n + dc, "
        f"internal_comment_n = {TABLE}.internal_comment_n + dci"
        if comments
        else ""
    )

    def row(r: str, d: str, *, counted: bool) -> str:
        """Bump arguments for row ``r`` with ticket delta ``d``; ``counted``: add (or, with
        a negative ``d``, remove) the comments counted into ``cp`` and ``ci``."""
        args = _PG_ROW.format(r=r, d=d)
        if comments:
            args += f", {d} * cp, {d} * ci" if counted else ", 0, 0"
        return args

    def count(r: str) -> str:
        return _PG_COUNT_COMMENTS.format(r=r) if comments else ""

    statements = [
        *(f"DROP FUNCTION IF EXISTS tickets_count_bump({s})" for s in _PG_BUMP_SIGNATURES),
        "DROP FUNCTION IF EXISTS tickets_count_bump(bigint, bigint, integer, integer)",
        f"""
        CREATE OR REPLACE FUNCTION tickets_count_bump(
            p bigint, s bigint, pr integer, c bigint, col bigint, a integer, d integer,
            rn integer, rus bigint{extra_args}
        ) RETURNS void LANGUAGE sql AS $$
            INSERT INTO {TABLE} ({_GROUP_LIST}, n, resolved_n, resolved_us{extra_cols})
            VALUES (p, s, pr, c, col, a, d, rn, rus{extra_values})
            ON CONFLICT ({GROUP_KEY}) DO UPDATE SET n = {TABLE}.n + d,
                resolved_n = {TABLE}.resolved_n + rn,
                resolved_us = {TABLE}.resolved_us + rus{extra_set}
        $$
        """,
        # A ticket carries its comments into and out of its groups. Its own comments are
        # counted when it is written (an index probe): inserted before it (a deferred
        # foreign key), deleted after it, or still there when it moves.
        f"""
        CREATE OR REPLACE FUNCTION tickets_count_trg() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE cp integer := 0; ci integer := 0;
        BEGIN
            IF TG_OP = 'INSERT' THEN
                {count("NEW")}
                PERFORM tickets_count_bump({row("NEW", "1", counted=True)});
            ELSIF TG_OP = 'DELETE' THEN
                {count("OLD")}
                PERFORM tickets_count_bump({row("OLD", "-1", counted=True)});
            ELSIF {_PG_KEY_OF.format(r="OLD")} = {_PG_KEY_OF.format(r="NEW")} THEN
                -- the same group: only its resolution figures change
                PERFORM tickets_count_bump({row("NEW", "1", counted=False)});
                PERFORM tickets_count_bump({row("OLD", "-1", counted=False)});
            ELSE
                {count("NEW")}
                IF {_PG_KEY_OF.format(r="OLD")} < {_PG_KEY_OF.format(r="NEW")} THEN
                    PERFORM tickets_count_bump({row("OLD", "-1", counted=True)});
                    PERFORM tickets_count_bump({row("NEW", "1", counted=True)});
                ELSE
                    PERFORM tickets_count_bump({row("NEW", "1", counted=True)});
                    PERFORM tickets_count_bump({row("OLD", "-1", counted=True)});
                END IF;
            END IF;
            RETURN NULL;
        END
        $$
        """,
        # A ticket's assignee count follows its assignments; the update moves it between
        # groups through the trigger above. Increments, not a recount: two transactions
        # adding or removing assignees of one ticket queue on its row and both count.
        """
        CREATE OR REPLACE FUNCTION tickets_assignee_count_trg() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP <> 'DELETE' THEN
                UPDATE tickets_ticket SET assignee_count = assignee_count + 1
                WHERE id = NEW.ticket_id;
            END IF;
            IF TG_OP <> 'INSERT' THEN
                UPDATE tickets_ticket SET assignee_count = assignee_count - 1
                WHERE id = OLD.ticket_id;
            END IF;
            RETURN NULL;
        END
        $$
        """,
        *_PG_TRIGGER_DROPS,
        """CREATE TRIGGER tickets_count_ins AFTER INSERT ON tickets_ticket
           FOR EACH ROW EXECUTE FUNCTION tickets_count_trg()""",
        """CREATE TRIGGER tickets_count_del AFTER DELETE ON tickets_ticket
           FOR EACH ROW EXECUTE FUNCTION tickets_count_trg()""",
        f"""CREATE TRIGGER tickets_count_upd AFTER UPDATE OF {_MOVING_LIST}
           ON tickets_ticket FOR EACH ROW
           WHEN (({", ".join(f"OLD.{c}" for c in MOVING_COLUMNS)})
                 IS DISTINCT FROM ({", ".join(f"NEW.{c}" for c in MOVING_COLUMNS)}))
           EXECUTE FUNCTION tickets_count_trg()""",
        """CREATE TRIGGER tickets_assignee_ins AFTER INSERT ON tickets_ticketassignment
           FOR EACH ROW EXECUTE FUNCTION tickets_assignee_count_trg()""",
        """CREATE TRIGGER tickets_assignee_del AFTER DELETE ON tickets_ticketassignment
           FOR EACH ROW EXECUTE FUNCTION tickets_assignee_count_trg()""",
        """CREATE TRIGGER tickets_assignee_upd AFTER UPDATE OF ticket_id
           ON tickets_ticketassignment FOR EACH ROW
           WHEN (OLD.ticket_id IS DISTINCT FROM NEW.ticket_id)
           EXECUTE FUNCTION tickets_assignee_count_trg()""",
    ]
    if comments:
        statements += _PG_COMMENT_FORWARD
    return statements


# A comment counts in its ticket's group, read with the ticket's row locked (as an
# assignment does): a comment and a concurrent move of its ticket cannot miss each other
# (the move counts the comments committed before it; a comment waiting for the move's
# lock then reads the ticket's new group). A comment whose ticket is gone (deleted first
# in the transaction) was already taken out with it.
_PG_COMMENT_FORWARD = [
    """
    CREATE OR REPLACE FUNCTION tickets_comment_count_trg() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE t record;
    BEGIN
        IF TG_OP <> 'INSERT' THEN
            SELECT project_id, state_id, priority, category_id, column_id, assignee_count
            INTO t FROM tickets_ticket WHERE id = OLD.ticket_id FOR NO KEY UPDATE;
            IF FOUND THEN
                PERFORM tickets_count_bump(t.project_id, t.state_id, t.priority,
                    t.category_id, t.column_id, t.assignee_count, 0, 0, 0,
                    CASE WHEN OLD.is_internal THEN 0 ELSE -1 END,
                    CASE WHEN OLD.is_internal THEN -1 ELSE 0 END);
            END IF;
        END IF;
        IF TG_OP <> 'DELETE' THEN
            SELECT project_id, state_id, priority, category_id, column_id, assignee_count
            INTO t FROM tickets_ticket WHERE id = NEW.ticket_id FOR NO KEY UPDATE;
            IF FOUND THEN
                PERFORM tickets_count_bump(t.project_id, t.state_id, t.priority,
                    t.category_id, t.column_id, t.assignee_count, 0, 0, 0,
                    CASE WHEN NEW.is_internal THEN 0 ELSE 1 END,
                    CASE WHEN NEW.is_internal THEN 1 ELSE 0 END);
            END IF;
        END IF;
        RETURN NULL;
    END
    $$
    """,
    """CREATE TRIGGER tickets_comment_count_ins AFTER INSERT ON tickets_comment
       FOR EACH ROW EXECUTE FUNCTION tickets_comment_count_trg()""",
    """CREATE TRIGGER tickets_comment_count_del AFTER DELETE ON tickets_comment
       FOR EACH ROW EXECUTE FUNCTION tickets_comment_count_trg()""",
    """CREATE TRIGGER tickets_comment_count_upd AFTER UPDATE OF ticket_id, is_internal
       ON tickets_comment FOR EACH ROW
       WHEN ((OLD.ticket_id, OLD.is_internal) IS DISTINCT FROM (NEW.ticket_id, NEW.is_internal))
       EXECUTE FUNCTION tickets_comment_count_trg()""",
]

_PG_COMMENT_BACKWARD = [
    "DROP TRIGGER IF EXISTS tickets_comment_count_ins ON tickets_comment",
    "DROP TRIGGER IF EXISTS tickets_comment_count_del ON tickets_comment",
    "DROP TRIGGER IF EXISTS tickets_comment_count_upd ON tickets_comment",
    "DROP FUNCTION IF EXISTS tickets_comment_count_trg()",
]

# The group counts' triggers (the comments' with their function), dropped before they
# are created again and when they go.
_PG_TRIGGER_DROPS = [
    *_PG_COMMENT_BACKWARD,
    "DROP TRIGGER IF EXISTS tickets_count_ins ON tickets_ticket",
    "DROP TRIGGER IF EXISTS tickets_count_del ON tickets_ticket",
    "DROP TRIGGER IF EXISTS tickets_count_upd ON tickets_ticket",
    "DROP TRIGGER IF EXISTS tickets_assignee_ins ON tickets_ticketassignment",
    "DROP TRIGGER IF EXISTS tickets_assignee_del ON tickets_ticketassignment",
    "DROP TRIGGER IF EXISTS tickets_assignee_upd ON tickets_ticketassignment",
]

PG_BACKWARD = [
    *_PG_TRIGGER_DROPS,
    "DROP FUNCTION IF EXISTS tickets_count_trg()",
    "DROP FUNCTION IF EXISTS tickets_assignee_count_trg()",
    *(f"DROP FUNCTION IF EXISTS tickets_count_bump({s})" for s in _PG_BUMP_SIGNATURES),
]

# Exact microseconds between two of Django's SQLite datetimes ('YYYY-MM-DD HH:MM:SS' and
# an optional '.ffffff'): whole seconds by strftime, the fraction from the text (julianday
# would be off by a few microseconds).
_SQLITE_US = (
    "((CAST(strftime('%s', {r}resolved_at) AS INTEGER) "
    "- CAST(strftime('%s', {r}created_at) AS INTEGER)) * 1000000 "
    "+ CAST(substr({r}resolved_at || '.000000', 21, 6) AS INTEGER) "
    "- CAST(substr({r}created_at || '.000000', 21, 6) AS INTEGER))"
)
_SQLITE_UPSERT = (
    f"ON CONFLICT ({GROUP_KEY}) DO UPDATE SET n = n + excluded.n, "
    "resolved_n = resolved_n + excluded.resolved_n, "
    "resolved_us = resolved_us + excluded.resolved_us"
)
_SQLITE_UPSERT_COMMENTS = (
    ", comment_n = comment_n + excluded.comment_n, "
    "internal_comment_n = internal_comment_n + excluded.internal_comment_n"
)


def _sqlite_bump(r: str, d: int, *, comments: bool) -> str:
    cols = f"{_GROUP_LIST}, n, resolved_n, resolved_us"
    values = (
        f"{r}.project_id, {r}.state_id, {r}.priority, {r}.category_id, {r}.column_id, "
        f"{r}.assignee_count, {d}, CASE WHEN {r}.resolved_at IS NULL THEN 0 ELSE {d} END, "
        f"CASE WHEN {r}.resolved_at IS NULL THEN 0 ELSE {d} * {_SQLITE_US.format(r=r + '.')} END"
    )
    upsert = _SQLITE_UPSERT
    if comments:
        cols += ", comment_n, internal_comment_n"
        of_ticket = f"FROM tickets_comment WHERE ticket_id = {r}.id"
        values += (
            f", {d} * (SELECT COUNT(*) {of_ticket} AND NOT is_internal), "
            f"{d} * (SELECT COUNT(*) {of_ticket} AND is_internal)"
        )
        upsert += _SQLITE_UPSERT_COMMENTS
    return f"INSERT INTO {TABLE} ({cols}) VALUES ({values}) {upsert};"


def _sqlite_comment_bump(r: str, d: int) -> str:
    """Count comment row ``r`` (``d``: 1 or -1) in its ticket's group, if the ticket is
    still there."""
    return (
        f"INSERT INTO {TABLE} ({_GROUP_LIST}, n, resolved_n, resolved_us, comment_n, "
        f"internal_comment_n) SELECT {_GROUP_LIST}, 0, 0, 0, "
        f"CASE WHEN {r}.is_internal THEN 0 ELSE {d} END, "
        f"CASE WHEN {r}.is_internal THEN {d} ELSE 0 END "
        f"FROM tickets_ticket WHERE id = {r}.ticket_id "
        f"{_SQLITE_UPSERT}{_SQLITE_UPSERT_COMMENTS};"
    )


def _sqlite_row_triggers(
    name: str, table: str, keys: tuple[str, ...], bump: Callable[[str, int], str]
) -> list[str]:
    """SQLite triggers ``<name>_ins``/``_del``/``_upd`` on ``table`` that count a row in
    (``bump("NEW", 1)``) and out (``bump("OLD", -1)``), and move it when one of ``keys``
    changes."""
    changed = " OR ".join(f"OLD.{k} IS NOT NEW.{k}" for k in keys)
    return [
        f"""CREATE TRIGGER IF NOT EXISTS {name}_ins AFTER INSERT ON {table}
        BEGIN {bump("NEW", 1)} END""",
        f"""CREATE TRIGGER IF NOT EXISTS {name}_del AFTER DELETE ON {table}
        BEGIN {bump("OLD", -1)} END""",
        f"""CREATE TRIGGER IF NOT EXISTS {name}_upd AFTER UPDATE OF {", ".join(keys)} ON {table}
        WHEN {changed} BEGIN {bump("OLD", -1)} {bump("NEW", 1)} END""",
    ]


def _sqlite_triggers(comments: bool) -> list[str]:
    """The group counts' SQLite triggers (one writer at a time: no lock order to keep)."""
    statements = [
        *SQLITE_BACKWARD,  # re-created: their bodies differ with and without comments
        *_sqlite_row_triggers(
            "tickets_count",
            "tickets_ticket",
            MOVING_COLUMNS,
            lambda r, d: _sqlite_bump(r, d, comments=comments),
        ),
        """CREATE TRIGGER IF NOT EXISTS tickets_assignee_ins
        AFTER INSERT ON tickets_ticketassignment BEGIN
        UPDATE tickets_ticket SET assignee_count = assignee_count + 1 WHERE id = NEW.ticket_id;
        END""",
        """CREATE TRIGGER IF NOT EXISTS tickets_assignee_del
        AFTER DELETE ON tickets_ticketassignment BEGIN
        UPDATE tickets_ticket SET assignee_count = assignee_count - 1 WHERE id = OLD.ticket_id;
        END""",
        """CREATE TRIGGER IF NOT EXISTS tickets_assignee_upd
        AFTER UPDATE OF ticket_id ON tickets_ticketassignment
        WHEN OLD.ticket_id IS NOT NEW.ticket_id BEGIN
        UPDATE tickets_ticket SET assignee_count = assignee_count + 1 WHERE id = NEW.ticket_id;
        UPDATE tickets_ticket SET assignee_count = assignee_count - 1 WHERE id = OLD.ticket_id;
        END""",
    ]
    if comments:
        statements += _sqlite_row_triggers(
            "tickets_comment_count",
            "tickets_comment",
            ("ticket_id", "is_internal"),
            _sqlite_comment_bump,
        )
    return statements


SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS tickets_comment_count_ins",
    "DROP TRIGGER IF EXISTS tickets_comment_count_del",
    "DROP TRIGGER IF EXISTS tickets_comment_count_upd",
    "DROP TRIGGER IF EXISTS tickets_count_ins",
    "DROP TRIGGER IF EXISTS tickets_count_del",
    "DROP TRIGGER IF EXISTS tickets_count_upd",
    "DROP TRIGGER IF EXISTS tickets_assignee_ins",
    "DROP TRIGGER IF EXISTS tickets_assignee_del",
    "DROP TRIGGER IF EXISTS tickets_assignee_upd",
]


# ---- per-assignee counts (``TicketAssigneeCount``) ---------------------------------------
# How many tickets of each (project, state) each user is assigned, for the workload
# dashboards. An assignment counts under its ticket's project and state, read with the
# ticket's row locked (the lock the assignee-count trigger above takes anyway), so a state
# change racing an assignment either sees the new assignment and moves it, or is seen by
# it: the two cannot both miss each other. A ticket's move between projects or states moves
# its assignments' counts, the rows touched in key order.
ASSIGNEE_TABLE = "tickets_ticketassigneecount"
_ASSIGNEE_KEY = "project_id, user_id, state_id"

ASSIGNEE_PG_FORWARD = [
    f"""
    CREATE OR REPLACE FUNCTION tickets_assignee_bump(p bigint, u bigint, s bigint, d integer)
    RETURNS void LANGUAGE sql AS $$
        INSERT INTO {ASSIGNEE_TABLE} ({_ASSIGNEE_KEY}, n) VALUES (p, u, s, d)
        ON CONFLICT ({_ASSIGNEE_KEY}) DO UPDATE SET n = {ASSIGNEE_TABLE}.n + d
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION tickets_assignee_user_trg() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE p bigint; s bigint;
    BEGIN
        IF TG_OP <> 'INSERT' THEN
            SELECT project_id, state_id INTO p, s FROM tickets_ticket
            WHERE id = OLD.ticket_id FOR NO KEY UPDATE;
            IF FOUND THEN
                PERFORM tickets_assignee_bump(p, OLD.user_id, s, -1);
            END IF;
        END IF;
        IF TG_OP <> 'DELETE' THEN
            SELECT project_id, state_id INTO p, s FROM tickets_ticket
            WHERE id = NEW.ticket_id FOR NO KEY UPDATE;
            IF FOUND THEN
                PERFORM tickets_assignee_bump(p, NEW.user_id, s, 1);
            END IF;
        END IF;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION tickets_assignee_move_trg() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE r record; np bigint; ns bigint;
    BEGIN
        IF TG_OP = 'UPDATE' THEN
            np := NEW.project_id;
            ns := NEW.state_id;
        END IF;
        FOR r IN
            SELECT g.p, a.user_id AS u, g.s, g.d
            FROM tickets_ticketassignment a
            CROSS JOIN (VALUES (OLD.project_id, OLD.state_id, -1), (np, ns, 1)) AS g(p, s, d)
            WHERE a.ticket_id = OLD.id AND g.p IS NOT NULL
            ORDER BY 1, 2, 3
        LOOP
            PERFORM tickets_assignee_bump(r.p, r.u, r.s, r.d);
        END LOOP;
        RETURN NULL;
    END
    $$
    """,
    "DROP TRIGGER IF EXISTS tickets_assignee_user_ins ON tickets_ticketassignment",
    "DROP TRIGGER IF EXISTS tickets_assignee_user_del ON tickets_ticketassignment",
    "DROP TRIGGER IF EXISTS tickets_assignee_user_upd ON tickets_ticketassignment",
    "DROP TRIGGER IF EXISTS tickets_assignee_move_upd ON tickets_ticket",  # stop 20's names
    "DROP TRIGGER IF EXISTS tickets_assignee_move_del ON tickets_ticket",
    "DROP TRIGGER IF EXISTS tickets_count_upd_assignees ON tickets_ticket",
    "DROP TRIGGER IF EXISTS tickets_count_del_assignees ON tickets_ticket",
    """CREATE TRIGGER tickets_assignee_user_ins AFTER INSERT ON tickets_ticketassignment
       FOR EACH ROW EXECUTE FUNCTION tickets_assignee_user_trg()""",
    """CREATE TRIGGER tickets_assignee_user_del AFTER DELETE ON tickets_ticketassignment
       FOR EACH ROW EXECUTE FUNCTION tickets_assignee_user_trg()""",
    """CREATE TRIGGER tickets_assignee_user_upd AFTER UPDATE OF ticket_id, user_id
       ON tickets_ticketassignment FOR EACH ROW
       WHEN ((OLD.ticket_id, OLD.user_id) IS DISTINCT FROM (NEW.ticket_id, NEW.user_id))
       EXECUTE FUNCTION tickets_assignee_user_trg()""",
    # ``assignee_count`` is current in the row (the assignments' trigger keeps it under
    # the same row lock): a ticket without assignees has nothing to move.
    # Named to fire after ``tickets_count_upd``/``_del`` (PostgreSQL fires a table's
    # triggers of one event in name order): every writer locks the group rows before the
    # per-assignee rows, as an assignment does (its ticket's update moves the groups, then
    # its own trigger bumps the assignee). Fired the other way round, a move of an
    # assigned ticket and an assignment of another ticket to the same user deadlocked.
    """CREATE TRIGGER tickets_count_upd_assignees AFTER UPDATE OF project_id, state_id
       ON tickets_ticket FOR EACH ROW
       WHEN ((OLD.project_id, OLD.state_id) IS DISTINCT FROM (NEW.project_id, NEW.state_id)
             AND (OLD.assignee_count <> 0 OR NEW.assignee_count <> 0))
       EXECUTE FUNCTION tickets_assignee_move_trg()""",
    """CREATE TRIGGER tickets_count_del_assignees AFTER DELETE ON tickets_ticket
       FOR EACH ROW WHEN (OLD.assignee_count <> 0)
       EXECUTE FUNCTION tickets_assignee_move_trg()""",
]

ASSIGNEE_PG_BACKWARD = [
    "DROP TRIGGER IF EXISTS tickets_assignee_user_ins ON tickets_ticketassignment",
    "DROP TRIGGER IF EXISTS tickets_assignee_user_del ON tickets_ticketassignment",
    "DROP TRIGGER IF EXISTS tickets_assignee_user_upd ON tickets_ticketassignment",
    "DROP TRIGGER IF EXISTS tickets_assignee_move_upd ON tickets_ticket",  # stop 20's names
    "DROP TRIGGER IF EXISTS tickets_assignee_move_del ON tickets_ticket",
    "DROP TRIGGER IF EXISTS tickets_count_upd_assignees ON tickets_ticket",
    "DROP TRIGGER IF EXISTS tickets_count_del_assignees ON tickets_ticket",
    "DROP FUNCTION IF EXISTS tickets_assignee_user_trg()",
    "DROP FUNCTION IF EXISTS tickets_assignee_move_trg()",
    "DROP FUNCTION IF EXISTS tickets_assignee_bump(bigint, bigint, bigint, integer)",
]


def _sqlite_assignee_bump(select: str) -> str:
    """Add ``select``'s rows (project, user, state, delta) to the per-assignee counts."""
    return (
        f"INSERT INTO {ASSIGNEE_TABLE} ({_ASSIGNEE_KEY}, n) {select} "
        f"ON CONFLICT ({_ASSIGNEE_KEY}) DO UPDATE SET n = n + excluded.n;"
    )


def _sqlite_of_ticket(r: str, d: int) -> str:
    return _sqlite_assignee_bump(
        f"SELECT project_id, {r}.user_id, state_id, {d} FROM tickets_ticket "
        f"WHERE id = {r}.ticket_id"
    )


def _sqlite_of_assignments(r: str, d: int) -> str:
    return _sqlite_assignee_bump(
        f"SELECT {r}.project_id, user_id, {r}.state_id, {d} FROM tickets_ticketassignment "
        f"WHERE ticket_id = {r}.id"
    )


ASSIGNEE_SQLITE = [
    *_sqlite_row_triggers(
        "tickets_assignee_user",
        "tickets_ticketassignment",
        ("ticket_id", "user_id"),
        _sqlite_of_ticket,
    ),
    f"""CREATE TRIGGER IF NOT EXISTS tickets_assignee_move_upd
    AFTER UPDATE OF project_id, state_id ON tickets_ticket
    WHEN OLD.project_id IS NOT NEW.project_id OR OLD.state_id IS NOT NEW.state_id
    BEGIN {_sqlite_of_assignments("OLD", -1)} {_sqlite_of_assignments("NEW", 1)} END""",
    f"""CREATE TRIGGER IF NOT EXISTS tickets_assignee_move_del
    AFTER DELETE ON tickets_ticket BEGIN {_sqlite_of_assignments("OLD", -1)} END""",
]

ASSIGNEE_SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS tickets_assignee_user_ins",
    "DROP TRIGGER IF EXISTS tickets_assignee_user_del",
    "DROP TRIGGER IF EXISTS tickets_assignee_user_upd",
    "DROP TRIGGER IF EXISTS tickets_assignee_move_upd",
    "DROP TRIGGER IF EXISTS tickets_assignee_move_del",
]

ASSIGNEE_REBUILD = [
    f"DELETE FROM {ASSIGNEE_TABLE}",
    f"""INSERT INTO {ASSIGNEE_TABLE} ({_ASSIGNEE_KEY}, n)
        SELECT t.project_id, a.user_id, t.state_id, COUNT(*)
        FROM tickets_ticketassignment a JOIN tickets_ticket t ON t.id = a.ticket_id
        GROUP BY t.project_id, a.user_id, t.state_id""",
]


def _rebuild(us: str, *, comments: bool) -> list[str]:
    if not comments:
        return [
            f"DELETE FROM {TABLE}",
            f"""INSERT INTO {TABLE} ({_GROUP_LIST}, n, resolved_n, resolved_us)
                SELECT {_GROUP_LIST}, COUNT(*), COUNT(resolved_at), COALESCE(SUM({us}), 0)
                FROM tickets_ticket GROUP BY {_GROUP_LIST}""",
        ]
    return [
        f"DELETE FROM {TABLE}",
        f"""INSERT INTO {TABLE} ({_GROUP_LIST}, n, resolved_n, resolved_us, comment_n,
                                 internal_comment_n)
            SELECT {_GROUP_LIST}, COUNT(*), COUNT(resolved_at), COALESCE(SUM({us}), 0),
                   COALESCE(SUM(c.public_n), 0), COALESCE(SUM(c.internal_n), 0)
            FROM tickets_ticket LEFT JOIN (
                SELECT ticket_id,
                       SUM(CASE WHEN is_internal THEN 0 ELSE 1 END) AS public_n,
                       SUM(CASE WHEN is_internal THEN 1 ELSE 0 END) AS internal_n
                FROM tickets_comment GROUP BY ticket_id
            ) AS c ON c.ticket_id = tickets_ticket.id
            GROUP BY {_GROUP_LIST}""",
    ]


# Each ticket's assignee count from its assignments, for loaders that bypass the triggers
# (run with the triggers off: each row it changes would move between groups one by one).
RECOUNT_ASSIGNEES = [
    """UPDATE tickets_ticket SET assignee_count = a.n
       FROM (SELECT ticket_id, COUNT(*) AS n FROM tickets_ticketassignment
             GROUP BY ticket_id) AS a
       WHERE a.ticket_id = tickets_ticket.id AND tickets_ticket.assignee_count <> a.n""",
    """UPDATE tickets_ticket SET assignee_count = 0
       WHERE assignee_count <> 0 AND NOT EXISTS (
           SELECT 1 FROM tickets_ticketassignment a WHERE a.ticket_id = tickets_ticket.id)""",
]


def recount_assignees(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """Set each ticket's ``assignee_count`` from its assignments."""
    with connections[using].cursor() as cursor:
        for sql in RECOUNT_ASSIGNEES:
            cursor.execute(sql)


def _schema(connection) -> str | None:
    """Which group schema is in place: ``"comments"`` (``tickets.0009`` on: the groups
    also count their tickets' comments), ``"groups"`` (``tickets.0006`` on: category,
    assignee count and resolution sums), or None (older: nothing to install)."""
    if TABLE not in connection.introspection.table_names():
        return None
    with connection.cursor() as cursor:
        columns = {c.name for c in connection.introspection.get_table_description(cursor, TABLE)}
    if "assignee_count" not in columns:
        return None
    return "comments" if "comment_n" in columns else "groups"


def trigger_statements(
    vendor: str,
    *,
    forward: bool,
    groups: bool = False,
    assignees: bool = False,
    comments: bool = True,
) -> list[str]:
    """The trigger statements that install (``forward``) or drop the group counts' and/or
    the per-assignee counts' triggers on the database ``vendor`` (none elsewhere);
    ``comments``: the groups count their tickets' comments too. Dropping takes the
    assignee triggers first: they sit on tables the group triggers also watch."""
    by_vendor = {
        # vendor: (groups forward, assignees forward, groups backward, assignees backward)
        "postgresql": (_pg_forward, ASSIGNEE_PG_FORWARD, PG_BACKWARD, ASSIGNEE_PG_BACKWARD),
        "sqlite": (_sqlite_triggers, ASSIGNEE_SQLITE, SQLITE_BACKWARD, ASSIGNEE_SQLITE_BACKWARD),
    }
    if vendor not in by_vendor:
        return []
    group_fwd, assignee_fwd, group_back, assignee_back = by_vendor[vendor]
    if forward:
        return [*(group_fwd(comments) if groups else []), *(assignee_fwd if assignees else [])]
    return [*(assignee_back if assignees else []), *(group_back if groups else [])]


def install(*, using: str = DEFAULT_DB_ALIAS, comments: bool | None = None, **_: Any) -> None:
    """Create (or re-create) the group index and the triggers for the schema in place;
    idempotent. Also run after every ``migrate``: SQLite drops a table's triggers when a
    migration rebuilds it. ``comments=False``: the triggers without the comment counts
    (a backward migration, before it drops their columns)."""
    connection = connections[using]
    schema = _schema(connection)
    if schema is None:
        return
    if comments is None:
        comments = schema == "comments"
    vendor = connection.vendor
    statements = trigger_statements(vendor, forward=True, groups=True, comments=comments)
    if _has_assignee_counts(connection):
        statements += trigger_statements(vendor, forward=True, assignees=True)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE UNIQUE INDEX IF NOT EXISTS {GROUP_INDEX} ON {TABLE} ({GROUP_KEY})")
        for sql in statements:
            cursor.execute(sql)


def _has_assignee_counts(connection) -> bool:
    """The per-assignee counts' table is in place (``tickets.0007``)."""
    return ASSIGNEE_TABLE in connection.introspection.table_names()


def uninstall(*, using: str = DEFAULT_DB_ALIAS) -> None:
    connection = connections[using]
    statements = trigger_statements(connection.vendor, forward=False, assignees=True, groups=True)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def rebuild(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """Recount every group (with its tickets' comments, and every assignee's tickets per
    project and state) from the tickets, comments and assignments, for loaders that
    bypass the triggers."""
    connection = connections[using]
    schema = _schema(connection)
    if schema is None:
        return
    us = (_PG_US if connection.vendor == "postgresql" else _SQLITE_US).format(r="")
    statements = _rebuild(us, comments=schema == "comments")
    if _has_assignee_counts(connection):
        statements += ASSIGNEE_REBUILD
    with connection.cursor() as cursor:
        for sql in statements:
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


KNOWN_COUNT = "tessera_known_count"  # an attribute of the Query, set by with_matches_counted


def with_matches_counted(qs: QuerySet, *, depth: int | None = None) -> QuerySet:
    """A search's tickets (``qs``, marked by ``with_count_limit``) with their count taken
    now: the ids of at most its limit of matches are read in the query that counted them
    before. When they are fewer than the limit, ``qs`` is narrowed to those ids, so its
    page reads a few tickets by primary key: PostgreSQL, which guesses thousands of matches
    for any word its statistics do not list, otherwise walked every ticket of the project
    newest first looking for them (1.3 s at 1M tickets for a word three tickets hold).
    On PostgreSQL the matches are read month by month, newest first, and a page newest
    first past the limit reads the newest months' matches (``search.selectors
    .matches_counted``); ``depth``: how many of the newest matches the caller's page shows
    (page × page size), if known. ``ticket_count`` then answers without a query. Call it
    last, once every filter is on ``qs``; anything but a marked search is returned as it
    is."""
    limit = getattr(qs.query, COUNT_LIMIT, None)
    if not limit:
        return qs
    from tessera.core.search.selectors import matches_counted

    counted = matches_counted(qs, limit, depth)
    if counted is not None:
        qs, count = counted
    else:
        ids = list(qs.order_by().values_list("pk", flat=True)[:limit])
        if len(ids) < limit:
            qs = qs.filter(pk__in=ids)
        count = len(ids)
    qs = qs.all()
    setattr(qs.query, KNOWN_COUNT, count)
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


def project_only_where(qs: QuerySet) -> tuple[str, list] | None:
    """``qs``'s WHERE clause (``("", [])``: none) if the only column of the ticket table
    it reads is ``project_id`` (subqueries on other tables allowed), else None: which
    tickets it holds then follows from their projects alone. Raises ``EmptyResultSet``
    when ``qs`` matches nothing."""
    where = _summary_where(qs)
    if where is None or any(c != "project_id" for c in _COLUMN_REF.findall(where[0])):
        return None
    return where


def _from_summary(qs: QuerySet, select: str, group_by: str = "") -> list[tuple] | None:
    """``SELECT <select> FROM`` the summary rows ``qs`` covers (``GROUP BY <group_by>``),
    or None when they do not answer ``qs`` exactly (another condition, a search's count
    limit). Raises ``EmptyResultSet`` when ``qs`` matches nothing."""
    if getattr(qs.query, COUNT_LIMIT, None):
        return None
    where = _summary_where(qs)
    if where is None:
        return None
    sql, params = where
    statement = f'SELECT {select} FROM {TABLE} AS "tickets_ticket"'
    if sql:
        statement += f" WHERE {sql}"
    if group_by:
        statement += f" GROUP BY {group_by} HAVING SUM(n) <> 0"
    with connections[qs.db].cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall()


def ticket_count(qs: QuerySet) -> int:
    """``qs.count()``, answered from the per-group counts whenever that is exact; at most
    the limit a search set (``with_count_limit``)."""
    known = getattr(qs.query, KNOWN_COUNT, None)
    if known is not None:
        return known
    limit = getattr(qs.query, COUNT_LIMIT, None)
    if limit:
        return qs.order_by().values("pk")[:limit].count()
    try:
        rows = _from_summary(qs, "COALESCE(SUM(n), 0)")
    except EmptyResultSet:
        return 0
    return qs.count() if rows is None else int(rows[0][0])


def comment_count(
    tickets: QuerySet,
    comments: QuerySet,
    *,
    public: bool = True,
    internal: bool | list[int] = False,
) -> int:
    """``comments.count()``, where ``comments`` are the comments of the tickets of
    ``tickets`` that are public (``public``) or internal notes (``internal``: of every
    ticket, or of the tickets of the listed projects): answered from the groups' comment
    counts whenever ``tickets`` reads only group columns, as ``ticket_count`` is (500,000
    comments of a project's tickets took ~0.7 s to count through their tickets at 1M)."""
    terms = ["COALESCE(SUM(comment_n), 0)"] if public else []
    if internal is True:
        terms.append("COALESCE(SUM(internal_comment_n), 0)")
    elif internal:
        projects = ", ".join(str(int(p)) for p in internal)
        terms.append(
            f'COALESCE(SUM(CASE WHEN "tickets_ticket"."project_id" IN ({projects}) '
            "THEN internal_comment_n ELSE 0 END), 0)"
        )
    if not terms:
        return 0
    try:
        rows = _from_summary(tickets, " + ".join(terms))
    except EmptyResultSet:
        return 0
    return comments.count() if rows is None else int(rows[0][0])


def ticket_counts_by(qs: QuerySet, columns: tuple[str, ...]) -> dict[tuple, int]:
    """How many tickets of ``qs`` each combination of ``columns`` (group columns) holds,
    e.g. ``{(state_id, priority): n}``: read from the per-group counts whenever that is
    exact, else one ``GROUP BY`` over the tickets. Combinations without tickets are left
    out."""
    unknown = set(columns) - set(GROUP_COLUMNS)
    if unknown:
        raise ValueError(f"not a group column: {sorted(unknown)}")
    cols = ", ".join(f'"tickets_ticket"."{c}"' for c in columns)
    try:
        rows = _from_summary(qs, f"{cols}, SUM(n)", group_by=cols)
    except EmptyResultSet:
        return {}
    if rows is None:
        names = [c.removesuffix("_id") for c in columns]
        grouped = qs.order_by().values_list(*names).annotate(_n=Count("pk"))
        rows = grouped.values_list(*names, "_n")
    return {tuple(row[:-1]): int(row[-1]) for row in rows}


def resolution_time_mean(qs: QuerySet) -> timedelta | None:
    """The mean of ``resolved_at - created_at`` over the resolved tickets of ``qs`` (None:
    none resolved), from the groups' sums whenever that is exact."""
    try:
        rows = _from_summary(qs, "COALESCE(SUM(resolved_n), 0), COALESCE(SUM(resolved_us), 0)")
    except EmptyResultSet:
        return None
    if rows is None:
        return (
            qs.order_by()
            .filter(resolved_at__isnull=False)
            .aggregate(
                mean=Avg(
                    ExpressionWrapper(
                        F("resolved_at") - F("created_at"), output_field=DurationField()
                    )
                )
            )["mean"]
        )
    ((resolved, total_us),) = rows
    if not resolved:
        return None
    return timedelta(microseconds=round(int(total_us) / int(resolved)))


def tickets_in_column(column_id: Any, project_id: Any) -> Coalesce:
    """An expression: how many tickets the board column ``column_id`` of ``project_id``
    (``OuterRef``s, say) holds, read from the project's per-group counts through their
    index (a few hundred rows, not the board's cards)."""
    from .models import TicketCount

    per_column = (
        TicketCount.objects.filter(project_id=project_id, column_id=column_id)
        .order_by()
        .values("column_id")
        .annotate(total=Sum("n"))
        .values("total")
    )
    return Coalesce(Subquery(per_column, output_field=IntegerField()), 0)
