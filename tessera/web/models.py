"""The web UI's own data: saved ticket-list views per user."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from tessera.core.common import clock


class SavedView(models.Model):
    """A named ticket-list query (the workspace's filter query string) kept for one user."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views"
    )
    name = models.CharField(max_length=80)
    query = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="uniq_saved_view_name")
        ]

    def __str__(self) -> str:
        return self.name
