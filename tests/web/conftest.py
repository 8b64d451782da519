"""Fixtures for the web UI tests: a support desk with an agent, a customer and tickets."""

from __future__ import annotations

import pytest
from django.test import Client

from tessera.core.tickets.services import ticket_create

PASSWORD = "pw-Secret-123"


@pytest.fixture
def desk(make_project, member):
    """A support project with an admin-agent, a moderator, two customers and a manager."""
    project = make_project("support", "DESK", name="Help desk")
    agent = member(project, "moderator", "agent")
    other_agent = member(project, "moderator", "agent2")
    customer = member(project, "user", "carol")
    stranger = member(project, "user", "sam")
    return {
        "project": project,
        "agent": agent,
        "agent2": other_agent,
        "customer": customer,
        "stranger": stranger,
    }


@pytest.fixture
def browser_client():
    """``browser_client(user)`` → a Django test Client signed in through the session."""

    def make(user=None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def make_ticket():
    def make(project, actor, title="Printer is on fire", **kwargs):
        return ticket_create(actor=actor, project=project, title=title, **kwargs)

    return make


@pytest.fixture
def shop(make_project, member):
    """A workshop project with an admin, a technician, an inspector and one approved,
    assigned ticket (through the workshop core's own services)."""
    from tessera.core.workshop import services as wss

    project = make_project("workshop", "SHOP", name="Repair shop")
    admin = member(project, "super_admin", "boss")
    tech = member(project, "technician", "tina")
    qc = member(project, "qc_inspector", "quinn")
    ticket = wss.workshop_ticket_create(
        actor=admin,
        project=project,
        serial_number="SN-1",
        parts=[wss.PartInput(name="Screen", color="green", planned_minutes=30, xp=20)],
        title="Replace screen",
        confirm_create=True,
        create_reason="new device",
    )
    wss.workshop_metrics_override(actor=admin, ticket=ticket)
    wss.workshop_ticket_assign(actor=admin, ticket=ticket, technician=tech)
    return {"project": project, "admin": admin, "tech": tech, "qc": qc, "ticket": ticket}
