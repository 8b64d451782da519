"""Background work of the support pipeline on the Django Tasks API.

One task per step run (``run_triage_step``): each claims its step, runs it, records the
outcome and queues the next step. ``resume_stalled_triage`` runs periodically and picks up
steps left by a killed worker or a lost queue entry.
"""

from __future__ import annotations

from django_tasks import task

from .services import triage_resume_stalled, triage_step_run


@task()
def run_triage_step(ticket_id: int, step: str) -> str:
    return triage_step_run(ticket_id=ticket_id, name=step)


@task()
def resume_stalled_triage() -> int:
    return triage_resume_stalled()
