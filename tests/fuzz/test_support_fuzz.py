"""Fuzz the support surface (document 001) from the one OpenAPI schema, for each role.

Every operation of ``/api/tickets`` (no trailing slash), ``/api/tickets/all``,
``/api/tickets/{ticket_id}[/processing]`` and ``/api/auth/login|logout|me`` is called with
schema-generated input, carrying the access cookie of a ``user``, a ``moderator`` and an
``admin`` of a support desk that holds tickets — one of them with the schema's example id
``3fa85f64-…``, so the detail operations reach a real ticket and not only 404s.

``checks(strict_positive=True)`` holds for every operation but ``PATCH``: the schema states
every constraint on bodies and parameters (trimmed lengths, no NUL, enums, page/limit
ranges, UUID ids), so a schema-valid request is answered 2xx (or 401/403/404 by role and
id). A PATCH's ``status`` is schema-valid yet refused with 400 when the document's
workflow draws no arrow from the ticket's current status — a rule of state, not of shape.
"""

from __future__ import annotations

import uuid

import pytest
from hypothesis import HealthCheck, settings

from tessera.core.accounts.authentication import AUTH_COOKIE_NAME
from tessera.surfaces.support.schema import EXAMPLE_TICKET_ID
from tests.conftest import jwt_for
from tests.fuzz.harness import MAX_EXAMPLES, checks, load_schema

schema = load_schema(r"^/api/(tickets(/all|/\{ticket_id\}(/processing)?)?|auth/(login|logout|me))$")

ROLES = ["user", "moderator", "admin"]


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """The in-process WSGI app fires request_started/finished, whose
    ``close_old_connections`` would close the test's connection inside its transaction on
    PostgreSQL (Django's test client disconnects it the same way)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(params=ROLES)
def cookie(request, make_project, member) -> dict[str, str]:
    from tessera.core.accounts.services import user_set_skills
    from tessera.core.tickets.models import Ticket
    from tessera.core.triage.services import support_ticket_create

    project = make_project("support", "FZS")
    users = {role: member(project, role) for role in ROLES}
    user_set_skills(user=users["moderator"], skills={"React": 4, "Databases": 3})
    tickets = [
        support_ticket_create(
            actor=users[role],
            title=f"Dashboard shows 404 #{i}",
            description="The dashboard route returns a 404 page since the update.",
        )
        for i, role in enumerate(["user", "user", "moderator", "admin"])
    ]
    # the schema's example id belongs to the user's first ticket
    Ticket.objects.filter(pk=tickets[0].pk).update(public_id=uuid.UUID(EXAMPLE_TICKET_ID))
    other = make_project("support", "FZO")
    support_ticket_create(
        actor=member(other, "user"),
        title="Another desk's ticket",
        description="Nobody on the first desk may see this one.",
    )
    return {AUTH_COOKIE_NAME: jwt_for(users[request.param])}


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_support_never_fails(case, cookie):
    strict = case.operation.method.upper() != "PATCH"
    case.call_and_validate(cookies=cookie, checks=checks(strict_positive=strict))
