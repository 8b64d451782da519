"""The ticket page: conversation, internal notes, files, timeline, assign, state, follow, tags."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tessera.core.audit.models import Event
from tessera.core.tickets.models import Attachment, Comment, Ticket, TicketFollower
from tessera.core.tickets.services import comment_add

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(desk, make_ticket):
    return make_ticket(desk["project"], desk["customer"], "VPN drops", description="every hour")


def test_public_reply_and_internal_note_are_visibly_different(desk, ticket, browser_client):
    c = browser_client(desk["agent"])
    r = c.post(f"/tickets/{ticket.pk}/comment/", {"body": "We are on it", "visibility": "public"})
    assert r.status_code == 302 and r["Location"] == f"/tickets/{ticket.pk}/"
    c.post(
        f"/tickets/{ticket.pk}/comment/", {"body": "Looks like ISP issue", "visibility": "internal"}
    )
    page = c.get(f"/tickets/{ticket.pk}/").content.decode()
    assert re.search(r'class="comment internal".*?Internal note.*?Looks like ISP issue', page, re.S)
    assert re.search(r'class="comment public".*?Public reply.*?We are on it', page, re.S)
    assert Comment.objects.filter(ticket=ticket, is_internal=True).count() == 1


def test_customer_never_sees_internal_notes(desk, ticket, browser_client):
    comment_add(actor=desk["agent"], ticket=ticket, body="SECRET-NOTE", is_internal=True)
    comment_add(actor=desk["agent"], ticket=ticket, body="Public answer")
    c = browser_client(desk["customer"])
    for url in (f"/portal/tickets/{ticket.pk}/", f"/tickets/{ticket.pk}/"):
        page = c.get(url).content.decode()
        assert "Public answer" in page
        assert "SECRET-NOTE" not in page and "internal note" not in page.lower(), url


def test_customer_cannot_post_an_internal_note(desk, ticket, browser_client):
    c = browser_client(desk["customer"])
    r = c.post(
        f"/tickets/{ticket.pk}/comment/",
        {"body": "sneaky", "visibility": "internal", "page": "portal"},
    )
    assert r.status_code == 403
    assert "permission" in r.content.decode()
    assert not Comment.objects.filter(ticket=ticket).exists()


def test_empty_reply_is_refused_inline(desk, ticket, browser_client):
    r = browser_client(desk["agent"]).post(f"/tickets/{ticket.pk}/comment/", {"body": "  "})
    assert r.status_code == 400
    assert 'id="comment-errors"' in r.content.decode()


def test_other_customers_ticket_is_not_found(desk, ticket, browser_client):
    c = browser_client(desk["stranger"])
    assert c.get(f"/tickets/{ticket.pk}/").status_code == 404
    assert c.get(f"/portal/tickets/{ticket.pk}/").status_code == 404
    assert c.post(f"/tickets/{ticket.pk}/comment/", {"body": "hi"}).status_code == 404
    assert c.get("/tickets/999999/").status_code == 404


def test_upload_and_download_with_original_name(desk, ticket, browser_client):
    c = browser_client(desk["customer"])
    upload = SimpleUploadedFile("réseau log.txt", b"line 1\nline 2\n", content_type="text/plain")
    r = c.post(f"/tickets/{ticket.pk}/attach/", {"file": upload, "page": "portal"})
    assert r.status_code == 302 and r["Location"] == f"/portal/tickets/{ticket.pk}/"
    att = Attachment.objects.get(ticket=ticket)
    assert att.filename == "réseau log.txt"
    assert "réseau log.txt" not in att.file.name  # stored under a generated name
    r = browser_client(desk["agent"]).get(f"/files/{att.pk}/")
    assert r.status_code == 200
    assert b"".join(r.streaming_content) == b"line 1\nline 2\n"
    assert "attachment" in r["Content-Disposition"]
    assert "r%C3%A9seau%20log.txt" in r["Content-Disposition"]
    assert browser_client(desk["stranger"]).get(f"/files/{att.pk}/").status_code == 404
    assert browser_client(desk["agent"]).get("/files/123456/").status_code == 404


def test_missing_file_is_refused_inline(desk, ticket, browser_client):
    r = browser_client(desk["agent"]).post(f"/tickets/{ticket.pk}/attach/", {})
    assert r.status_code == 400
    assert "No file was submitted." in r.content.decode()


def test_state_menu_offers_only_allowed_transitions(desk, ticket, browser_client):
    c = browser_client(desk["agent"])
    page = c.get(f"/tickets/{ticket.pk}/").content.decode()
    select = re.search(r'<select id="state-select".*?</select>', page, re.S).group(0)
    assert re.findall(r'value="([^"]+)"', select) == ["in_progress", "cancelled"]
    # the customer holds no transition permission: no menu at all
    assert (
        'id="state-select"'
        not in browser_client(desk["customer"]).get(f"/tickets/{ticket.pk}/").content.decode()
    )


def test_state_change_and_refused_change(desk, ticket, browser_client):
    c = browser_client(desk["agent"])
    r = c.post(f"/tickets/{ticket.pk}/state/", {"state": "resolved"})
    assert r.status_code == 400
    assert "Cannot move from todo to resolved" in r.content.decode()
    ticket.refresh_from_db()
    assert ticket.state.key == "todo"
    assert c.post(f"/tickets/{ticket.pk}/state/", {"state": "in_progress"}).status_code == 302
    ticket.refresh_from_db()
    assert ticket.state.key == "in_progress"
    r = browser_client(desk["customer"]).post(f"/tickets/{ticket.pk}/state/", {"state": "resolved"})
    assert r.status_code == 403
    ticket.refresh_from_db()
    assert ticket.state.key == "in_progress"


def test_assign_follow_tags_and_timeline(desk, ticket, browser_client):
    c = browser_client(desk["agent"])
    assert (
        c.post(f"/tickets/{ticket.pk}/assign/", {"assignees": [desk["agent2"].pk]}).status_code
        == 302
    )
    assert list(Ticket.objects.get(pk=ticket.pk).assignees.all()) == [desk["agent2"]]
    bad = c.post(f"/tickets/{ticket.pk}/assign/", {"assignees": [desk["stranger"].pk + 1000]})
    assert bad.status_code == 400
    assert c.post(f"/tickets/{ticket.pk}/follow/").status_code == 302
    assert TicketFollower.objects.filter(ticket=ticket, user=desk["agent"]).exists()
    c.post(f"/tickets/{ticket.pk}/follow/")
    assert not TicketFollower.objects.filter(ticket=ticket, user=desk["agent"]).exists()
    # a moderator may not create tags (no manage_tags): refused inline, nothing changes
    r = c.post(f"/tickets/{ticket.pk}/tags/", {"tags": "network, vpn"})
    assert r.status_code == 400 and "Tag &#x27;network&#x27; does not exist." in r.content.decode()
    assert not ticket.tags.exists()
    # the customer may not change tags at all
    r = browser_client(desk["customer"]).post(f"/tickets/{ticket.pk}/tags/", {"tags": ""})
    assert r.status_code == 403
    assert (
        c.post(
            f"/tickets/{ticket.pk}/edit/", {"title": "VPN drops hourly", "priority": "4"}
        ).status_code
        == 302
    )
    assert c.post(f"/tickets/{ticket.pk}/edit/", {"priority": "99"}).status_code == 400
    page = c.get(f"/tickets/{ticket.pk}/").content.decode()
    timeline = page.split('id="timeline"')[1]
    assert "created the ticket" in timeline and "assigned to agent2" in timeline
    assert "changed title from “VPN drops” to “VPN drops hourly”" in timeline
    assert Event.objects.filter(ticket=ticket, field="priority").exists()


def test_ticket_page_query_count_is_constant(desk, ticket, browser_client):
    c = browser_client(desk["agent"])

    def count(n: int) -> int:
        for i in range(n):
            comment_add(actor=desk["agent"], ticket=ticket, body=f"c{i}", is_internal=i % 2 == 0)
            c.post(
                f"/tickets/{ticket.pk}/attach/",
                {"file": SimpleUploadedFile(f"f{i}.txt", b"x")},
            )
        c.get(f"/tickets/{ticket.pk}/")
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(f"/tickets/{ticket.pk}/").status_code == 200
        return len(ctx.captured_queries)

    assert count(1) == count(10)


def test_create_ticket_page(desk, browser_client):
    c = browser_client(desk["agent"])
    page = c.get("/tickets/new/")
    assert b'<label for="new-title">' in page.content
    r = c.post(
        "/tickets/new/",
        {"project": desk["project"].pk, "title": "Fresh", "description": "d", "priority": "4"},
    )
    t = Ticket.objects.get(title="Fresh")
    assert r.status_code == 302 and r["Location"] == f"/tickets/{t.pk}/"
    assert t.priority == 4 and t.created_by == desk["agent"]
    r = c.post("/tickets/new/", {"project": desk["project"].pk, "title": ""})
    assert r.status_code == 400 and b"This field is required." in r.content
    r = c.post("/tickets/new/", {"project": "nope", "title": "x"})
    assert r.status_code == 400 and b"Choose a project." in r.content
    partial = c.get(
        f"/tickets/new/?project={desk['project'].pk}",
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="priority-field",
    )
    assert partial.content.decode().strip().startswith('<div id="priority-field">')


def test_assigning_a_workshop_ticket_follows_the_workshop_rules(
    browser_client, make_project, member
):
    """The generic assign form may not bypass the workshop's admin-review rule."""
    from tessera.core.tickets.models import TicketAssignment
    from tessera.core.workshop import services as wss

    project = make_project("workshop", "WSA")
    ops = member(project, "ops_manager")
    tech = member(project, "technician")
    boss = member(project, "super_admin")
    ticket = wss.workshop_ticket_create(
        actor=boss,
        project=project,
        serial_number="SN-9",
        parts=[wss.PartInput(name="Pump", color="yellow", planned_minutes=20, xp=5)],
        title="Pump",
        confirm_create=True,
        create_reason="new device",
    )
    client = browser_client(ops)
    r = client.post(f"/tickets/{ticket.pk}/assign/", {"assignees": [tech.pk]})
    assert r.status_code in (200, 302, 400)
    assert b"admin review" in r.content or r.status_code == 302
    assert not TicketAssignment.objects.filter(ticket=ticket).exists()
    # once reviewed, the same form assigns through the workshop service
    wss.workshop_metrics_override(actor=boss, ticket=ticket)
    client.post(f"/tickets/{ticket.pk}/assign/", {"assignees": [tech.pk]})
    assert list(TicketAssignment.objects.filter(ticket=ticket).values_list("user", flat=True)) == [
        tech.pk
    ]
