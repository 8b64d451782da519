"""Objects of another support desk, role × endpoint: never data, always 403/404, and a
refused write changes nothing. Also tickets of other templates (a service desk) that share
the ticket table: unknown on this surface (404)."""

from __future__ import annotations

import pytest

from tessera.core.tickets.models import Ticket
from tessera.core.tickets.services import ticket_create
from tessera.core.triage.models import TicketTriage

from .conftest import error_of

pytestmark = pytest.mark.django_db

ROLES = ["user", "moderator", "admin"]


@pytest.fixture
def elsewhere(make_project, member, make_ticket):
    """A second support desk with its own people and one ticket, and a service desk ticket."""
    other = make_project("support", "SUP2")
    owner = member(other, "user", "owner_elsewhere")
    ticket = make_ticket(owner)
    assert ticket.project_id == other.pk
    sd = make_project("servicedesk", "SDX")
    agent = member(sd, "admin", "sd_admin")
    sd_ticket = ticket_create(actor=agent, project=sd, title="Service desk ticket")
    return {"ticket": ticket, "sd_ticket": sd_ticket, "mod": member(other, "moderator")}


def actor(desk, role):
    return {"user": desk.user, "moderator": desk.mod, "admin": desk.admin}[role]


@pytest.mark.parametrize("role", ROLES)
def test_another_desks_ticket_is_never_shown_or_changed(desk, elsewhere, client_for, role):
    client = client_for(actor(desk, role))
    ticket = elsewhere["ticket"]
    path = f"/api/tickets/{ticket.public_id}"
    version = Ticket.objects.get(pk=ticket.pk).version
    r = client.get(path)
    assert r.status_code == 403 and "data" not in r.json()
    error_of(r)
    for method, body in [
        ("patch", {"status": "cancelled", "helpful_notes": "x"}),
        ("delete", None),
    ]:
        r = getattr(client, method)(path, body, format="json")
        assert r.status_code == 403, (method, r.content)
        assert "data" not in r.json()
    r = client.get(f"{path}/processing")
    assert r.status_code == 403 and "data" not in r.json()
    fresh = Ticket.objects.select_related("state").get(pk=ticket.pk)
    assert fresh.version == version and fresh.state.key == "todo"
    assert TicketTriage.objects.get(ticket=ticket).helpful_notes is None
    own = client.get("/api/tickets?limit=100").json()["data"]
    assert str(ticket.public_id) not in {t["id"] for t in own}
    if role != "user":
        rows = client.get("/api/tickets/all?limit=100").json()["data"]
        assert str(ticket.public_id) not in {t["id"] for t in rows}
        filtered = client.get(f"/api/tickets/all?assigned_to={elsewhere['mod'].public_id}")
        assert filtered.json()["meta"]["total"] == 0


@pytest.mark.parametrize("role", ROLES)
def test_other_templates_tickets_do_not_exist_here(desk, elsewhere, client_for, role):
    client = client_for(actor(desk, role))
    sd = elsewhere["sd_ticket"]
    path = f"/api/tickets/{sd.public_id}"
    for method in ("get", "patch", "delete"):
        r = getattr(client, method)(path, {"status": "cancelled"}, format="json")
        assert r.status_code in (403, 404), (method, r.content)
        assert error_of(r).get("message") in (
            "Ticket not found",
            "Only moderators can update tickets",
            "Only moderators and admins can delete tickets",
        )
    assert client.get(f"{path}/processing").status_code in (403, 404)
    assert Ticket.objects.filter(pk=sd.pk).exists()
    rows = client.get("/api/tickets?limit=100").json()["data"]
    assert str(sd.public_id) not in {t["id"] for t in rows}
