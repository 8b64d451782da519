"""Customer portal: own and company tickets only, filing a ticket, replying."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tessera.core.organizations.models import Company
from tessera.core.tickets.models import Comment, Ticket

pytestmark = pytest.mark.django_db


def test_portal_lists_only_own_tickets(desk, make_ticket, browser_client):
    make_ticket(desk["project"], desk["customer"], "Mine")
    make_ticket(desk["project"], desk["stranger"], "Not mine")
    page = browser_client(desk["customer"]).get("/portal/").content.decode()
    assert "Mine" in page and "Not mine" not in page


def test_company_tickets_are_visible_to_colleagues(make_project, member, browser_client):
    from tessera.core.tickets.services import ticket_create

    project = make_project("boards", "ACME")
    alice = member(project, "user", "alice")
    bob = member(project, "user", "bob")
    eve = member(project, "user", "eve")
    acme = Company.objects.create(name="Acme")
    acme.users.add(alice, bob)
    c = browser_client(alice)
    form = c.get("/portal/new/").content.decode()
    assert 'for="new-company"' in form and "Acme" in form
    r = c.post(
        "/portal/new/",
        {"project": project.pk, "title": "Office Wi-Fi down", "company": acme.pk},
    )
    t = Ticket.objects.get(title="Office Wi-Fi down")
    assert r.status_code == 302 and r["Location"] == f"/portal/tickets/{t.pk}/"
    assert t.company == acme
    ticket_create(actor=eve, project=project, title="Eve private")
    bob_page = browser_client(bob).get("/portal/").content.decode()
    assert "Office Wi-Fi down" in bob_page and "Eve private" not in bob_page
    assert browser_client(eve).get(f"/portal/tickets/{t.pk}/").status_code == 404


def test_file_and_reply_in_portal(desk, browser_client):
    c = browser_client(desk["customer"])
    r = c.post("/portal/new/", {"project": desk["project"].pk, "title": "Need a laptop"})
    t = Ticket.objects.get(title="Need a laptop")
    assert r["Location"] == f"/portal/tickets/{t.pk}/"
    page = c.get(f"/portal/tickets/{t.pk}/").content.decode()
    assert "Visibility" not in page and 'name="visibility"' not in page
    r = c.post(f"/tickets/{t.pk}/comment/", {"body": "Any news?", "page": "portal"})
    assert r.status_code == 302 and r["Location"] == f"/portal/tickets/{t.pk}/"
    assert Comment.objects.get(ticket=t).is_internal is False


def test_portal_hides_internal_notes_even_from_agents(desk, make_ticket, browser_client):
    from tessera.core.tickets.services import comment_add

    t = make_ticket(desk["project"], desk["customer"], "X")
    comment_add(actor=desk["agent"], ticket=t, body="INTERNAL-ONLY", is_internal=True)
    page = browser_client(desk["agent"]).get(f"/portal/tickets/{t.pk}/").content.decode()
    assert "INTERNAL-ONLY" not in page


def test_portal_query_count_is_constant(desk, make_ticket, browser_client):
    c = browser_client(desk["customer"])

    def count(n: int) -> int:
        for i in range(n):
            make_ticket(desk["project"], desk["customer"], f"T{i}")
        c.get("/portal/")
        with CaptureQueriesContext(connection) as ctx:
            c.get("/portal/")
        return len(ctx.captured_queries)

    assert count(1) == count(12)
