"""A small ORM query compiled once per thread and database, then run with new values.

Building and compiling a queryset costs more than PostgreSQL takes to answer a small one:
``User.objects.get(pk=…)`` spent ~0.44 ms of which ~0.23 ms was Python building and
compiling the same SQL again (bench database, docs/performance.md "Ninth round"). Every
API request authenticates its user that way, and every list reads the actor's memberships
or the blueprint's projects. ``Prepared`` compiles the query once with stand-in values,
finds where they landed in the parameters, and afterwards only substitutes the values and
runs the SQL (with the ORM's converters applied, so a datetime is aware on SQLite too).
The statement text never changes, so PostgreSQL's prepared plan is reused as well.

Only ``values_list()`` queries (of any model, joins allowed) and whole model rows
(``instances``, with the rows of ``select_related`` relations attached) are offered; a
query whose stand-in is not among its parameters (the ORM folded it into the SQL text) is
refused when it is first compiled, and one found several times (a union whose parts each
take it) is put in each place. The compiled state is per thread: a compiler holds its
connection. ``insert_row`` (below) does the same for the INSERT of one new row.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.models import signals
from django.db.models.query import (
    FlatValuesListIterable,
    ModelIterable,
    QuerySet,
    ValuesListIterable,
    get_related_populators,
)
from django.db.models.sql import InsertQuery

# Stand-ins no real value equals: ids below any sequence, text no request can send (NUL),
# UUIDs of a version no generator makes (the variant bits of a fixed, random-looking base).
_INT_STAND_IN = -8_237_461_923_551
_STR_STAND_IN = "\x00tessera-stand-in-"
_UUID_STAND_IN = 0x5A1D_0000_0000_0000_0000_7E55_E8A0_0000


def _stand_in(kind: type, index: int) -> Any:
    if kind is int:
        return _INT_STAND_IN - index
    if kind is str:
        return f"{_STR_STAND_IN}{index}"
    if kind is uuid.UUID:
        return uuid.UUID(int=_UUID_STAND_IN + index)
    raise TypeError(f"a prepared query takes int, str or UUID arguments, not {kind!r}")


def _slot_form(param: Any, value: Any) -> str | None:
    """How a stand-in landed in the compiled parameters: as itself, or (a UUID on a
    database without a native UUID type, SQLite) as its 32-digit hex."""
    if type(param) is type(value) and param == value:
        return "same"
    if isinstance(value, uuid.UUID) and param == value.hex:
        return "hex"
    return None


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: list
    slots: list[list[tuple[int, str]]]  # where each argument goes, and in which form
    compiler: Any
    model: type[models.Model]
    shape: str  # "flat", "tuples" or "instances"
    names: tuple[str, ...]  # a values_list()'s field names, in order
    converters: dict  # the compiler's converters of the selected columns, found once


class Prepared:
    """``Prepared(build, int, str, …)``: ``build(*values)`` returns the queryset; the
    types name its arguments. ``rows(*values)`` → its rows as ``values_list()`` would
    give them (flat or not); ``instances(*values)`` for a plain model query."""

    def __init__(self, build: Callable[..., QuerySet], *kinds: type) -> None:
        self.build = build
        self.kinds = kinds
        self._local = threading.local()

    def _compiled(self, alias: str) -> _Compiled:
        cache = getattr(self._local, "by_alias", None)
        if cache is None:
            cache = self._local.by_alias = {}
        entry = cache.get(alias)
        if entry is None:
            entry = cache[alias] = self._compile(alias)
        return entry

    def _compile(self, alias: str) -> _Compiled:
        stand_ins = [_stand_in(kind, i) for i, kind in enumerate(self.kinds)]
        qs = self.build(*stand_ins).using(alias)
        compiler = qs.query.get_compiler(alias)
        sql, params = compiler.as_sql()
        slots = []
        for value in stand_ins:
            found = [
                (i, form) for i, param in enumerate(params) if (form := _slot_form(param, value))
            ]
            if not found:
                raise ValueError(f"stand-in {value!r} is not a parameter of {sql}")
            slots.append(found)  # once, or once per part of a union
        if qs._iterable_class is FlatValuesListIterable:
            shape = "flat"
        elif qs._iterable_class is ValuesListIterable:
            shape = "tuples"
        elif (
            qs._iterable_class is ModelIterable
            and not qs.query.annotation_select
            and not qs.query.extra_select
            and qs.query.deferred_loading == (frozenset(), True)
            and compiler.klass_info["model"] is qs.model
        ):
            shape = "instances"
        else:
            raise TypeError("a prepared query is a values_list() or whole rows of one model")
        names: tuple[str, ...] = ()
        if shape == "tuples":
            # The compiler reads extra columns, then fields, then annotations; the
            # values_list() must have asked for them in that order (annotations last).
            query = qs.query
            names = (*query.extra_select, *query.values_select, *query.annotation_select)
            if qs._fields and tuple(qs._fields) != names:
                raise TypeError("a prepared values_list() names its annotations last")
        columns = [select[0] for select in compiler.select[0 : compiler.col_count]]
        if compiler.has_composite_fields(columns):
            raise TypeError("a prepared query does not read composite fields")
        # What ``results_iter`` works out at every call (~0.05 ms a query in process).
        converters = compiler.get_converters(columns)
        return _Compiled(sql, list(params), slots, compiler, qs.model, shape, names, converters)

    def _fetch(self, values: tuple, alias: str, *shapes: str) -> tuple[_Compiled, list]:
        compiled = self._compiled(alias)
        if compiled.shape not in shapes:
            raise TypeError(f"this prepared query reads {compiled.shape}, not {shapes}")
        bound = list(compiled.params)
        for places, value in zip(compiled.slots, values, strict=True):
            for slot, form in places:
                bound[slot] = value.hex if form == "hex" else value
        with connections[alias].cursor() as cursor:
            cursor.execute(compiled.sql, bound)
            fetched = cursor.fetchall()
        if compiled.converters:
            return compiled, list(compiled.compiler.apply_converters(fetched, compiled.converters))
        return compiled, fetched

    def rows(self, *values: Any, using: str = DEFAULT_DB_ALIAS) -> list:
        """The rows as ``values_list()`` gives them (flat or tuples)."""
        compiled, rows = self._fetch(values, using, "flat", "tuples")
        if compiled.shape == "flat":
            return [row[0] for row in rows]
        return [tuple(row) for row in rows]

    def dicts(self, *values: Any, using: str = DEFAULT_DB_ALIAS) -> list[dict[str, Any]]:
        """The rows as ``values()`` gives them: a ``values_list()`` of several columns, each
        row a dict keyed by the names the query was built with."""
        compiled, rows = self._fetch(values, using, "tuples")
        names = compiled.names
        return [dict(zip(names, row, strict=True)) for row in rows]

    def instances(self, *values: Any, using: str = DEFAULT_DB_ALIAS) -> list[models.Model]:
        """Model instances of a query of one model (no annotations, no deferred fields),
        each with its ``select_related`` relations attached, as the queryset builds them."""
        compiled, rows = self._fetch(values, using, "instances")
        compiler = compiled.compiler
        klass_info, select = compiler.klass_info, compiler.select
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        names = [column[0].target.attname for column in select[start:end]]
        populators = get_related_populators(klass_info, select, using)
        found = []
        for row in rows:
            obj = compiled.model.from_db(using, names, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            found.append(obj)
        return found

    def first(self, *values: Any, using: str = DEFAULT_DB_ALIAS) -> models.Model | None:
        """The first of ``instances(*values)`` (the query's own order), or None."""
        found = self.instances(*values, using=using)
        return found[0] if found else None


# ---- one new row, its INSERT compiled once ---------------------------------------------------
#
# ``Model.save(force_insert=True)`` and ``objects.create()`` build and compile the INSERT of
# every field at each call: for an event ~0.7 ms of its ~1.5 (stop 25's machine, in process).
# ``insert_row`` compiles it once per model, thread and database, then only computes each
# field's value as the ORM does (``pre_save``, ``get_db_prep_save``) and runs the statement.


@dataclass(frozen=True)
class _CompiledInsert:
    sql: str
    fields: list
    returning: tuple
    compiler: Any
    converters: dict


_inserts = threading.local()


def _compiled_insert(obj: models.Model, alias: str) -> _CompiledInsert | None:
    """The model's compiled INSERT, or None where the ORM must write the row itself: a model
    with parents or ``order_with_respect_to``, or a field with a placeholder of its own."""
    model = type(obj)
    cache = getattr(_inserts, "by_key", None)
    if cache is None:
        cache = _inserts.by_key = {}
    pk_set = obj.pk is not None
    key = (model, alias, pk_set)
    if key in cache:
        return cache[key]
    meta = model._meta
    entry = None
    fields = [
        f
        for f in meta.local_concrete_fields
        if not f.generated and (pk_set or f is not meta.auto_field)
    ]
    if (
        not meta.parents
        and not meta.order_with_respect_to
        and not any(hasattr(f, "get_placeholder") for f in fields)
    ):
        query = InsertQuery(model)
        query.insert_values(fields, [obj])
        compiler = query.get_compiler(alias)
        compiler.returning_fields = meta.db_returning_fields
        (sql, _params), *more = compiler.as_sql()
        if not more:
            columns = [f.get_col(meta.db_table) for f in compiler.returning_fields]
            entry = _CompiledInsert(
                sql,
                fields,
                tuple(compiler.returning_fields),
                compiler,
                compiler.get_converters(columns),
            )
    cache[key] = entry
    return entry


def insert_row(obj: models.Model, using: str = DEFAULT_DB_ALIAS) -> None:
    """Insert the new ``obj`` as ``obj.save(force_insert=True)`` would (its primary key and
    other returned fields set, ``_state`` saved; a primary key set beforehand is inserted),
    the statement compiled once. Not through the model's ``save()``: for models whose
    ``save()`` adds nothing to an insert. Where the ORM must write the row itself (signal
    receivers, a value that is an expression, a model with parents) it does."""
    obj._prepare_related_fields_for_save(operation_name="save")  # as save() does first
    compiled = None
    model = type(obj)
    if not (
        signals.pre_save.has_listeners(model) or signals.post_save.has_listeners(model)
    ) and not any(
        hasattr(getattr(obj, f.attname, None), "resolve_expression")
        for f in model._meta.local_concrete_fields
    ):
        compiled = _compiled_insert(obj, using)
    if compiled is None:
        obj.save(force_insert=True, using=using)
        return
    compiler = compiled.compiler
    params = [compiler.prepare_value(f, compiler.pre_save_val(f, obj)) for f in compiled.fields]
    if any(hasattr(value, "as_sql") for value in params):
        obj.save(force_insert=True, using=using)
        return
    connection = connections[using]
    with transaction.mark_for_rollback_on_error(using), connection.cursor() as cursor:
        cursor.execute(compiled.sql, params)
        if compiled.returning:
            if connection.features.can_return_columns_from_insert:
                row = connection.ops.fetch_returned_insert_columns(
                    cursor, compiler.returning_params
                )
            else:
                row = (
                    connection.ops.last_insert_id(
                        cursor, model._meta.db_table, compiled.returning[0].column
                    ),
                )
            if compiled.converters:
                row = next(iter(compiler.apply_converters([row], compiled.converters)))
            for value, field in zip(row, compiled.returning, strict=True):
                setattr(obj, field.attname, value)
    obj._state.adding = False
    obj._state.db = using
