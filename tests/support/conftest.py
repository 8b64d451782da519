"""A support desk (document 001) with users, moderators with skills and an admin, and
clients that authenticate the way document 001's browsers do: the HTTP-only cookie."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from rest_framework.test import APIClient

from tessera.core.accounts.authentication import AUTH_COOKIE_NAME
from tessera.core.accounts.services import user_set_skills
from tessera.core.triage.services import support_ticket_create
from tests.conftest import jwt_for

FRONTEND = {"Frontend Development": 5, "React": 4, "Routing": 4}
BACKEND = {"Databases": 5, "PostgreSQL": 4, "Email": 3}


@dataclass
class Desk:
    project: object
    user: object
    other: object
    mod: object
    mod2: object
    admin: object


@pytest.fixture
def desk(make_project, member) -> Desk:
    project = make_project("support", "SUP")
    mod = member(project, "moderator", "mod_front")
    mod2 = member(project, "moderator", "mod_back")
    user_set_skills(user=mod, skills=FRONTEND)
    user_set_skills(user=mod2, skills=BACKEND)
    return Desk(
        project=project,
        user=member(project, "user", "uma"),
        other=member(project, "user", "ulf"),
        mod=mod,
        mod2=mod2,
        admin=member(project, "admin", "alan"),
    )


@pytest.fixture
def client_for():
    """``client_for(user)`` → an APIClient carrying the user's access cookie."""

    def make(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.cookies[AUTH_COOKIE_NAME] = jwt_for(user)
        return client

    return make


@pytest.fixture
def make_ticket():
    def make(
        user,
        title: str = "Cannot access dashboard",
        description: str = "The dashboard shows a 404 error since the update.",
    ):
        return support_ticket_create(actor=user, title=title, description=description)

    return make


def error_of(response) -> dict:
    body = response.json()
    assert body["success"] is False
    assert body["statusCode"] == response.status_code
    assert set(body) <= {"success", "statusCode", "message", "timestamp", "path", "error"}
    assert {"success", "statusCode", "message", "timestamp", "path"} <= set(body)
    return body
