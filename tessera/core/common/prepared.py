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
(``instances``, with the rows of ``select_related`` relations attached) are offered; a query whose stand-in is not found exactly once in its
parameters (the ORM folded it into the SQL text, or it appears twice) is refused when it
is first compiled. The compiled state is per thread: a compiler holds its connection.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models.query import (
    FlatValuesListIterable,
    ModelIterable,
    QuerySet,
    ValuesListIterable,
    get_related_populators,
)

# Stand-ins no real value equals: ids below any sequence, text no request can send (NUL).
_INT_STAND_IN = -8_237_461_923_551
_STR_STAND_IN = "\x00tessera-stand-in-"


def _stand_in(kind: type, index: int) -> Any:
    if kind is int:
        return _INT_STAND_IN - index
    if kind is str:
        return f"{_STR_STAND_IN}{index}"
    raise TypeError(f"a prepared query takes int or str arguments, not {kind!r}")


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: list
    slots: list[int]
    compiler: Any
    model: type[models.Model]
    shape: str  # "flat", "tuples" or "instances"
    names: tuple[str, ...]  # a values_list()'s field names, in order


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
            found = [i for i, param in enumerate(params) if param == value]
            if len(found) != 1:
                raise ValueError(f"stand-in {value!r} is not one parameter of {sql}")
            slots.append(found[0])
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
        names = tuple(qs.query.values_select) if shape == "tuples" else ()
        return _Compiled(sql, list(params), slots, compiler, qs.model, shape, names)

    def _fetch(self, values: tuple, alias: str, *shapes: str) -> tuple[_Compiled, list]:
        compiled = self._compiled(alias)
        if compiled.shape not in shapes:
            raise TypeError(f"this prepared query reads {compiled.shape}, not {shapes}")
        bound = list(compiled.params)
        for slot, value in zip(compiled.slots, values, strict=True):
            bound[slot] = value
        with connections[alias].cursor() as cursor:
            cursor.execute(compiled.sql, bound)
            fetched = cursor.fetchall()
        return compiled, list(compiled.compiler.results_iter(results=[fetched]))

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
