"""Contacts of a project (document 003) and the tags they are attached to.

A contact is a person at a client (name, email, title, department); ``TagContact`` links
one to a project tag with a role such as "Primary Contact".
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from tessera.core.common import clock


class Contact(models.Model):
    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=50, blank=True)
    title = models.CharField(max_length=200, blank=True)
    department = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["project", "name"])]

    def __str__(self) -> str:
        return self.name


class TagContact(models.Model):
    tag = models.ForeignKey("tickets.Tag", on_delete=models.CASCADE, related_name="contact_links")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="tag_links")
    role = models.CharField(max_length=100, blank=True)
    added_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [models.UniqueConstraint(fields=["tag", "contact"], name="uniq_tag_contact")]
