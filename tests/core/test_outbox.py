"""A failing mail server delays mail but loses none: the outbox keeps the message, records
the error, and the retry task delivers it once the server is back (real SMTP)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tessera.core.common import clock
from tessera.core.notifications.models import OutboundEmail
from tessera.core.notifications.services import email_enqueue, email_retry_due, email_send_now

pytestmark = pytest.mark.django_db


def test_mail_waits_in_the_outbox_while_smtp_is_down(settings, smtp_inbox):
    smtp_inbox.stop()  # the mail server is down
    settings.EMAIL_TIMEOUT = 2
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}

    email = email_enqueue(to=["ann@example.test"], subject="Ticket TKT-000001", body_text="Hi")
    assert email_send_now(email.pk) is False  # nobody listens on the port
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED
    assert email.attempts == 1 and email.last_error
    assert email.next_attempt_at > clock.now()

    smtp_inbox.start()  # back, on the same port
    assert email_retry_due() == 0  # not due yet: backoff
    with clock.frozen_at(email.next_attempt_at + timedelta(seconds=1)):
        assert email_retry_due() == 1
    assert email_retry_due() == 0  # sent once, never again
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT and email.attempts == 2
    assert len(smtp_inbox.received) == 1 and b"TKT-000001" in smtp_inbox.received[0].raw


def test_the_same_notice_is_queued_once(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    first = email_enqueue(to=["a@example.test"], subject="s", body_text="b", dedupe_key="k1")
    second = email_enqueue(to=["a@example.test"], subject="s", body_text="b", dedupe_key="k1")
    assert first.pk == second.pk
    assert OutboundEmail.objects.count() == 1
