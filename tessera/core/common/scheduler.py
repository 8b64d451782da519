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


def enqueue_due(last: dict[str, float], *, now: float, force: bool = False) -> list[str]:
    """Enqueue every periodic task whose interval has passed since ``last[name]`` (all of
    them with ``force``); updates ``last`` and returns the names enqueued. Shared by
    ``manage.py run_scheduler`` and the development server's embedded scheduler."""
    enqueued = []
    for name, spec in sorted(PERIODIC.items()):
        if force or now - last.get(name, -1e9) >= spec.every_seconds:
            spec.task.enqueue()
            last[name] = now
            enqueued.append(name)
    return enqueued
