"""Boards speaks Django REST Framework's own error bodies (see tessera.surfaces.drf)."""

from __future__ import annotations

from tessera.core.common.errors import TesseraError
from tessera.surfaces.drf import as_drf_exception


def raise_as_drf(exc: TesseraError):
    raise as_drf_exception(exc)
