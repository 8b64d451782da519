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


@pytest.fixture
def boards(make_project, member):
    """A boards project (document 003) with admin, manager and user, three linked companies
    (one with an overdue ticket, one with a Highest-priority ticket, one idle)."""
    from datetime import timedelta

    from tessera.core.common import clock
    from tessera.core.organizations.models import Company
    from tessera.core.tickets.services import ticket_assign, ticket_transition

    p = make_project("boards", "BRD", name="Client board")
    admin = member(p, "admin", "badmin")
    manager = member(p, "manager", "bmanager")
    plain = member(p, "user", "buser")
    late_co = Company.objects.create(name="Latecorp")
    hot_co = Company.objects.create(name="Hotcorp")
    idle_co = Company.objects.create(name="Idlecorp")
    for c in (late_co, hot_co, idle_co):
        c.projects.add(p)
    now = clock.now()
    late = ticket_create(
        actor=admin, project=p, title="Late one", company=late_co, due_date=now - timedelta(days=2)
    )
    hot = ticket_create(actor=admin, project=p, title="Server down", company=hot_co, priority=5)
    calm = ticket_create(actor=admin, project=p, title="Calm", priority=2)
    ticket_assign(actor=admin, ticket=late, assignees=[admin])
    ticket_assign(actor=admin, ticket=calm, assignees=[admin])
    ticket_transition(actor=admin, ticket=calm, to_state="in_progress")
    return {"project": p, "admin": admin, "manager": manager, "user": plain, "hot": hot}


@pytest.fixture
def servicedesk(make_project, member):
    """A service-desk project (document 002) with one agent and four tickets."""
    from datetime import timedelta

    from tessera.core.common import clock
    from tessera.core.tickets.services import ticket_assign, ticket_transition

    p = make_project("servicedesk", "SD", name="Service desk")
    agent = member(p, "agent", "sdagent")
    now = clock.now()
    for i, prio in enumerate((1, 3, 3, 5)):
        t = ticket_create(
            actor=agent,
            project=p,
            title=f"SD {i}",
            priority=prio,
            due_date=now - timedelta(days=1) if i == 0 else None,
        )
        if i == 1:
            ticket_assign(actor=agent, ticket=t, assignees=[agent])
        if i == 2:
            ticket_transition(actor=agent, ticket=t, to_state="resolved")
    return {"project": p, "agent": agent}
