"""How many rows a requested page ends at: a search reads that many of its newest matches
(``tickets.counts.with_matches_counted``), so a wrong depth would show a wrong page."""

from __future__ import annotations

import pytest
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from tessera.core.common.pagination import StandardPagination, page_depth


@pytest.mark.parametrize(
    ("page", "size", "depth"),
    [(None, 20, 20), ("", 20, 20), ("1", 20, 20), ("3", 25, 75), ("0", 20, None),
     ("-2", 20, None), ("last", 20, None), ("2.5", 20, None), ("2", 0, None)],
)  # fmt: skip
def test_page_depth(page, size, depth):
    assert page_depth(page, size) == depth


@pytest.mark.parametrize(
    ("query", "depth"),
    [("", 20), ("?page=2", 40), ("?page=2&page_size=50", 100), ("?page_size=500", 100),
     ("?page=last", None)],
)  # fmt: skip
def test_the_api_paginator_says_its_depth(query, depth):
    request = Request(APIRequestFactory().get(f"/api/x/{query}"))
    assert StandardPagination().depth(request) == depth
