"""A loaded model instance as the row ``values()`` would have read for it.

Pages read plain ``values()`` rows and render them with plain functions; a single object
a write service returns (or a detail loaded as a model) renders through the same
functions once it is turned into the same row here, so there is one rendering per shape.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ObjectDoesNotExist


def row_of(obj: Any, columns: Iterable[str]) -> dict[str, Any]:
    """``{column: value}`` for ``values()`` names (``"id"``, ``"project_id"``,
    ``"created_by__email"``, ``"workshop__inventory_item__name"``) read from ``obj`` and
    the relations it has loaded: no query when they are joined. An empty relation (a null
    foreign key, or a reverse one-to-one without its row) reads as None, as the outer join
    of ``values()`` does."""
    row: dict[str, Any] = {}
    for name in columns:
        value = obj
        for part in name.split("__"):
            try:
                value = getattr(value, part)
            except ObjectDoesNotExist:
                value = None
            if value is None:
                break
        row[name] = value
    return row
