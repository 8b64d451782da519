"""One user base for every surface: users, their skills, and hashed API tokens."""

from __future__ import annotations

import hashlib
import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """Email and username are both unique; ``public_id`` is the UUID surfaces expose."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField("email address", unique=True)

    REQUIRED_FIELDS = ["email"]

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["date_joined"]), models.Index(fields=["last_login"])]

    @property
    def full_name(self) -> str:
        return self.get_full_name() or self.username


class Skill(models.Model):
    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class UserSkill(models.Model):
    """A user's skill with a proficiency from 1 (novice) to 5 (expert); used by auto-assignment."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="skills")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="holders")
    proficiency = models.PositiveSmallIntegerField(default=3)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "skill"], name="uniq_user_skill"),
            models.CheckConstraint(
                condition=models.Q(proficiency__gte=1, proficiency__lte=5),
                name="user_skill_proficiency_1_5",
            ),
        ]


def hash_token(raw: str) -> str:
    # "surrogatepass": a lone surrogate (from a header or argv) hashes instead of raising
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


class ApiToken(models.Model):
    """An integration token (document 004). Only the SHA-256 of the token is stored."""

    name = models.CharField(max_length=200)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    prefix = models.CharField(max_length=12)
    token_hash = models.CharField(max_length=64, unique=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
