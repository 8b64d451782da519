"""AI triage results and the background pipeline's step records (document 001).

``TicketTriage`` holds the fields document 001 adds to a ticket (summary, helpful notes,
related skills) one-to-one beside the shared ticket row. ``TriageStep`` is one row per
ticket and pipeline step; each run of a step claims it, and its effect is committed in
the same transaction as its ``succeeded`` mark, so a killed worker leaves either nothing
or the whole step behind.
"""

from __future__ import annotations

from django.db import models

from tessera.core.common import clock

STEP_NAMES = (
    "fetch-ticket",
    "update-ticket-status",
    "ai-processing",
    "assign-moderator",
    "send-email-notification",
)


class PipelineStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    PROCESSING = "processing", "Processing"
    DONE = "done", "Done"


class TicketTriage(models.Model):
    ticket = models.OneToOneField(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="triage", primary_key=True
    )
    summary = models.TextField(null=True, blank=True)
    helpful_notes = models.TextField(null=True, blank=True)
    related_skills = models.JSONField(null=True, blank=True)
    pipeline_status = models.CharField(
        max_length=12, choices=PipelineStatus.choices, default=PipelineStatus.QUEUED
    )
    provider = models.CharField(max_length=40, blank=True)
    analysed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = "ticket triage"
        indexes = [models.Index(fields=["pipeline_status", "updated_at"])]

    def __str__(self) -> str:
        return f"triage of ticket {self.ticket_id} ({self.pipeline_status})"


class StepStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    STARTED = "started", "Started"
    RETRYING = "retrying", "Failed, retry scheduled"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Skipped"


class TriageStep(models.Model):
    """One step of one ticket's pipeline: its last status, reason and attempt count.

    ``next_attempt_at`` is when a failed attempt may be retried; ``lease_until`` bounds a
    ``started`` claim, after which the step counts as abandoned (worker killed) and may be
    claimed again.
    """

    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="triage_steps"
    )
    name = models.CharField(max_length=40, choices=[(n, n) for n in STEP_NAMES])
    order = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=StepStatus.choices, default=StepStatus.PENDING)
    reason = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["ticket_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "name"], name="uniq_triage_step"),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.name}: {self.status} ({self.attempts} attempts)"

    @property
    def is_final(self) -> bool:
        return self.status in (StepStatus.SUCCEEDED, StepStatus.FAILED, StepStatus.SKIPPED)
