"""Idempotent demo building blocks shared by each surface's demo module."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from tessera.core.accounts.models import User
from tessera.core.accounts.services import user_create
from tessera.core.projects.models import Project
from tessera.core.projects.services import membership_set, project_create

DEMO_PASSWORD = "tessera-demo"


@dataclass
class DemoBuilder:
    accounts: list[dict[str, Any]] = field(default_factory=list)
    tokens: list[dict[str, Any]] = field(default_factory=list)
    customers: list[dict[str, Any]] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    created_projects: set[int] = field(default_factory=set)
    progress: Any = None

    def say(self, text: str) -> None:
        if self.progress is not None:
            self.progress(text)

    def user(
        self,
        username: str,
        *,
        surface: str,
        role: str,
        first_name: str = "",
        last_name: str = "",
        password: str = DEMO_PASSWORD,
        is_superuser: bool = False,
        is_staff: bool = False,
        record: bool = True,
        **extra: Any,
    ) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(
                username=username,
                email=f"{username}@demo.tessera.local",
                password=password,
                first_name=first_name,
                last_name=last_name,
                is_superuser=is_superuser,
                is_staff=is_staff or is_superuser,
                validate=False,
            )
        if record:
            self.accounts.append(
                {
                    "username": user.username,
                    "email": user.email,
                    "password": password,
                    "surface": surface,
                    "role": role,
                    "id": user.pk,
                    "public_id": str(user.public_id),
                    **extra,
                }
            )
        return user

    def project(
        self,
        *,
        template: str,
        key: str,
        name: str,
        owner: User | None = None,
        description: str = "",
    ) -> Project:
        """Get or create a project; ``is_new(project)`` tells whether to seed its tickets."""
        project = Project.objects.filter(key=key).first()
        if project is None:
            with transaction.atomic():
                project = project_create(
                    actor=owner, template=template, key=key, name=name, description=description
                )
            self.created_projects.add(project.pk)
        self.projects.append(project)
        return project

    def is_new(self, project: Project) -> bool:
        return project.pk in self.created_projects

    def member(self, project: Project, user: User, role: str) -> None:
        membership_set(actor=None, project=project, user=user, role=role)

    def as_json(self) -> dict[str, Any]:
        from tessera.core.projects.models import BoardColumn

        columns: dict[int, list[dict]] = {}
        for col in BoardColumn.objects.filter(project__in=self.projects).order_by("order", "id"):
            columns.setdefault(col.project_id, []).append({"id": col.pk, "name": col.name})
        return {
            "accounts": self.accounts,
            "tokens": self.tokens,
            "customers": self.customers,
            "projects": [
                {
                    "id": p.pk,
                    "key": p.key,
                    "name": p.name,
                    "template": p.template,
                    "columns": columns.get(p.pk, []),
                }
                for p in self.projects
            ],
        }
