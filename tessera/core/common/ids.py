"""Bounds of a database id, shared by every surface's input validation and the selectors."""

from __future__ import annotations

# Every primary key is a bigint: a larger id in a URL or a body would overflow the
# database's integer (a 500 from the driver), so it is refused (or not found) up front.
MAX_ID = 2**63 - 1
