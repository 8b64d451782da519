"""``field__in_array=<subquery>``: membership in a small table's ids, planned as a value.

On PostgreSQL ``col = ANY(ARRAY(SELECT …))``: the subquery runs once (an InitPlan) and the
outer query sees a list of values, as if the ids had been written out. ``col IN (SELECT …)``
instead becomes a semi-join, one more relation in the join search; with the joins a list
page needs for display, that search cost ~50 ms of planning per request at eight relations
(measured with ``bench/profile_request.py``). Elsewhere (SQLite) it is a plain ``IN (SELECT …)``.
"""

from __future__ import annotations

from django.db.models import Field, ForeignObject
from django.db.models.lookups import In


class InArray(In):
    lookup_name = "in_array"

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        if not rhs.startswith("("):
            rhs = f"({rhs})"
        return f"{lhs} = ANY(ARRAY{rhs})", (*lhs_params, *rhs_params)


Field.register_lookup(InArray)
ForeignObject.register_lookup(InArray)  # related fields keep their own lookup table
