"""Reads of the integrations feed (document 004, ``surfaces/feed``): its tickets as plain
rows, a page of them in key order, one ticket's row. No visibility rule lives here: the
caller passes a query of the tickets its token's user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from tessera.core.common.prepared import Prepared

from .counts import ticket_count
from .models import Ticket
from .selectors import in_id_order, narrow_count_and_page, with_unique_numbers

# What the feed's serializer reads: a page of 100 selects ~25 columns in one query.
FEED_ROW = (
    "id",
    "project_id",
    "number",
    "title",
    "description",
    "priority",
    "location",
    "department",
    "created_at",
    "updated_at",
    "resolved_at",
    "closed_at",
    "version",
    "created_by_id",
    "category_id",
    "project__key",
    "project__template",
    "state__name",
    "state__category",
    "category__name",
    "created_by__username",
    "created_by__first_name",
    "created_by__last_name",
    "number_owner_id",
)

# At most this many changed tickets: read them through the updated_at index and sort (one
# aggregate: ~35 ms for 65,000 and ~100 ms for 200,000 at 1M). Past it the page walks the
# tickets in key order, which passes every older ticket when recent changes are mostly
# recent tickets: 200 ms at 1M, where a 30-day window had outgrown 50,000 (stop 22).
NARROW_WINDOW = 200_000


def feed_rows(qs: QuerySet[Ticket]) -> QuerySet[dict[str, Any]]:
    """The tickets of ``qs`` as the plain rows the serializer reads (``FEED_ROW``), in one
    query for the page; the first assignee's name comes from the serializer's page read
    (one more query, whatever the size)."""
    return with_unique_numbers(qs).values(*FEED_ROW)


def feed_page(
    qs: QuerySet[Ticket], *, offset: int, size: int, narrow: bool
) -> tuple[int, list[dict[str, Any]]]:
    """``(count, rows)`` of the page ``[offset : offset + size]`` of ``qs`` in key order.
    ``narrow``: ``qs`` keeps few tickets through its own index (a poll for recent changes),
    so count them and take the page's ids in one read of that index, then read the page's
    rows, the joins run for one page only (``narrow_count_and_page``)."""
    window = (
        narrow_count_and_page(qs, offset=offset, size=size, cap=NARROW_WINDOW) if narrow else None
    )
    if window is not None:
        total, ids = window
        if not ids:
            return total, []
        return total, list(feed_rows(Ticket.objects.filter(pk__in=ids)).order_by("id"))
    total = ticket_count(qs)
    if offset >= total:
        return total, []
    return total, list(feed_rows(in_id_order(qs))[offset : offset + size])


# One ticket's ``FEED_ROW``, compiled once (``common.prepared``): every detail request reads it.
_FEED_ROW_BY_ID = Prepared(
    lambda pk: with_unique_numbers(Ticket.objects.filter(pk=pk)).values_list(*FEED_ROW), int
)


def feed_row(ticket_id: int) -> dict[str, Any]:
    """One ticket's ``FEED_ROW`` (``DoesNotExist`` when no ticket has the id)."""
    found = _FEED_ROW_BY_ID.dicts(ticket_id)
    if not found:
        raise Ticket.DoesNotExist
    return found[0]
