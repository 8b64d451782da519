"""Support-desk writes (document 001): create a ticket and start its triage pipeline, change
status and notes, delete; and the five pipeline steps.

Pipeline contract (see docs/surfaces/support.md):
- each step runs as its own background task (``tasks.run_triage_step``) and is *claimed*
  first: a step already final, or started by a run whose lease has not expired, is left alone;
- a step's effect and its ``succeeded`` mark are committed in one transaction, so a run
  killed mid-step leaves nothing half done and the step is simply claimed again later;
- a raised exception is a failed attempt: retried with exponential backoff up to
  ``TRIAGE_STEP_MAX_ATTEMPTS``, then the step is ``failed`` and the document's fallback
  applies (AI fails → defaults; assignment fails → unassigned; email fails → logged);
- ``triage_resume_stalled`` (periodic) re-enqueues steps whose lease expired (worker
  killed) or whose retry is due and was lost.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from html import escape
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F

from tessera.core.accounts.models import User, UserSkill
from tessera.core.audit.services import event_record
from tessera.core.common import clock
from tessera.core.common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from tessera.core.common.prepared import insert_row
from tessera.core.notifications.models import OutboundEmail
from tessera.core.notifications.services import email_enqueue, email_send_now
from tessera.core.projects import permissions
from tessera.core.projects.models import Membership, Project, StateCategory
from tessera.core.projects.services import membership_set
from tessera.core.tickets import policy
from tessera.core.tickets import services as ticket_services
from tessera.core.tickets.models import Ticket, TicketAssignment

from .models import STEP_NAMES, PipelineStatus, StepStatus, TicketTriage, TriageStep

logger = logging.getLogger("tessera.triage")

TEMPLATE = "support"
NOTES_MAX = 2000


def _conf(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def max_attempts() -> int:
    return max(1, _conf("TRIAGE_STEP_MAX_ATTEMPTS", 3))


def lease_seconds() -> int:
    return max(1, _conf("TRIAGE_STEP_LEASE_SECONDS", 300))


def retry_delay(attempt: int) -> timedelta:
    """Backoff before retry number ``attempt`` (1-based): base × 2^(attempt-1), capped at 1 h."""
    base = max(0, _conf("TRIAGE_RETRY_BASE_SECONDS", 10))
    return timedelta(seconds=min(3600, base * 2 ** max(0, attempt - 1)))


# --------------------------------------------------------------------------- tickets


def support_project_for(actor) -> Project:
    """The support project a new ticket of ``actor`` goes to.

    The first support project (lowest id) where the actor may add tickets; otherwise the
    configured default desk (``SUPPORT_DEFAULT_PROJECT_KEY``, else the first support
    project), which the actor joins as ``user`` — document 001 lets any authenticated user
    open a ticket.
    """
    projects = list(Project.objects.filter(template=TEMPLATE).order_by("pk"))
    for project in projects:
        if permissions.has_perm(actor, "add_ticket", project.pk):
            return project
    key = getattr(settings, "SUPPORT_DEFAULT_PROJECT_KEY", "")
    default = next((p for p in projects if p.key == key), None) if key else None
    default = default or (projects[0] if projects else None)
    if default is None:
        raise Forbidden("No support desk is configured")
    if permissions.role_in(actor, default.pk) is None:
        membership_set(actor=None, project=default, user=actor, role="user")
    if not permissions.has_perm(actor, "add_ticket", default.pk):
        raise Forbidden("You cannot open tickets on this support desk")
    return default


TITLE_MAX = 200
DESCRIPTION_MAX = 5000


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate such as "\ud800"
        return False
    return True


def _check_text(value: Any, *, field: str, label: str, limit: int) -> str:
    """What every way in (API, web UI, demo) must respect so that document 001's ticket
    object stays within its limits: a string without NUL or lone surrogates, at most
    ``limit`` characters once trimmed. The minimum lengths are the API DTO's rule (the web
    form has its own "required" rule)."""
    if not isinstance(value, str):
        raise ValidationFailed(
            f"{field} must be a string", fields={field: [f"{field} must be a string"]}
        )
    text = value.strip()
    message = ""
    if "\x00" in text:
        message = f"{field} must not contain null characters"
    elif not _encodable(text):
        message = f"{field} must be valid Unicode text"
    elif len(text) > limit:
        message = f"{label} cannot exceed {limit} characters"
    if message:
        raise ValidationFailed(message, fields={field: [message]})
    return text


@transaction.atomic
def support_ticket_create(
    *,
    actor,
    title: str,
    description: str,
    project: Project | None = None,
    priority: int | None = None,
    company=None,
) -> Ticket:
    """Create a ticket on a support desk and start its triage pipeline — the one way to
    open a support ticket (the API's ``POST /api/tickets``, the web UI, the demo).

    The ticket starts ``todo`` with the desk's default priority (or ``priority`` when a
    form chose one; the AI may only raise it), an empty triage row and five pending step
    records; the first step is queued after commit. ``project`` defaults to
    ``support_project_for(actor)`` and must be a support-template project.
    """
    title = _check_text(title, field="title", label="Title", limit=TITLE_MAX)
    description = _check_text(
        description, field="description", label="Description", limit=DESCRIPTION_MAX
    )
    if project is None:
        project = support_project_for(actor)
    elif project.template != TEMPLATE:
        raise ValidationFailed("Not a support project")
    ticket = ticket_services.ticket_create(
        actor=actor,
        project=project,
        title=title,
        description=description,
        priority=priority,
        company=company,
    )
    now = clock.now()
    triage = TicketTriage(ticket=ticket, created_at=now, updated_at=now)
    insert_row(triage)
    TriageStep.objects.bulk_create(
        [
            TriageStep(ticket=ticket, name=name, order=i, created_at=now)
            for i, name in enumerate(STEP_NAMES)
        ]
    )
    ticket._state.fields_cache["triage"] = triage
    ticket_id = ticket.pk
    transaction.on_commit(lambda: enqueue_step(ticket_id, STEP_NAMES[0]))
    return ticket


@transaction.atomic
def support_ticket_update(
    *,
    actor,
    ticket: Ticket,
    status: str | None = None,
    helpful_notes: str | None = None,
    expected_version: int | None = None,
) -> Ticket:
    """Moderator update: a status move along the project's workflow (``InvalidTransition``
    when the diagram draws no arrow) and/or the helpful notes — both or neither.

    ``expected_version`` (the client's ``If-Match``) is checked under the ticket's row lock,
    held until commit, so a stale write raises ``Conflict`` (``extra["current_version"]``)
    and changes nothing, and no other write slips in between the check and the update."""
    if not policy.can_modify(actor, ticket):
        raise Forbidden("Only moderators can update tickets")
    if expected_version is not None:
        current = (
            Ticket.objects.select_for_update()
            .filter(pk=ticket.pk)
            .values_list("version", flat=True)
            .first()
        )
        if current is None:
            raise NotFound("Ticket not found")
        if current != expected_version:
            raise Conflict(
                "The ticket changed since you read it", extra={"current_version": current}
            )
    if status is not None:
        ticket_services.ticket_transition(actor=actor, ticket=ticket, to_state=status)
    if helpful_notes is not None:
        if len(helpful_notes) > NOTES_MAX:
            raise ValidationFailed(
                "Helpful notes cannot exceed 2000 characters",
                fields={"helpful_notes": ["Helpful notes cannot exceed 2000 characters"]},
            )
        triage, _ = TicketTriage.objects.select_for_update().get_or_create(ticket=ticket)
        if triage.helpful_notes != helpful_notes:
            event_record(
                actor=actor,
                ticket=ticket,
                action="updated",
                field="helpful_notes",
                old_value=triage.helpful_notes or "",
                new_value=helpful_notes[:200],
            )
            now = clock.now()
            triage.helpful_notes = helpful_notes
            triage.updated_at = now
            triage.save(update_fields=["helpful_notes", "updated_at"])
            Ticket.objects.filter(pk=ticket.pk).update(updated_at=now, version=F("version") + 1)
            ticket.updated_at = now
        ticket._state.fields_cache["triage"] = triage
    return ticket


def support_ticket_delete(*, actor, ticket: Ticket) -> None:
    if not policy.can_delete(actor, ticket):
        raise Forbidden("Only moderators and admins can delete tickets")
    ticket_services.ticket_delete(actor=actor, ticket=ticket)


# --------------------------------------------------------------------------- pipeline


def enqueue_step(ticket_id: int, name: str, delay: timedelta | None = None) -> None:
    """Queue one step; a backend that cannot defer runs the retry at once. A failure to
    enqueue is logged and left to ``triage_resume_stalled``."""
    from .tasks import run_triage_step

    task = run_triage_step
    try:
        if delay and delay.total_seconds() > 0 and task.get_backend().supports_defer:
            task = task.using(run_after=clock.now() + delay)
        task.enqueue(ticket_id, name)
    except Exception:
        logger.exception("could not enqueue triage step %s of ticket %s", name, ticket_id)


def _next_step(name: str) -> str | None:
    i = STEP_NAMES.index(name)
    return STEP_NAMES[i + 1] if i + 1 < len(STEP_NAMES) else None


@dataclass
class StepOutcome:
    status: str  # succeeded | failed | skipped
    reason: str = ""
    result: dict[str, Any] = field(default_factory=dict)
    apply: Callable[[], None] | None = None  # the step's effect, run in the finishing txn


class PermanentStepError(Exception):
    """A failure that retrying cannot cure (no candidate moderator, ticket gone)."""


def _claim(ticket_id: int, name: str) -> TriageStep | None:
    """Mark the step started by this run, or None when it is final or leased to another."""
    now = clock.now()
    with transaction.atomic():
        step = TriageStep.objects.select_for_update().filter(ticket_id=ticket_id, name=name).first()
        if step is None or step.is_final:
            return None
        if step.status == StepStatus.STARTED and step.lease_until and step.lease_until > now:
            return None
        step.status = StepStatus.STARTED
        step.attempts += 1
        step.started_at = now
        step.finished_at = None
        step.next_attempt_at = None
        step.lease_until = now + timedelta(seconds=lease_seconds())
        step.save(
            update_fields=[
                "status",
                "attempts",
                "started_at",
                "finished_at",
                "next_attempt_at",
                "lease_until",
            ]
        )
        TicketTriage.objects.filter(ticket_id=ticket_id).update(updated_at=now)
    return step


def _finish(step: TriageStep, outcome: StepOutcome) -> bool:
    """Apply the outcome's effect and record it, atomically, if this run still owns the step
    (same attempt, still started). Returns whether it was recorded."""
    now = clock.now()
    with transaction.atomic():
        current = TriageStep.objects.select_for_update().filter(pk=step.pk).first()
        if (
            current is None
            or current.status != StepStatus.STARTED
            or current.attempts != step.attempts
        ):
            return False
        if outcome.apply is not None:
            outcome.apply()
        current.status = outcome.status
        current.reason = outcome.reason[:2000]
        current.result = outcome.result
        current.finished_at = now
        current.lease_until = None
        current.save(update_fields=["status", "reason", "result", "finished_at", "lease_until"])
        updates: dict[str, Any] = {"updated_at": now}
        if _next_step(step.name) is None:
            updates["pipeline_status"] = PipelineStatus.DONE
        TicketTriage.objects.filter(ticket_id=step.ticket_id).update(**updates)
    return True


def _record_failed_attempt(step: TriageStep, exc: BaseException) -> timedelta | None:
    """Record a failed attempt; returns the retry delay, or None when the step gave up."""
    now = clock.now()
    reason = f"{type(exc).__name__}: {exc}"[:2000]
    permanent = isinstance(exc, PermanentStepError)
    with transaction.atomic():
        current = TriageStep.objects.select_for_update().filter(pk=step.pk).first()
        if (
            current is None
            or current.status != StepStatus.STARTED
            or current.attempts != step.attempts
        ):
            return None
        current.reason = str(exc) if permanent else reason
        current.lease_until = None
        current.finished_at = now
        if permanent or current.attempts >= max_attempts():
            current.status = StepStatus.FAILED
            delay = None
        else:
            delay = retry_delay(current.attempts)
            current.status = StepStatus.RETRYING
            current.next_attempt_at = now + delay
        current.save(
            update_fields=["status", "reason", "lease_until", "finished_at", "next_attempt_at"]
        )
        updates: dict[str, Any] = {"updated_at": now}
        if current.status == StepStatus.FAILED and _next_step(step.name) is None:
            updates["pipeline_status"] = PipelineStatus.DONE
        TicketTriage.objects.filter(ticket_id=step.ticket_id).update(**updates)
    if delay is None:
        logger.error("triage step %s of ticket %s failed: %s", step.name, step.ticket_id, reason)
    else:
        logger.warning(
            "triage step %s of ticket %s attempt %s failed, retry in %ss: %s",
            step.name,
            step.ticket_id,
            step.attempts,
            int(delay.total_seconds()),
            reason,
        )
    return delay


def triage_step_run(*, ticket_id: int, name: str) -> str:
    """Run one pipeline step for one ticket and queue what follows. Returns what happened:
    ``noop`` (final or leased elsewhere), ``succeeded``, ``skipped``, ``failed``, ``retry``."""
    if name not in STEP_NAMES:
        raise ValueError(f"unknown triage step {name!r}")
    step = _claim(ticket_id, name)
    if step is None:
        return "noop"
    try:
        outcome = STEP_BODIES[name](step)
        recorded = _finish(step, outcome)
    except Exception as exc:
        delay = _record_failed_attempt(step, exc)
        if delay is not None:
            enqueue_step(ticket_id, name, delay)
            return "retry"
        following = _next_step(name)
        if following is not None:
            enqueue_step(ticket_id, following)
        return "failed"
    if not recorded:
        return "noop"
    if outcome.status == StepStatus.FAILED:
        logger.error("triage step %s of ticket %s failed: %s", name, ticket_id, outcome.reason)
    following = _next_step(name)
    if following is not None:
        enqueue_step(ticket_id, following)
    return outcome.status


def _ticket(step: TriageStep) -> Ticket:
    ticket = (
        Ticket.objects.select_related("project", "state", "triage")
        .filter(pk=step.ticket_id)
        .first()
    )
    if ticket is None:
        raise PermanentStepError("The ticket no longer exists")
    return ticket


def _step_fetch_ticket(step: TriageStep) -> StepOutcome:
    ticket = _ticket(step)
    return StepOutcome(
        StepStatus.SUCCEEDED,
        result={"ticket": str(ticket.public_id), "status": ticket.state.key},
    )


def _step_update_status(step: TriageStep) -> StepOutcome:
    """Document 001 says "updates status to processing"; the ticket's status must stay one of
    its six values, so "processing" is recorded on the pipeline, not on the ticket."""

    def apply() -> None:
        TicketTriage.objects.filter(ticket_id=step.ticket_id).update(
            pipeline_status=PipelineStatus.PROCESSING
        )

    return StepOutcome(StepStatus.SUCCEEDED, result={"pipeline_status": "processing"}, apply=apply)


def skill_catalogue(project_id: int) -> list[str]:
    """Skill names held by the project's active assignable members (the analyser adds its
    shipped taxonomy)."""
    user_ids = _assignable_user_ids(project_id)
    names = UserSkill.objects.filter(user_id__in=user_ids).values_list("skill__name", flat=True)
    return sorted(set(names))


def _step_ai_processing(step: TriageStep) -> StepOutcome:
    from .analysis import estimate_final_priority
    from .providers import get_provider

    ticket = _ticket(step)
    provider = get_provider(settings.TRIAGE)
    analysis = provider.analyse(
        title=ticket.title,
        description=ticket.description,
        skill_catalogue=skill_catalogue(ticket.project_id),
    )
    blueprint = ticket.project.blueprint
    default_key = blueprint.priority_key(ticket.priority)
    final_key = estimate_final_priority(default_key, analysis.priority)
    final_value = blueprint.priority_value(final_key)
    summary = (analysis.summary or "").strip() or None
    notes = (analysis.helpful_notes or "").strip()[:NOTES_MAX] or None
    skills = [str(s) for s in (analysis.related_skills or [])]
    # Which provider actually answered: a remote provider that fell back says "offline".
    provider_name = str(
        getattr(analysis, "source", "") or getattr(provider, "name", type(provider).__name__)
    )[:40]

    def apply() -> None:
        now = clock.now()
        triage, _ = TicketTriage.objects.select_for_update().get_or_create(ticket_id=ticket.pk)
        triage.summary = summary
        if triage.helpful_notes is None:  # never overwrite a moderator's notes
            triage.helpful_notes = notes
        triage.related_skills = skills
        triage.provider = provider_name
        triage.analysed_at = now
        triage.updated_at = now
        triage.save()
        if final_value is not None and final_value > ticket.priority:
            ticket_services.ticket_update(
                actor=None, ticket=ticket, changes={"priority": final_value}, check_permission=False
            )
        else:
            Ticket.objects.filter(pk=ticket.pk).update(updated_at=now)

    return StepOutcome(
        StepStatus.SUCCEEDED,
        result={
            "provider": provider_name,
            "estimated_priority": analysis.priority,
            "priority": final_key,
            "related_skills": skills,
        },
        apply=apply,
    )


def _assignable_user_ids(project_id: int) -> list[int]:
    """Active members whose role may be assigned (support: moderators)."""
    rows = Membership.objects.filter(project_id=project_id, user__is_active=True).values_list(
        "user_id", "role__permissions"
    )
    return sorted(uid for uid, perms in rows if "be_assigned" in (perms or []))


def moderator_candidates(project_id: int) -> list:
    """Active moderators with skills, with their skills and open workload (tickets assigned
    to them whose state is open or active, in any project). Two queries."""
    from .assignment import Candidate

    user_ids = _assignable_user_ids(project_id)
    skills: dict[int, dict[str, int]] = {}
    for uid, name, level in UserSkill.objects.filter(user_id__in=user_ids).values_list(
        "user_id", "skill__name", "proficiency"
    ):
        skills.setdefault(uid, {})[name] = level
    workload = dict(
        TicketAssignment.objects.filter(
            user_id__in=list(skills),
            ticket__state__category__in=[StateCategory.OPEN, StateCategory.ACTIVE],
        )
        .values("user_id")
        .annotate(n=Count("id"))
        .values_list("user_id", "n")
    )
    return [
        Candidate(user_id=uid, skills=skills[uid], open_workload=workload.get(uid, 0))
        for uid in sorted(skills)
    ]


def _step_assign_moderator(step: TriageStep) -> StepOutcome:
    """Choose and assign in the finishing transaction, after locking the candidates' user
    rows (in id order): concurrent assignments serialise, so each reads the workload the
    previous one committed (SQLite's IMMEDIATE transactions serialise writers anyway)."""
    from .assignment import choose_moderator

    ticket = _ticket(step)
    existing = list(
        TicketAssignment.objects.filter(ticket_id=ticket.pk).values_list("user_id", flat=True)
    )
    if existing:
        return StepOutcome(
            StepStatus.SUCCEEDED, reason="Already assigned", result={"assigned_to": existing[0]}
        )
    related = list(getattr(getattr(ticket, "triage", None), "related_skills", None) or [])
    chosen: dict[str, Any] = {}

    def apply() -> None:
        ids = _assignable_user_ids(ticket.project_id)
        list(User.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))
        if TicketAssignment.objects.filter(ticket_id=ticket.pk).exists():
            return
        candidates = moderator_candidates(ticket.project_id)
        user_id = choose_moderator(candidates, related)
        if user_id is None:
            raise PermanentStepError(
                "No active moderator with matching skills"
                if candidates
                else "No active moderator with skills"
            )
        user = User.objects.get(pk=user_id)
        ticket_services.ticket_assign(
            actor=None, ticket=ticket, assignees=[user], check_permission=False
        )
        chosen["assigned_to"] = str(user.public_id)
        chosen["workloads"] = {str(c.user_id): c.open_workload for c in candidates}

    outcome = StepOutcome(StepStatus.SUCCEEDED, result=chosen, apply=apply)
    return outcome


