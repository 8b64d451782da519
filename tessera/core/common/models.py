"""Runtime settings: values admins may change without a deploy (e.g. the pause budget)."""

from __future__ import annotations

from django.db import models


class RuntimeSetting(models.Model):
    key = models.CharField(max_length=120, unique=True)
    value = models.JSONField()
    description = models.CharField(max_length=255, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.key}={self.value!r}"
