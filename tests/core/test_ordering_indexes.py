"""Every ordering a list offers is read from an index (the brief: "indexes for every filter
and ordering offered"): the terms of each ordering, up to its id tie-break, lead some index
of the table (or its primary key, a unique or an indexed field), so a page sorts nothing
but runs of equal values. Without one, PostgreSQL sorted every ticket of a blueprint for a
page of twenty (docs/performance.md, "Fifteenth round")."""

from __future__ import annotations

import pytest
from django.db import models

from tessera.core.tickets.models import Ticket
from tessera.core.workshop import selectors as workshop
from tessera.core.workshop.models import InventoryItem, TicketMetrics
from tessera.surfaces.boards.tickets import TICKET_ORDERING as BOARDS_ORDERING
from tessera.web.selectors import SORTS as WEB_SORTS


def _indexed_prefixes(model: type[models.Model]) -> list[tuple[str, ...]]:
    """The column lists an index of ``model`` orders by, directions dropped."""
    meta = model._meta
    found: list[tuple[str, ...]] = [(meta.pk.name,)]
    for index in meta.indexes:
        if index.condition is None:
            found.append(tuple(f.lstrip("-") for f in index.fields))
    for constraint in meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and constraint.condition is None:
            found.append(tuple(constraint.fields))
    for field in meta.concrete_fields:
        if field.db_index or field.unique:
            found.append((field.name,))
    return found


def _served(model: type[models.Model], terms: tuple[str, ...], tie: str = "id") -> bool:
    # field names, whether a term names the field or its column (``project_id``)
    names = [model._meta.get_field(t.lstrip("-")).name for t in terms]
    if len(names) > 1 and names[-1] == tie:
        names = names[:-1]  # ties by id within a run of equal values: a small sort
    return any(tuple(names[: len(p)]) == p[: len(names)] for p in _indexed_prefixes(model))


def _on_metrics(term: str) -> str:
    """A ticket ordering term as the metrics table names it (``id`` is its ``ticket``)."""
    sign, name = ("-", term[1:]) if term.startswith("-") else ("", term)
    return sign + ("ticket" if name == "id" else name.removeprefix("workshop__"))


def _orderings() -> list[tuple[str, type[models.Model], tuple[str, ...], str]]:
    cases = []
    for name, terms in workshop.INVENTORY_ORDERINGS.items():
        cases.append((f"workshop items {name}", InventoryItem, terms, "id"))
    for name, terms in workshop.TICKET_ORDERINGS.items():
        if any(t.lstrip("-").startswith("workshop__") for t in terms):
            # walked from the metrics, the ticket id being the metrics row's key
            metric = tuple(_on_metrics(t) for t in terms)
            cases.append((f"workshop tickets {name}", TicketMetrics, metric, "ticket"))
        else:
            cases.append((f"workshop tickets {name}", Ticket, terms, "id"))
    for name, field in BOARDS_ORDERING.items():
        terms = field if isinstance(field, tuple) else (field, "id")
        cases.append((f"boards tickets {name}", Ticket, terms, "id"))
    for name, terms in WEB_SORTS.items():
        cases.append((f"web workspace {name}", Ticket, terms, "id"))
    return cases


ORDERINGS = _orderings()


@pytest.mark.parametrize(
    ("label", "model", "terms", "tie"), ORDERINGS, ids=[c[0] for c in ORDERINGS]
)
def test_each_offered_ordering_leads_an_index(label, model, terms, tie):
    assert _served(model, terms, tie), f"{label}: no index leads with {terms}"
