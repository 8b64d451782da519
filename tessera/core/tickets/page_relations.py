"""The assignees and tags of a page of tickets, in fixed SQL (and,
``values_by_ticket_together``, the columns of other models keyed by ticket: the
workshop's part specs and sessions).

Every list page of a surface reads these two relations for its (already visible) tickets.
Through the ORM each read built a queryset and compiled it per request: ~1.5 ms of Python
per relation and page at 1,000,000 tickets, a quarter of a service-desk list request
(docs/performance.md, "Fifth round"). Here each statement is built once per process from
the models' metadata (table and column names follow the models) and takes the ticket ids
as one parameter, so its text never changes: PostgreSQL keeps one prepared plan for it
(``ticket_id = ANY(%s)``), SQLite reads the ids from a JSON array (``json_each``).

No visibility rule lives here: the caller passes ids of tickets it has already shown.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any, NamedTuple

from django.contrib.auth import get_user_model
from django.db import connection, models

from .models import Tag, Ticket, TicketAssignment

# A value read here skips the ORM's converters; ``to_python`` restores the field's type
# (a UUID stored as text on SQLite). Date and time fields would need the database
# converters' time-zone handling, so they are not offered.
_PLAIN_TYPES = (
    models.AutoField,
    models.BigAutoField,
    models.IntegerField,
    models.CharField,
    models.TextField,
    models.EmailField,
    models.UUIDField,
    models.BooleanField,
)


def _ids_condition(column: str) -> str:
    """``column`` is one of the ids in the statement's only parameter."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)"
    return f"{column} IN (SELECT value FROM json_each(%s))"


def _ids_param(ticket_ids: Sequence[int]) -> Any:
    ids = [int(i) for i in ticket_ids]
    return ids if connection.vendor == "postgresql" else json.dumps(ids)


def _rows(sql: str, ticket_ids: Sequence[int]) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, [_ids_param(ticket_ids)])
        return cursor.fetchall()


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _assignment_source(user_columns: tuple[str, ...]) -> tuple[str, str, str, str]:
    """The tickets' assignments as ``(FROM clause, ticket id column, order columns,
    selected columns)``: the order they were made in (``assigned_at``, then id), and the
    user's ``user_columns`` (the user table joined) or, with none, the user's id."""
    meta = TicketAssignment._meta
    a = _q(meta.db_table)
    ticket = f"{a}.{_q(meta.get_field('ticket').column)}"
    user_id = f"{a}.{_q(meta.get_field('user').column)}"
    order = f"{a}.{_q(meta.get_field('assigned_at').column)}, {a}.{_q(meta.pk.column)}"
    if not user_columns:
        return a, ticket, order, user_id
    user_meta = get_user_model()._meta
    u = _q(user_meta.db_table)
    selected = ", ".join(f"{u}.{_q(c)}" for c in user_columns)
    return (
        f"{a} INNER JOIN {u} ON ({u}.{_q(user_meta.pk.column)} = {user_id})",
        ticket,
        order,
        selected,
    )


@lru_cache(maxsize=8)
def _assignments_sql(vendor: str, user_columns: tuple[str, ...]) -> str:
    """``ticket_id, <user columns>`` of the tickets' assignments in the order they were
    made."""
    source, ticket, order, selected = _assignment_source(user_columns)
    return (
        f"SELECT {ticket}, {selected} FROM {source} WHERE {_ids_condition(ticket)} ORDER BY {order}"
    )


@lru_cache(maxsize=8)
def _assignments_and_tags_sql(vendor: str, user_columns: tuple[str, ...]) -> str:
    """The assignments (``_assignment_source``) and the tags as the two parts of one
    ``UNION ALL``: rows of ``part (0: assignment, 1: tag), ticket_id, assigned_at,
    assignment id, tag name, tag id, <user columns>`` (``user_columns`` empty: the user's
    id), each part in its own order (assignments as made, tags by name)."""
    source, ticket, order, selected = _assignment_source(user_columns)
    assignments = (
        f"SELECT 0, {ticket}, {order}, NULL, NULL, {selected} FROM {source} "
        f"WHERE {_ids_condition(ticket)}"
    )
    through = Ticket.tags.through._meta
    tt = _q(through.db_table)
    t = _q(Tag._meta.db_table)
    tag_ticket = f"{tt}.{_q(through.get_field('ticket').column)}"
    tag_id = f"{tt}.{_q(through.get_field('tag').column)}"
    name = f"{t}.{_q(Tag._meta.get_field('name').column)}"
    empty = ", ".join(["NULL"] * max(len(user_columns), 1))
    tags = (
        f"SELECT 1, {tag_ticket}, NULL, NULL, {name}, {tag_id}, {empty} FROM {tt} "
        f"INNER JOIN {t} ON ({tag_id} = {t}.{_q(Tag._meta.pk.column)}) "
        f"WHERE {_ids_condition(tag_ticket)}"
    )
    return f"{assignments} UNION ALL {tags} ORDER BY 1, 3, 4, 5, 6"


def _user_fields(names: Iterable[str]) -> list[models.Field]:
    user_meta = get_user_model()._meta
    fields = []
    for name in names:
        field = user_meta.get_field(name)
        if not isinstance(field, _PLAIN_TYPES) or field.is_relation:
            raise ValueError(f"first_assignees cannot read the user field {name!r}")
        fields.append(field)
    return fields


