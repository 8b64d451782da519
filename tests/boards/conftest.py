"""A boards project with one member per role, a company, and helpers to call the API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tessera.core.organizations.models import Company
from tessera.core.projects.models import BoardColumn, Project
from tessera.core.tickets.services import ticket_create


@dataclass
class Board:
    project: Project
    columns: list[BoardColumn]
    company: Company
    users: dict[str, Any]

    def col(self, i: int) -> int:
        return self.columns[i].pk


@pytest.fixture
def board(make_user, make_project, member):
    owner = make_user("owner", first_name="Sofia", last_name="Owner")
    project = make_project("boards", "DEMO", name="Demo Project", owner=owner)
    users = {
        "superadmin": owner,
        "admin": member(project, "admin", "itadmin", first_name="John", last_name="Smith"),
        "user": member(project, "user", "client1"),
        "manager": member(project, "manager", "boss"),
        "user2": member(project, "user", "client2"),
        "outsider": make_user("outsider"),
    }
    company = Company.objects.create(name="Nikora", description="Nikora supermarket chain")
    company.projects.add(project)
    company.users.add(users["user"])
    company.admins.add(users["admin"])
    columns = list(BoardColumn.objects.filter(project=project).order_by("order"))
    return Board(project=project, columns=columns, company=company, users=users)


@pytest.fixture
def make_ticket(board):
    def make(creator="superadmin", **kwargs):
        actor = board.users[creator] if isinstance(creator, str) else creator
        kwargs.setdefault("title", "A ticket")
        kwargs.setdefault("column", board.columns[0])
        return ticket_create(actor=actor, project=board.project, check_permission=False, **kwargs)

    return make


@pytest.fixture
def client_for(api, board):
    def make(role: str):
        return api(board.users[role])

    return make
