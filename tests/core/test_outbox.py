"""A failing mail server delays mail but loses none: the outbox keeps the message, records
the error, and the retry task delivers it once the server is back (real SMTP)."""

from __future__ import annotations

import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller

from tessera.core.common import clock
from tessera.core.notifications.models import OutboundEmail
from tessera.core.notifications.services import email_enqueue, email_retry_due, email_send_now

pytestmark = pytest.mark.django_db


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd API)
        self.messages.append(envelope.content)
        return "250 OK"


def test_mail_waits_in_the_outbox_while_smtp_is_down(settings):
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_TIMEOUT = 2
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}

    email = email_enqueue(to=["ann@example.test"], subject="Ticket TKT-000001", body_text="Hi")
    assert email_send_now(email.pk) is False  # nobody listens on the port
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED
    assert email.attempts == 1 and email.last_error
    assert email.next_attempt_at > clock.now()

    inbox = Inbox()
    server = Controller(inbox, hostname="127.0.0.1", port=port)
    server.start()
    try:
        assert email_retry_due() == 0  # not due yet: backoff
        with clock.frozen_at(email.next_attempt_at + timedelta(seconds=1)):
            assert email_retry_due() == 1
        assert email_retry_due() == 0  # sent once, never again
    finally:
        server.stop()
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT and email.attempts == 2
    assert len(inbox.messages) == 1 and b"TKT-000001" in inbox.messages[0]


def test_the_same_notice_is_queued_once(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    first = email_enqueue(to=["a@example.test"], subject="s", body_text="b", dedupe_key="k1")
    second = email_enqueue(to=["a@example.test"], subject="s", body_text="b", dedupe_key="k1")
    assert first.pk == second.pk
    assert OutboundEmail.objects.count() == 1
