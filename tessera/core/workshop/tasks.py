"""Background work of the workshop (Django Tasks API)."""

from __future__ import annotations

from django_tasks import task

from .services import work_session_auto_resume_due


@task()
def auto_resume_paused_sessions() -> int:
    """Write the ``auto_resume`` event of every paused session whose technician's pause
    budget has run out (idempotent: a late or doubled run writes nothing twice)."""
    return work_session_auto_resume_due()
