"""One ticket table for every surface, with its comments, attachments, tags and followers.

Fields that serve a single surface live in that context's own model (workshop metrics,
AI triage results), joined one-to-one, so the ticket row stays narrow.
"""

from __future__ import annotations

import os
import uuid
from typing import Any

from django.conf import settings
from django.db import models

from tessera.core.common import clock


def attachment_upload_to(instance, filename: str) -> str:
    """Files are stored under generated names; the original name is kept in ``filename``."""
    ext = os.path.splitext(filename)[1].lower()
    if not ext[1:].isalnum() or len(ext) > 10:
        ext = ""
    moment = clock.now()
    return f"attachments/{moment:%Y/%m}/{uuid.uuid4().hex}{ext}"


class Category(models.Model):
    """A managed category (technical, billing, …); ``project`` NULL means shared by all."""

    project = models.ForeignKey(
        "projects.Project",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="categories",
    )
    slug = models.SlugField(max_length=60)
    name = models.CharField(max_length=100)
    is_active = models.BooleanField(default=True)
    auto_assign = models.BooleanField(
        default=False, help_text="Assign new tickets of this category round-robin to its agents."
    )
    agents = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    last_assigned_index = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"
        constraints = [
            models.UniqueConstraint(fields=["project", "slug"], name="uniq_category_slug"),
        ]

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    project = models.ForeignKey(
        "projects.Project", null=True, blank=True, on_delete=models.CASCADE, related_name="tags"
    )
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    color = models.CharField(max_length=20, default="#0052cc")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["project", "name"], name="uniq_tag_name")]

    def __str__(self) -> str:
        return self.name


class Ticket(models.Model):
    # The foreign keys below marked ``db_index=False`` are indexed by the composite
    # indexes of ``Meta`` that lead with them (tickets.0008): one index fewer per write each.
    project = models.ForeignKey(
        "projects.Project", on_delete=models.PROTECT, related_name="tickets", db_index=False
    )
    number = models.PositiveBigIntegerField()
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    state = models.ForeignKey(
        "projects.WorkflowState", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    column = models.ForeignKey(
        "projects.BoardColumn",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    rank = models.FloatField(default=0, help_text="Order of the card within its column.")
    priority = models.PositiveSmallIntegerField(default=2)
    category = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
        db_index=False,
    )
    type = models.CharField(max_length=20, default="task", blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="tickets")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="created_tickets",
        db_index=False,
    )
    assignees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="TicketAssignment",
        related_name="assigned_tickets",
        blank=True,
    )
    followers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="TicketFollower",
        related_name="followed_tickets",
        blank=True,
    )
    customer = models.ForeignKey(
        "crm.Customer",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
        db_index=False,
    )
    company = models.ForeignKey(
        "organizations.Company",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
        db_index=False,
    )
    location = models.CharField(max_length=200, blank=True)
    department = models.CharField(max_length=200, blank=True)
    urgency = models.CharField(max_length=20, blank=True)
    importance = models.CharField(max_length=20, blank=True)
    due_date = models.DateTimeField(null=True, blank=True)
    start_date = models.DateField(null=True, blank=True)
    estimated_hours = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    actual_hours = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    sla_breach_notified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now, db_index=True)
    updated_at = models.DateTimeField(default=clock.now)  # indexed (-updated_at, -id)
    version = models.PositiveIntegerField(default=1)
    # How many assignees the ticket has: kept by database triggers on the assignments
    # (``tickets.counts``), never written by Django (``save`` leaves it out), so that
    # "unassigned" is a column the per-group counts can answer.
    assignee_count = models.PositiveSmallIntegerField(default=0, db_default=0, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="uniq_ticket_number"),
        ]
        indexes = [
            models.Index(fields=["project", "-created_at", "-id"]),
            # INCLUDE: the boards' "attention needed" count (open and overdue or urgent)
            # reads the index alone (190 -> 30 ms for a project of 125,000 at 1M)
            models.Index(
                fields=["project", "state"],
                include=["due_date", "priority", "urgency"],
                name="ticket_project_state_idx",
            ),
            models.Index(fields=["project", "priority"]),
            # the boards list's `type` filter and its count
            models.Index(fields=["project", "type"]),
            models.Index(fields=["project", "column", "rank"]),
            models.Index(fields=["created_by", "-created_at"]),
            models.Index(fields=["state", "-created_at"]),
            models.Index(fields=["priority", "-created_at"]),
            models.Index(fields=["category", "-created_at"]),
            models.Index(fields=["customer", "-created_at"]),
            models.Index(fields=["company", "-created_at"]),
            # a company's ticket count within one project (boards companies ?project=)
            models.Index(fields=["company", "project"], name="ticket_company_project_idx"),
            models.Index(fields=["due_date"]),
            # overdue counts: a range per open state, the project read from the index
            models.Index(fields=["state", "due_date", "project"], name="ticket_state_due_idx"),
            models.Index(fields=["-updated_at", "-id"]),
            # the title order, ties by id (boards ``ordering=name``, the web's title sort):
            # ``(title)`` alone sorted each run of equal titles (80 ms at 1M)
            models.Index(fields=["title", "id"], name="ticket_title_id_idx"),
            # the workload dashboards' "resolved today"
            models.Index(
                fields=["project", "resolved_at"],
                name="ticket_project_resolved_idx",
                condition=models.Q(resolved_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_number} {self.title}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """An update writes every field but ``assignee_count``: the database keeps that
        one, and this instance's copy may predate an assignment made since."""
        if not self._state.adding and kwargs.get("update_fields") is None:
            deferred = self.get_deferred_fields()
            kwargs["update_fields"] = [
                f.name for f in _TICKET_SAVED_FIELDS if f.attname not in deferred
            ]
        super().save(*args, **kwargs)

    @property
    def display_number(self) -> str:
        project = self.project
        return project.blueprint.format_number(project.key, self.number)

    def can_transition_to(self, state) -> bool:
        """Whether the project's workflow draws an arrow from the current state to ``state``."""
        from tessera.core.projects.selectors import transition_permission

        return transition_permission(self.project_id, self.state_id, state.pk) is not None


# What ``Ticket.save`` writes on an update: everything the database does not keep itself.
_TICKET_SAVED_FIELDS = [
    f for f in Ticket._meta.concrete_fields if not f.primary_key and f.name != "assignee_count"
]


class TicketAssignment(models.Model):
    # Indexed by the unique (ticket, user) and the (user, ticket) index.
    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="assignments", db_index=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    assigned_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["assigned_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "user"], name="uniq_ticket_assignee")
        ]
        indexes = [models.Index(fields=["user", "ticket"])]


class TicketFollower(models.Model):
    # indexed by the unique (ticket, user)
    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="follows", db_index=False
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ticket", "user"], name="uniq_ticket_follower")
        ]


class Comment(models.Model):
    # indexed by (ticket, created_at)
    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="comments", db_index=False
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField()
    is_internal = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["ticket", "created_at"]),
            models.Index(fields=["is_internal"]),
            # the comment lists' order (oldest first): a page walks it, not a sort of all
            models.Index(fields=["created_at", "id"], name="comment_created_idx"),
        ]


