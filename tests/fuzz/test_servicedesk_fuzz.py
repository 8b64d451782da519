"""Fuzzing document 002's surface (`/api/ticketing/`) from the one OpenAPI schema, with a JWT of
each kind of caller the service desk knows: ``agent`` (everything the document shows; the
blueprint's ``admin`` holds the same permissions plus project management this surface does
not expose, so it is left out to keep the run short), ``customer`` (files and follows its own
tickets) and an ``outsider`` (signed in, no service-desk role: the document's bare
``IsAuthenticated``). Data exists for ids 1 and 2 of
every resource (tickets, comments, attachments, customers, categories, history).

Checks: no 5xx, documented status codes and content types, bodies matching their schemas.
``strict_positive`` is not used: some schema-valid values are refused by data the schema
cannot know — an unknown category slug, customer, user or ticket id in a body or filter is a
400 (the document's filters never silently ignore a value), a status move the workflow
forbids is a 400, and an unreadable upload is a 400 (docs/surfaces/servicedesk.md).
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, settings

from tests.conftest import jwt_for
from tests.fuzz.harness import MAX_EXAMPLES, checks, load_schema

schema = load_schema(r"^/api/ticketing/")

ROLES = ["agent", "customer", "outsider"]


@pytest.fixture(params=ROLES)
def credentials(request, db, make_user, make_project, member) -> dict:
    from tessera.core.crm.models import Customer
    from tessera.core.servicedesk.services import sd_comment_add, sd_ticket_create
    from tessera.core.tickets.models import Category
    from tessera.core.tickets.services import attachment_add

    desk = make_project("servicedesk", "FZSD")
    agent = member(desk, "agent")
    users = {
        "agent": agent,
        "customer": member(desk, "customer"),
        "outsider": make_user(),
    }
    for slug in ("technical", "billing"):
        Category.objects.get_or_create(project=None, slug=slug, defaults={"name": slug})
    customers = [
        Customer.objects.create(name=f"Customer {i}", email=f"c{i}@example.test") for i in range(2)
    ]
    for i, actor in enumerate([agent, users["customer"]]):
        ticket = sd_ticket_create(
            actor=actor,
            project=desk,
            subject=f"Printer {i} on fire",
            customer=customers[i],
            tags="printer, fire",
        )
        sd_comment_add(actor=agent, ticket=ticket, content="Looking into it")
        sd_comment_add(actor=agent, ticket=ticket, content="note", is_internal=True)
        attachment_add(
            actor=actor,
            ticket=ticket,
            upload=SimpleUploadedFile("log.txt", b"boom\n", content_type="text/plain"),
            description="log",
        )
    return {"headers": {"Authorization": f"Bearer {jwt_for(users[request.param])}"}}


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_servicedesk_never_fails(case, credentials):
    case.call_and_validate(**credentials, checks=checks())
