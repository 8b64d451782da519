"""Periodic service-desk work on the Django Tasks API."""

from __future__ import annotations

from django_tasks import task

from .services import sla_breaches_notify


@task()
def sla_check() -> int:
    """Mark and notify tickets past their due date (idempotent: each ticket once)."""
    return sla_breaches_notify()
