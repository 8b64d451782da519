"""Django REST Framework's page-number pagination with ``page_size`` capped at 100.

A caller may say how to count (``count=``): a ticket list counts its filtered queryset with
``tickets.counts.ticket_count`` (exact, from the per-group counts when it can) instead of
``COUNT(*)`` over the page's queryset with every join its rows need.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property

from django.core.paginator import Paginator
from rest_framework.pagination import PageNumberPagination


class CountedPaginator(Paginator):
    def __init__(self, *args, count: Callable[[], int] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._count = count

    @cached_property
    def count(self) -> int:
        return self._count() if self._count is not None else super().count


class StandardPagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def paginate_queryset(self, queryset, request, view=None, *, count=None):
        if count is None:
            self.django_paginator_class = Paginator
        else:
            self.django_paginator_class = lambda *a, **kw: CountedPaginator(*a, count=count, **kw)
        return super().paginate_queryset(queryset, request, view)

    def depth(self, request) -> int | None:
        """How many rows the pages up to the requested one show (page × page size); None
        when the page is not a plain number (the paginator answers that one)."""
        return page_depth(
            request.query_params.get(self.page_query_param), self.get_page_size(request)
        )


def page_depth(page: str | None, page_size: int | None) -> int | None:
    """Rows shown up to page ``page`` (a query parameter; absent: the first) of
    ``page_size`` rows; None when either is not a positive number."""
    try:
        number = int(page or 1)
    except ValueError:
        return None
    if number < 1 or not page_size:
        return None
    return number * page_size