def ticket_links(ticket: Ticket) -> tuple[str, str]:
    """The ticket's page in the web UI (where a moderator works it) and its API URL."""
    from django.urls import NoReverseMatch, reverse

    base = str(getattr(settings, "TESSERA_BASE_URL", "")).rstrip("/")
    api = f"{base}/api/tickets/{ticket.public_id}"
    try:
        page = base + reverse("web:ticket", args=[ticket.pk])
    except NoReverseMatch:
        page = api
    return page, api


def assignment_email(ticket: Ticket, moderator: User) -> tuple[str, str, str]:
    """Subject, plain text and HTML of the notice to the assigned moderator."""
    triage = getattr(ticket, "triage", None)
    priority = ticket.project.blueprint.priority_key(ticket.priority)
    page, api = ticket_links(ticket)
    summary = (triage.summary if triage else None) or ticket.title
    skills = ", ".join((triage.related_skills or []) if triage else []) or "-"
    subject = f"[{ticket.display_number}] New ticket assigned to you: {ticket.title}"[:255]
    text = (
        f"Hello {moderator.full_name},\n\n"
        f"A ticket has been assigned to you.\n\n"
        f"Title: {ticket.title}\nPriority: {priority}\nSummary: {summary}\n"
        f"Related skills: {skills}\n\nOpen it: {page}\nAPI: {api}\n"
    )
    html = (
        f"<p>Hello {escape(moderator.full_name)},</p>"
        f"<p>A ticket has been assigned to you.</p>"
        f"<ul><li><strong>Title:</strong> {escape(ticket.title)}</li>"
        f"<li><strong>Priority:</strong> {escape(priority)}</li>"
        f"<li><strong>Summary:</strong> {escape(summary)}</li>"
        f"<li><strong>Related skills:</strong> {escape(skills)}</li></ul>"
        f'<p><a href="{escape(page)}">Open the ticket</a> '
        f'(API: <a href="{escape(api)}">{escape(api)}</a>)</p>'
    )
    return subject, text, html


