"""Project blueprints: the roles, workflow, columns and priorities a new project starts with.

Each surface's document implies one; ``project_create`` turns a blueprint into rows that then
belong to the project. Permission names are the small vocabulary of
``tessera.core.projects.permissions``.
"""

from __future__ import annotations

from .base import Blueprint, ColumnSpec, StateSpec, TransitionSpec
from .boards import BOARDS
from .servicedesk import SERVICEDESK
from .support import SUPPORT
from .workshop import WORKSHOP

BLUEPRINTS: dict[str, Blueprint] = {bp.key: bp for bp in (WORKSHOP, SUPPORT, SERVICEDESK, BOARDS)}


def get_blueprint(key: str) -> Blueprint:
    return BLUEPRINTS[key]


__all__ = ["BLUEPRINTS", "Blueprint", "ColumnSpec", "StateSpec", "TransitionSpec", "get_blueprint"]