class Attachment(models.Model):
    # indexed by (ticket, uploaded_at)
    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="attachments", db_index=False
    )
    file = models.FileField(upload_to=attachment_upload_to, max_length=255)
    filename = models.CharField(max_length=255)
    file_size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=120, blank=True)
    description = models.CharField(max_length=500, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["ticket", "uploaded_at"])]


class TicketCount(models.Model):
    """How many tickets each (project, state, priority, category, column, assignee count)
    holds, how many of them are resolved in how long, and how many comments they carry;
    kept by database triggers
    (``tessera.core.tickets.counts``, which also creates the group's unique index over
    the NULL-able category and column as ``COALESCE(…, 0)``), read by ``counts``. Plain
    ids, no foreign keys: a row outlives nothing it counts (deleting tickets decrements
    it)."""

    project_id = models.BigIntegerField()
    state_id = models.BigIntegerField()
    priority = models.IntegerField()
    category_id = models.BigIntegerField(null=True)
    column_id = models.BigIntegerField(null=True)
    assignee_count = models.IntegerField(default=0)
    n = models.BigIntegerField(default=0)
    resolved_n = models.BigIntegerField(default=0)
    # sum over the resolved tickets of (resolved_at - created_at), in microseconds
    resolved_us = models.BigIntegerField(default=0)
    # the group's tickets' public comments and internal notes (the comment lists' counts)
    comment_n = models.BigIntegerField(default=0, db_default=0)
    internal_comment_n = models.BigIntegerField(default=0, db_default=0)

    def __str__(self) -> str:
        return f"{self.project_id}/{self.state_id}/{self.priority}: {self.n}"


class TicketAssigneeCount(models.Model):
    """How many tickets of each (project, state) each user is assigned: kept by database
    triggers on the assignments and on a ticket's project and state
    (``tessera.core.tickets.counts``), read by the workload dashboards instead of joining
    every assignment of a project with its ticket. Plain ids, no foreign keys, as
    ``TicketCount``."""

    user_id = models.BigIntegerField()
    project_id = models.BigIntegerField()
    state_id = models.BigIntegerField()
    n = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["project_id", "user_id", "state_id"], name="uniq_assignee_count"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.project_id}/{self.state_id}: {self.n}"
