"""Fuzz the boards surface (document 003) from the one OpenAPI schema, for each role.

Every operation under the boards' literal resources (``/api/tickets/<resource>/…``) is
called with schema-generated (and schema-breaking) input, signed in as each role of the
document, over a project where ids 1, 2, … exist: no 5xx, and every answer's status,
content type and body are the ones the schema states.

``checks(strict_positive=True)`` is not used: the schema states types and ranges, but not
which ids exist or are visible to the role, so a schema-valid request can rightly be a 400
(the document's ``Invalid pk "N" - object does not exist.`` for ids in bodies) — see
docs/surfaces/boards.md.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from tests.boards.conftest import board, make_ticket  # noqa: F401  (fixtures)
from tests.conftest import jwt_for
from tests.fuzz.harness import MAX_EXAMPLES, checks, load_schema

RESOURCES = (
    "auth|tickets|projects|columns|tags|contacts|comments|attachments|companies|users|dashboard"
)
schema = load_schema(rf"^/api/tickets/({RESOURCES})/")

ROLES = ["superadmin", "admin", "user", "manager"]


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Requests go through the WSGI handler, whose request_finished signal closes a
    connection that is inside the test's transaction (on PostgreSQL); Django's own test
    client detaches it the same way."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def bearers(board, make_ticket) -> dict[str, dict[str, str]]:  # noqa: F811
    """Data where ids 1, 2, … exist, and a JWT for each role of the document."""
    from tessera.core.contacts.services import contact_create, tag_add_contact, tag_create

    sa = board.users["superadmin"]
    for i, creator in enumerate(["superadmin", "admin", "user", "user2"]):
        make_ticket(creator, title=f"Ticket {i}", company=board.company if i % 2 else None)
    tag = tag_create(actor=sa, project=board.project, name="backend")
    contact = contact_create(actor=sa, project=board.project, name="Giorgi", email="g@x.test")
    tag_add_contact(actor=sa, tag=tag, contact=contact, role="Primary")
    return {role: {"Authorization": f"Bearer {jwt_for(board.users[role])}"} for role in ROLES}


@schema.parametrize()
@schema.given(role=st.sampled_from(ROLES))
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_boards_never_fails(case, role, bearers):
    """Each example is sent as one of the four roles (drawn, so every role is exercised on
    every operation without running the whole module four times)."""
    case.call_and_validate(headers=bearers[role], checks=checks())
