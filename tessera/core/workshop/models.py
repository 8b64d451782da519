"""Workshop (document 000): inventory items, a ticket's part specs and metrics, work
sessions with their append-only events, and the append-only XP ledger.

The ticket's workflow state lives only on ``tickets.Ticket.state``. ``TicketMetrics`` holds
the fields document 000 adds to a ticket (one-to-one), plus two *claim flags* that the
services set in the same transaction as the core transition, so that the database itself
enforces "one active ticket per inventory item" and "one IN_PROGRESS ticket per technician"
with partial unique indexes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from tessera.core.common import clock


class AppendOnlyError(Exception):
    pass


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("rows of this table are append-only")

    def delete(self):
        raise AppendOnlyError("rows of this table are append-only")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise AppendOnlyError("rows of this table are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("rows of this table are append-only")


class FlagColor(models.TextChoices):
    GREEN = "green", "Green"
    YELLOW = "yellow", "Yellow"
    RED = "red", "Red"


# Worst colour wins: red > yellow > green.
COLOR_RANK = {FlagColor.GREEN: 0, FlagColor.YELLOW: 1, FlagColor.RED: 2}


class InventoryItemState(models.TextChoices):
    IN_SERVICE = "in_service", "In service"
    READY = "ready", "Ready"
    ARCHIVED = "archived", "Archived"


class InventoryItem(models.Model):
    """A device known by its serial number; shared by every workshop project."""

    serial_number = models.CharField(max_length=100, unique=True)
    name = models.CharField(max_length=200, blank=True)
    state = models.CharField(
        max_length=20, choices=InventoryItemState.choices, default=InventoryItemState.IN_SERVICE
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    creation_confirmed = models.BooleanField(default=False)
    creation_reason = models.TextField(blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["state", "id"]),
            # the item list's ``ordering=[-]created_at`` and ``[-]updated_at`` (ties by id)
            models.Index(fields=["created_at", "id"], name="ws_item_created_idx"),
            models.Index(fields=["updated_at", "id"], name="ws_item_updated_idx"),
        ]

    def __str__(self) -> str:
        return self.serial_number


class TicketMetrics(models.Model):
    """Document 000's fields of a ticket (one row per workshop ticket)."""

    ticket = models.OneToOneField(
        "tickets.Ticket", primary_key=True, on_delete=models.CASCADE, related_name="workshop"
    )
    inventory_item = models.ForeignKey(
        InventoryItem, on_delete=models.PROTECT, related_name="tickets"
    )
    flag_color = models.CharField(max_length=10, choices=FlagColor.choices)
    xp_amount = models.PositiveIntegerField(default=0)
    total_duration = models.PositiveIntegerField(default=0, help_text="Planned seconds.")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="workshop_tickets",
    )
    item_created = models.BooleanField(
        default=False, help_text="This intake created the inventory item (confirm + reason)."
    )
    done_at = models.DateTimeField(null=True, blank=True)
    active_seconds_at_done = models.PositiveIntegerField(null=True, blank=True)
    # Claim flags (see module docstring): set/cleared with the core transition.
    holds_item = models.BooleanField(default=True, help_text="Ticket is active (not DONE).")
    holds_technician = models.BooleanField(default=False, help_text="Ticket is IN_PROGRESS.")

    class Meta:
        verbose_name_plural = "ticket metrics"
        constraints = [
            models.UniqueConstraint(
                fields=["inventory_item"],
                condition=Q(holds_item=True),
                name="ws_one_active_ticket_per_item",
            ),
            models.UniqueConstraint(
                fields=["technician"],
                condition=Q(holds_technician=True),
                name="ws_one_in_progress_per_technician",
            ),
            models.CheckConstraint(
                condition=Q(flag_color__in=["green", "yellow", "red"]), name="ws_flag_color_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["technician", "done_at"]),
            # the ticket list's ``ordering=[-]xp_amount`` and ``[-]total_duration``, ties by
            # ticket id: walked from this table, each ticket joined by its key
            # (``selectors.ticket_rows_qs``), where sorting every workshop ticket took 1.2 s
            # at 1M
            models.Index(fields=["xp_amount", "ticket"], name="ws_metrics_xp_idx"),
            models.Index(fields=["total_duration", "ticket"], name="ws_metrics_duration_idx"),
        ]


class PartSpec(models.Model):
    """One part of an intake; the ticket's metrics are computed from these."""

    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="part_specs"
    )
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=200)
    color = models.CharField(max_length=10, choices=FlagColor.choices)
    planned_minutes = models.PositiveIntegerField()
    xp = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["ticket_id", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(color__in=["green", "yellow", "red"]), name="ws_part_color_valid"
            )
        ]


class SessionState(models.TextChoices):
    RUNNING = "RUNNING", "Running"
    PAUSED = "PAUSED", "Paused"
    STOPPED = "STOPPED", "Stopped"


class WorkSession(models.Model):
    """A technician's timer on a ticket. ``state``/``stopped_at`` mirror the last event (so
    the database can keep one open session per ticket); time is derived from the events."""

    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="work_sessions"
    )
    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="work_sessions"
    )
    state = models.CharField(
        max_length=10, choices=SessionState.choices, default=SessionState.RUNNING
    )
    started_at = models.DateTimeField()
    stopped_at = models.DateTimeField(null=True, blank=True)
    active_seconds_at_stop = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket"],
                condition=~Q(state="STOPPED"),
                name="ws_one_open_session_per_ticket",
            )
        ]
        indexes = [
            models.Index(fields=["technician", "started_at"]),
            models.Index(fields=["state"]),
        ]


class SessionEventKind(models.TextChoices):
    START = "start", "Start"
    PAUSE = "pause", "Pause"
    RESUME = "resume", "Resume"
    AUTO_RESUME = "auto_resume", "Auto-resume (pause budget spent)"
    STOP = "stop", "Stop"


class WorkSessionEvent(AppendOnlyModel):
    session = models.ForeignKey(WorkSession, on_delete=models.CASCADE, related_name="events")
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=SessionEventKind.choices)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["ticket", "id"]), models.Index(fields=["session", "at"])]


class XpKind(models.TextChoices):
    BASE = "base", "Technician base XP"
    STATUS_UPDATE = "status_update", "Checker status-update XP"
    FIRST_PASS_BONUS = "first_pass_bonus", "First-pass bonus"


class XpSource(models.TextChoices):
    QC_PASS = "qc_pass", "QC pass"
    QC_FAIL = "qc_fail", "QC fail"


class XpTransaction(AppendOnlyModel):
    """The append-only XP ledger. Each qc-pass credits each kind at most once per ticket."""

    # Deleting a user or a ticket keeps the ledger rows (like the audit trail).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="xp"
    )
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, on_delete=models.SET_NULL, related_name="xp_transactions"
    )
    kind = models.CharField(max_length=20, choices=XpKind.choices)
    source = models.CharField(max_length=10, choices=XpSource.choices)
    amount = models.IntegerField()
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "kind"],
                condition=Q(source="qc_pass"),
                name="ws_xp_once_per_qc_pass",
            )
        ]
        indexes = [
            models.Index(fields=["user", "-created_at"]),
            models.Index(fields=["ticket", "-created_at"]),
        ]
