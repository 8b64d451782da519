"""The one clock of the domain, so tests can move time (midnight, DST) without sleeping."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import datetime

from django.utils import timezone

_frozen: list[datetime] = []


def now() -> datetime:
    """Current aware UTC time, or the time a test froze with ``frozen_at``."""
    if _frozen:
        return _frozen[-1]
    return timezone.now()


@contextlib.contextmanager
def frozen_at(moment: datetime) -> Iterator[None]:
    """Freeze ``now()`` at ``moment`` (aware) for the duration of the block; nestable."""
    if timezone.is_naive(moment):
        raise ValueError("frozen_at needs an aware datetime")
    _frozen.append(moment)
    try:
        yield
    finally:
        _frozen.pop()


def set_frozen(moment: datetime | None) -> None:
    """Replace the frozen time (tests that step the clock); None unfreezes."""
    _frozen.clear()
    if moment is not None:
        _frozen.append(moment)
