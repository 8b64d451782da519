"""Role × action × expected status for document 002 (the ticket belongs to another user,
so the customer role sees it only when it filed it — here it did not)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tessera.core.tickets.models import Ticket

from .conftest import BASE

pytestmark = pytest.mark.django_db

ACTIONS = {
    # name: (method, path template, body)
    "list": ("get", "tickets/", None),
    "create": ("post", "tickets/", {"subject": "New"}),
    "retrieve": ("get", "tickets/{id}/", None),
    "patch": ("patch", "tickets/{id}/", {"priority": "high"}),
    "delete": ("delete", "tickets/{id}/", None),
    "assign": ("post", "tickets/{id}/assign/", {"user_id": None}),
    "change_status": ("post", "tickets/{id}/change_status/", {"status": "open"}),
    "public_comment": ("post", "tickets/{id}/add_comment/", {"content": "hi"}),
    "statistics": ("get", "tickets/statistics/", None),
    "history": ("get", "history/", None),
    "customers": ("get", "customers/", None),
    "customer_create": ("post", "customers/", {"name": "X"}),
}

EXPECTED = {
    "agent": {
        "list": 200,
        "create": 201,
        "retrieve": 200,
        "patch": 200,
        "delete": 204,
        "assign": 200,
        "change_status": 200,
        "public_comment": 201,
        "statistics": 200,
        "history": 200,
        "customers": 200,
        "customer_create": 201,
    },
    "admin": {
        "list": 200,
        "create": 201,
        "retrieve": 200,
        "patch": 200,
        "delete": 204,
        "assign": 200,
        "change_status": 200,
        "public_comment": 201,
        "statistics": 200,
        "history": 200,
        "customers": 200,
        "customer_create": 201,
    },
    "customer": {
        "list": 200,
        "create": 201,
        "retrieve": 404,
        "patch": 404,
        "delete": 404,
        "assign": 404,
        "change_status": 404,
        "public_comment": 404,
        "statistics": 200,
        "history": 200,
        "customers": 200,
        "customer_create": 403,
    },
    "outsider": {
        "list": 200,
        "create": 403,
        "retrieve": 404,
        "patch": 404,
        "delete": 404,
        "assign": 404,
        "change_status": 404,
        "public_comment": 404,
        "statistics": 200,
        "history": 200,
        "customers": 200,
        "customer_create": 403,
    },
    "anonymous": dict.fromkeys(ACTIONS, 401),
}


@pytest.mark.parametrize("role", list(EXPECTED))
@pytest.mark.parametrize("action", list(ACTIONS))
def test_permission_matrix(role, action, api, project, member, make_user, create):
    ticket = create()
    if role == "anonymous":
        client = APIClient()
    elif role == "outsider":
        client = api(make_user())
    else:
        client = api(member(project, role))
    method, path, body = ACTIONS[action]
    before = Ticket.objects.get(pk=ticket["id"]).version
    r = getattr(client, method)(f"{BASE}/{path.format(id=ticket['id'])}", body, format="json")
    assert r.status_code == EXPECTED[role][action], (role, action, r.content[:200])
    if r.status_code >= 400 and action not in ("create", "customer_create"):
        # a refused request changes nothing
        assert Ticket.objects.get(pk=ticket["id"]).version == before
    if r.status_code == 200 and role in ("customer", "outsider") and method == "get":
        # nothing of someone else's ticket leaks into lists or statistics
        body = r.json()
        assert body.get("count", 0) == 0 and body.get("total_tickets", 0) == 0, (role, action, body)
