"""Projects and their workflow: roles, states, transitions and kanban columns are rows.

A project is instantiated from a blueprint (``tessera.core.projects.blueprints``); after
that its workflow belongs to the project and can be edited per project.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Project(models.Model):
    key = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    template = models.CharField(max_length=30, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.key} {self.name}"

    @property
    def blueprint(self):
        from .blueprints import get_blueprint

        return get_blueprint(self.template)


class Role(models.Model):
    """A project role (technician, moderator, manager, …) mapped to permission names."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="roles")
    name = models.CharField(max_length=50)
    permissions = models.JSONField(default=list)

    class Meta:
        ordering = ["project_id", "id"]
        constraints = [models.UniqueConstraint(fields=["project", "name"], name="uniq_role_name")]

    def __str__(self) -> str:
        return f"{self.project.key}:{self.name}"


class Membership(models.Model):
    """A user's one role in one project."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="memberships")
    assigned_at = models.DateTimeField(auto_now=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["project", "user"], name="uniq_membership")]


class StateCategory(models.TextChoices):
    OPEN = "open", "Open"
    ACTIVE = "active", "Active"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


# The categories that end a ticket's life: closed for lists, metrics and documents.
TERMINAL_CATEGORIES = (StateCategory.DONE, StateCategory.CANCELLED)


class WorkflowState(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="states")
    key = models.CharField(max_length=40)
    name = models.CharField(max_length=80)
    category = models.CharField(max_length=10, choices=StateCategory.choices)
    order = models.PositiveSmallIntegerField(default=0)
    is_initial = models.BooleanField(default=False)

    class Meta:
        ordering = ["project_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "key"], name="uniq_state_key"),
            # a create starts in it (``tickets.services``): at most one per project
            models.UniqueConstraint(
                fields=["project"], condition=models.Q(is_initial=True), name="one_initial_state"
            ),
        ]

    def __str__(self) -> str:
        return self.key

    @property
    def is_terminal(self) -> bool:
        return self.category in TERMINAL_CATEGORIES


class WorkflowTransition(models.Model):
    """``from_state`` → ``to_state`` may be fired by holders of ``permission``."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.ForeignKey(WorkflowState, on_delete=models.CASCADE, related_name="+")
    to_state = models.ForeignKey(WorkflowState, on_delete=models.CASCADE, related_name="+")
    permission = models.CharField(max_length=50, default="transition_ticket")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "from_state", "to_state"], name="uniq_transition"
            )
        ]


class BoardColumn(models.Model):
    """A kanban column; moving a card into it moves the ticket to the column's state."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="columns")
    name = models.CharField(max_length=80)
    order = models.IntegerField(default=0)
    color = models.CharField(max_length=20, default="#0052cc")
    state = models.ForeignKey(WorkflowState, on_delete=models.PROTECT, related_name="columns")
    wip_limit = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["project_id", "order", "id"]
        indexes = [models.Index(fields=["project", "order"])]

    def __str__(self) -> str:
        return self.name


class ProjectCounter(models.Model):
    """The next ticket number of a project; bumped with an UPDATE inside the create transaction."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="counter")
    last_number = models.PositiveBigIntegerField(default=0)