def _step_send_email(step: TriageStep) -> StepOutcome:
    """Queue the notice in the outbox (deduplicated per ticket and moderator) and try to
    deliver it now. A delivery failure fails the step (logged); the outbox keeps retrying."""
    ticket = _ticket(step)
    assignment = TicketAssignment.objects.filter(ticket_id=ticket.pk).select_related("user").first()
    if assignment is None:
        return StepOutcome(StepStatus.SKIPPED, reason="No moderator assigned; no notice sent")
    moderator = assignment.user
    subject, text, html = assignment_email(ticket, moderator)
    email = email_enqueue(
        to=[moderator.email],
        subject=subject,
        body_text=text,
        body_html=html,
        dedupe_key=f"triage:{ticket.pk}:assigned:{moderator.pk}",
    )
    if email is None:
        return StepOutcome(StepStatus.FAILED, reason="The moderator has no email address")
    email.refresh_from_db()
    if email.status != OutboundEmail.Status.SENT:
        email_send_now(email.pk)
        email.refresh_from_db()
    result = {"email_id": email.pk, "to": moderator.email}
    if email.status == OutboundEmail.Status.SENT:
        return StepOutcome(StepStatus.SUCCEEDED, result=result)
    return StepOutcome(
        StepStatus.FAILED,
        reason=f"Email not delivered (the outbox retries it): {email.last_error}",
        result=result,
    )


