"""Shared fixtures: users, projects from blueprints, API clients per auth style."""

from __future__ import annotations

import itertools

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from tessera.core.accounts.services import user_create
from tessera.core.projects.services import membership_set, project_create

_seq = itertools.count(1)


@pytest.fixture
def make_user(db):
    def make(username: str | None = None, *, password: str = "pw-Secret-123", **kwargs):
        n = next(_seq)
        username = username or f"user{n}"
        return user_create(
            username=username,
            email=kwargs.pop("email", f"{username}@example.test"),
            password=password,
            validate=False,
            **kwargs,
        )

    return make


@pytest.fixture
def make_project(db):
    def make(template: str, key: str | None = None, *, name: str = "Project", owner=None):
        return project_create(
            actor=owner, template=template, key=key or f"P{next(_seq)}", name=name
        )

    return make


@pytest.fixture
def member(db):
    """``member(project, role, username=None)`` → a new user holding ``role`` in ``project``."""

    def make(project, role: str, username: str | None = None, **kwargs):
        n = next(_seq)
        username = username or f"{role}{n}"
        user = user_create(
            username=username,
            email=f"{username}@example.test",
            password="pw-Secret-123",
            validate=False,
            **kwargs,
        )
        membership_set(actor=None, project=project, user=user, role=role)
        return user

    return make


def jwt_for(user) -> str:
    return str(RefreshToken.for_user(user).access_token)


@pytest.fixture
def api():
    """``api(user=None)`` → an APIClient sending the user's JWT as a Bearer token."""

    def make(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {jwt_for(user)}")
        return client

    return make
