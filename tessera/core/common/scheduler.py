"""Periodic work: contexts register tasks with an interval; ``manage.py run_scheduler``
enqueues each when due. Tasks must be idempotent (a late or doubled run does no harm)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

PERIODIC: dict[str, PeriodicTask] = {}


@dataclass(frozen=True)
class PeriodicTask:
    name: str
    task: Any  # a django_tasks Task
    every_seconds: int


def register_periodic(name: str, task: Any, every_seconds: int) -> None:
    PERIODIC[name] = PeriodicTask(name, task, every_seconds)