STEP_BODIES: dict[str, Callable[[TriageStep], StepOutcome]] = {
    "fetch-ticket": _step_fetch_ticket,
    "update-ticket-status": _step_update_status,
    "ai-processing": _step_ai_processing,
    "assign-moderator": _step_assign_moderator,
    "send-email-notification": _step_send_email,
}


def triage_resume_stalled() -> int:
    """Re-enqueue the next step of every unfinished pipeline that nobody is running: its
    lease expired (worker killed), its retry is due, or it was queued more than a lease ago
    and never ran (queue lost). Safe to run at any time: claiming prevents double runs."""
    now = clock.now()
    grace = now - timedelta(seconds=lease_seconds())
    resumed = 0
    open_ids = TicketTriage.objects.exclude(pipeline_status=PipelineStatus.DONE).values_list(
        "ticket_id", flat=True
    )
    steps = (
        TriageStep.objects.filter(ticket_id__in=list(open_ids[:500]))
        .exclude(status__in=[StepStatus.SUCCEEDED, StepStatus.FAILED, StepStatus.SKIPPED])
        .select_related("ticket__triage")
        .order_by("ticket_id", "order")
    )
    seen: set[int] = set()
    for step in steps:
        if step.ticket_id in seen:
            continue
        seen.add(step.ticket_id)
        due = False
        if step.status == StepStatus.STARTED:
            due = step.lease_until is None or step.lease_until <= now
        elif step.status == StepStatus.RETRYING:
            due = step.next_attempt_at is None or step.next_attempt_at <= now
        else:  # pending: queued, its task may be lost
            due = step.ticket.triage.updated_at <= grace
        if due:
            enqueue_step(step.ticket_id, step.name)
            resumed += 1
    return resumed


def triage_restart(*, ticket: Ticket) -> None:
    """Admin action: queue the pipeline again from its first unfinished step."""
    step = (
        TriageStep.objects.filter(ticket=ticket)
        .exclude(status__in=[StepStatus.SUCCEEDED, StepStatus.FAILED, StepStatus.SKIPPED])
        .order_by("order")
        .first()
    )
    if step is not None:
        enqueue_step(ticket.pk, step.name)


__all__ = [
    "enqueue_step",
    "support_project_for",
    "support_ticket_create",
    "support_ticket_delete",
    "support_ticket_update",
    "triage_resume_stalled",
    "triage_step_run",
]