def _user_values(
    names: tuple[str, ...], fields: list[models.Field], values: Sequence[Any]
) -> dict[str, Any]:
    """A user's columns as read here, by name, each of its field's type."""
    return {
        name: None if value is None else field.to_python(value)
        for name, field, value in zip(names, fields, values, strict=True)
    }


def assignees_and_tag_names(
    ticket_ids: Sequence[int], *fields: str
) -> tuple[dict[int, list[Any]], dict[int, list[str]]]:
    """The assignees of each ticket in the order they were assigned (dicts of the user's
    ``fields``, as ``first_assignees`` reads them; no ``fields``: the user ids) and its tag
    names sorted by name, in one query."""
    assignees: dict[int, list[Any]] = {}
    tags: dict[int, list[str]] = {}
    if not ticket_ids:
        return assignees, tags
    user_fields = _user_fields(fields)
    sql = _assignments_and_tags_sql(connection.vendor, tuple(f.column for f in user_fields))
    ids = _ids_param(ticket_ids)
    with connection.cursor() as cursor:
        cursor.execute(sql, [ids, ids])
        rows = cursor.fetchall()
    for part, ticket_id, _when, _id, name, _tag_id, *values in rows:
        if part == 1:
            tags.setdefault(ticket_id, []).append(name)
        elif fields:
            assignees.setdefault(ticket_id, []).append(_user_values(fields, user_fields, values))
        else:
            assignees.setdefault(ticket_id, []).append(values[0])
    return assignees, tags


def first_assignees(ticket_ids: Sequence[int], *fields: str) -> dict[int, dict[str, Any]]:
    """The first assignee of each ticket, as a dict of the user's ``fields`` (plain
    fields: ids, text, UUIDs, flags): one query, for single-assignee documents."""
    found: dict[int, dict[str, Any]] = {}
    if not ticket_ids:
        return found
    user_fields = _user_fields(fields)
    sql = _assignments_sql(connection.vendor, tuple(f.column for f in user_fields))
    for ticket_id, *values in _rows(sql, ticket_ids):
        if ticket_id not in found:
            found[ticket_id] = _user_values(fields, user_fields, values)
    return found


class TicketValues(NamedTuple):
    """One read of ``values_by_ticket_together``: ``(ticket id, *names)`` of the ``model``
    rows whose ``key`` (a foreign key to the ticket) is one of the ticket ids, ordered by
    ``order``."""

    model: type[models.Model]
    names: tuple[str, ...]
    key: str = "ticket"
    order: tuple[str, ...] = ("id",)


@lru_cache(maxsize=16)
def _together_sql(vendor: str, reads: tuple[TicketValues, ...]) -> str:
    """The reads as the parts of one ``UNION ALL``. A row is ``part``, then for each read
    its key, order and value columns, NULL (of the column's type) outside its own part;
    ``ORDER BY`` the part, then each read's order columns."""
    layouts = []
    for read in reads:
        meta = read.model._meta
        layouts.append([meta.get_field(n) for n in (read.key, *read.order, *read.names)])
    order_positions: list[str] = []
    position = 2  # after the part
    for read, fields in zip(reads, layouts, strict=True):
        order_positions += [str(position + 1 + i) for i in range(len(read.order))]
        position += len(fields)
    parts = []
    for number, (read, own) in enumerate(zip(reads, layouts, strict=True)):
        table = _q(read.model._meta.db_table)
        columns = [str(number)]
        for other, fields in zip(reads, layouts, strict=True):
            for field in fields:
                if other is read:
                    columns.append(f"{table}.{_q(field.column)}")
                else:
                    columns.append(f"CAST(NULL AS {field.cast_db_type(connection)})")
        key = f"{table}.{_q(own[0].column)}"
        parts.append(f"SELECT {', '.join(columns)} FROM {table} WHERE {_ids_condition(key)}")
    return " UNION ALL ".join(parts) + f" ORDER BY 1, {', '.join(order_positions)}"


def values_by_ticket_together(ticket_ids: Sequence[int], *reads: TicketValues) -> list[list[tuple]]:
    """The rows of each read, as ``values_list`` would give them without compiling a query
    (each value through the converters the ORM would apply, the database's and the
    field's, so a datetime is aware on SQLite too), all in one statement: a list of rows
    per read."""
    found: list[list[tuple]] = [[] for _ in reads]
    if not ticket_ids:
        return found
    spans = []  # per read: (first column of its key, its value columns' converters)
    start = 1
    for read in reads:
        meta = read.model._meta
        converters = []
        value_start = start + 1 + len(read.order)
        for index, name in enumerate(read.names):
            field = meta.get_field(name)
            col = field.get_col(meta.db_table)
            found_converters = connection.ops.get_db_converters(col) + field.get_db_converters(
                connection
            )
            if found_converters:
                converters.append((index + 1, col, found_converters))
        spans.append((start, value_start, len(read.names), converters))
        start = value_start + len(read.names)
    ids = _ids_param(ticket_ids)
    with connection.cursor() as cursor:
        cursor.execute(_together_sql(connection.vendor, tuple(reads)), [ids] * len(reads))
        rows = cursor.fetchall()
    for row in rows:
        part = row[0]
        key_at, value_at, count, converters = spans[part]
        values = [row[key_at], *row[value_at : value_at + count]]
        for index, col, convert_all in converters:
            for convert in convert_all:
                values[index] = convert(values[index], col, connection)
        found[part].append(tuple(values))
    return found
