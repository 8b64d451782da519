"""Queue and send email through the outbox."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction

from tessera.core.common import clock

from .models import OutboundEmail

logger = logging.getLogger("tessera.notifications")
MAX_ATTEMPTS = 8


def email_enqueue(
    *,
    to: list[str],
    subject: str,
    body_text: str,
    body_html: str = "",
    dedupe_key: str | None = None,
) -> OutboundEmail | None:
    """Write the message to the outbox and send it after the surrounding transaction commits.

    ``dedupe_key`` makes the call idempotent: a second call with the same key queues nothing
    (a retried background step cannot send the same notice twice).
    """
    to = [addr for addr in to if addr]
    if not to:
        return None
    try:
        with transaction.atomic():
            email = OutboundEmail.objects.create(
                to=to,
                subject=subject[:255],
                body_text=body_text,
                body_html=body_html,
                dedupe_key=dedupe_key,
            )
    except IntegrityError:
        return OutboundEmail.objects.filter(dedupe_key=dedupe_key).first()
    transaction.on_commit(lambda: _enqueue_send(email.pk))
    return email


def _enqueue_send(email_id: int) -> None:
    from .tasks import send_email

    try:
        send_email.enqueue(email_id)
    except Exception:  # the periodic retry picks it up
        logger.exception("could not enqueue email %s; the outbox retry will send it", email_id)


def email_send_now(email_id: int) -> bool:
    """Try to send one outbox row; on failure record the error and schedule a retry with
    exponential backoff. Returns whether it was sent. Safe to call twice: a sent row is
    skipped (the row is locked while sending)."""
    with transaction.atomic():
        email = OutboundEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None or email.status in (OutboundEmail.Status.SENT, OutboundEmail.Status.DEAD):
            return False
        message = EmailMultiAlternatives(
            subject=email.subject,
            body=email.body_text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=email.to,
        )
        if email.body_html:
            message.attach_alternative(email.body_html, "text/html")
        email.attempts += 1
        try:
            message.send(fail_silently=False)
        except Exception as exc:
            email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if email.attempts >= MAX_ATTEMPTS:
                email.status = OutboundEmail.Status.DEAD
            else:
                email.status = OutboundEmail.Status.FAILED
                email.next_attempt_at = clock.now() + timedelta(
                    seconds=30 * 2 ** (email.attempts - 1)
                )
            email.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
            logger.warning(
                "email %s failed (attempt %s): %s", email.pk, email.attempts, email.last_error
            )
            return False
        email.status = OutboundEmail.Status.SENT
        email.sent_at = clock.now()
        email.last_error = ""
        email.save(update_fields=["attempts", "status", "sent_at", "last_error"])
        return True


def email_retry_due() -> int:
    """Send every pending/failed message whose time has come; returns how many were sent."""
    due = OutboundEmail.objects.filter(
        status__in=[OutboundEmail.Status.PENDING, OutboundEmail.Status.FAILED],
        next_attempt_at__lte=clock.now(),
    ).values_list("pk", flat=True)[:200]
    return sum(1 for pk in list(due) if email_send_now(pk))
