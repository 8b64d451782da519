"""Self-service registration (document 003): a user and, by default, a project they own."""

from __future__ import annotations

import re

from django.db import transaction

from tessera.core.common.errors import ValidationFailed
from tessera.core.projects.models import Project
from tessera.core.projects.services import project_create, validate_project_key

from .models import User
from .services import user_create


def _default_project_key(username: str) -> str:
    base = re.sub(r"[^A-Z0-9]", "", username.upper())[:8] or "PROJ"
    if not base[0].isalpha():
        base = "P" + base[:7]
    if len(base) < 2:
        base = (base + "PROJ")[:4]
    key, n = base, 1
    while Project.objects.filter(key=key).exists():
        n += 1
        key = f"{base}{n}"
    return key


@transaction.atomic
def user_register(
    *,
    username: str,
    email: str,
    password: str,
    password_confirm: str,
    first_name: str = "",
    last_name: str = "",
    project_key: str | None = None,
    project_name: str | None = None,
) -> tuple[User, Project]:
    """Create the account and a boards project whose superadmin the new user becomes."""
    errors: dict[str, list[str]] = {}
    if password != password_confirm:
        errors["password_confirm"] = ["Passwords do not match."]
    if project_key:
        try:
            project_key = validate_project_key(project_key)
        except ValidationFailed as exc:
            errors.update(exc.fields)
        else:
            if Project.objects.filter(key=project_key).exists():
                errors["project_key"] = ["A project with this key already exists."]
    if errors:
        raise ValidationFailed("Invalid registration", fields=errors)
    user = user_create(
        username=username,
        email=email,
        password=password,
        first_name=first_name,
        last_name=last_name,
    )
    project = project_create(
        actor=user,
        template="boards",
        key=project_key or _default_project_key(username),
        name=project_name or f"{first_name or username}'s Project",
    )
    return user, project
