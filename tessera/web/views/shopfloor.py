"""Shop floor of workshop projects: the technician's ticket and timer, the QC queue and the
XP leaderboard. Every rule (who may start, pause budget, QC, XP) is the workshop core's."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Case, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tessera.core.common import clock
from tessera.core.common.errors import NotFound, TesseraError
from tessera.core.tickets.counts import ticket_count
from tessera.core.workshop import conf, timer
from tessera.core.workshop import selectors as ws
from tessera.core.workshop import services as wss

from .common import error_messages, page_errors

WORK_STATES = ("ASSIGNED", "IN_PROGRESS", "REWORK")
# The technician's queue and the QC queue show this many tickets each, with how many more
# wait (a workshop of 250,000 tickets rendered whole took 25 seconds).
QUEUE_SIZE = 50

ACTIONS = {
    "start": lambda actor, t: wss.workshop_ticket_start(actor=actor, ticket=t),
    "pause": lambda actor, t: wss.work_session_pause(actor=actor, ticket=t),
    "resume": lambda actor, t: wss.work_session_resume(actor=actor, ticket=t),
    "stop": lambda actor, t: wss.work_session_stop(actor=actor, ticket=t),
    "to-qc": lambda actor, t: wss.workshop_ticket_to_waiting_qc(actor=actor, ticket=t),
    "qc-pass": lambda actor, t: wss.qc_pass(actor=actor, ticket=t),
    "qc-fail": lambda actor, t: wss.qc_fail(actor=actor, ticket=t),
}


def _context(request: HttpRequest) -> dict:
    actor = request.user
    now = clock.now()
    mine_qs = ws.ticket_list(actor=actor, technician_id=actor.pk).filter(state__key__in=WORK_STATES)
    # The ticket in progress first, then the queue oldest first; a page of it, not all.
    mine = list(
        mine_qs.order_by(Case(When(state__key="IN_PROGRESS", then=0), default=1), "pk")[:QUEUE_SIZE]
    )
    sessions = ws.current_sessions(mine)
    work = []
    for t in mine:
        session, derived = sessions.get(t.pk, (None, None))
        is_open = session is not None and derived.state != timer.STOPPED
        work.append({"ticket": t, "session": session if is_open else None, "derived": derived})
    limit = conf.pause_limit_seconds()
    remaining = timer.budget_remaining(
        ws.technician_pauses(technician_id=actor.pk, now=now),
        limit_seconds=limit,
        tz=conf.timezone(),
        now=now,
    )
    qc_ids = ws.workshop_project_ids(actor, "sign_off_qc")
    qc_queue: list = []
    qc_total = 0
    if qc_ids is None or qc_ids:
        waiting = ws.ticket_list(actor=actor, state="WAITING_QC")
        if qc_ids is not None:
            waiting = waiting.filter(project_id__in=qc_ids)
        qc_queue = list(waiting.order_by("created_at", "id")[:QUEUE_SIZE])  # oldest first
        qc_total = len(qc_queue)
        if qc_total == QUEUE_SIZE:
            qc_total = ticket_count(waiting)
    return {
        "work": work,
        "current": work[0] if work and work[0]["ticket"].state.key == "IN_PROGRESS" else None,
        "pause_remaining": max(0, int(remaining)),
        "pause_limit": limit,
        "is_technician": bool(ws.workshop_project_ids(actor, "run_work_session") != []),
        "qc_queue": qc_queue,
        "qc_hidden": qc_total - len(qc_queue),
        "work_hidden": (ticket_count(mine_qs) - len(mine)) if len(mine) == QUEUE_SIZE else 0,
        "is_inspector": qc_ids is None or bool(qc_ids),
        "leaderboard": list(ws.xp_leaderboard(actor=actor)[:10]),
        "can_intake": ws.workshop_project_ids(actor, "add_ticket") != [],
        "can_review": ws.workshop_project_ids(actor, "review_ticket") != []
        or ws.workshop_project_ids(actor, "assign_ticket") != [],
    }


@login_required
@page_errors
def shopfloor(
    request: HttpRequest, *, error: list[str] | None = None, status: int = 200
) -> HttpResponse:
    context = _context(request)
    context["errors"] = error or []
    return render(request, "web/shopfloor.html", context, status=status)


@login_required
@require_POST
@page_errors
def action(request: HttpRequest, ticket_id: int, name: str) -> HttpResponse:
    do = ACTIONS.get(name)
    if do is None:
        raise NotFound("Unknown action")
    ticket = ws.access_workshop_ticket(actor=request.user, ticket_id=ticket_id)
    try:
        do(request.user, ticket)
    except NotFound:
        raise
    except TesseraError as exc:
        return shopfloor(request, error=error_messages(exc), status=exc.status)
    return redirect("web:shopfloor")
