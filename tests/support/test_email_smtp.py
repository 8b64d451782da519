"""The assigned moderator's notice travels through Django's SMTP backend to a real SMTP
server (aiosmtpd on loopback); the test reads the message the server received."""

from __future__ import annotations

import pytest

from tessera.core.notifications.models import OutboundEmail
from tessera.core.triage.services import support_ticket_create

pytestmark = pytest.mark.django_db


def test_assigned_moderator_receives_text_and_html_with_a_link(
    desk, settings, django_capture_on_commit_callbacks, client_for, smtp_inbox
):
    settings.TESSERA_BASE_URL = "https://desk.example"
    with django_capture_on_commit_callbacks(execute=True):
        ticket = support_ticket_create(
            actor=desk.user,
            title="Database connection pool exhausted",
            description="PostgreSQL refuses new connections every afternoon; the database "
            "logs say too many clients already.",
        )
    assert len(smtp_inbox.received) == 1
    recipients, message = smtp_inbox.received[0].recipients, smtp_inbox.received[0].message
    assert recipients == [desk.mod2.email]  # the databases moderator
    assert message["To"] == desk.mod2.email
    assert "assigned to you" in message["Subject"]
    assert message.get_content_type() == "multipart/alternative"
    parts = {
        p.get_content_type(): p.get_payload(decode=True).decode()
        for p in message.walk()
        if not p.is_multipart()
    }
    page = f"https://desk.example/tickets/{ticket.pk}/"
    api = f"https://desk.example/api/tickets/{ticket.public_id}"
    assert page in parts["text/plain"] and api in parts["text/plain"]
    assert f'<a href="{page}">Open the ticket</a>' in parts["text/html"]
    assert f'<a href="{api}">' in parts["text/html"]
    assert ticket.title in parts["text/plain"]
    assert OutboundEmail.objects.get().status == OutboundEmail.Status.SENT
    step = client_for(desk.mod).get(f"/api/tickets/{ticket.public_id}/processing").json()
    email_step = step["data"]["steps"][-1]
    assert email_step["name"] == "send-email-notification" and email_step["status"] == "succeeded"
