"""Companies: the client organisations a team serves (document 003), linked to projects."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Company(models.Model):
    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    logo = models.ImageField(upload_to="company_logos/", blank=True, null=True)
    logo_thumbnail = models.ImageField(upload_to="company_logos/thumbs/", blank=True, null=True)
    primary_contact_email = models.EmailField(blank=True)
    phone = models.CharField(max_length=50, blank=True)
    admins = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="administered_companies", blank=True
    )
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="member_companies", blank=True
    )
    projects = models.ManyToManyField("projects.Project", related_name="companies", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "companies"

    def __str__(self) -> str:
        return self.name
