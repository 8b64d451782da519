"""Background email work on the Django Tasks API."""

from __future__ import annotations

from django_tasks import task

from .services import email_retry_due, email_send_now


@task()
def send_email(email_id: int) -> bool:
    return email_send_now(email_id)


@task()
def retry_outbox() -> int:
    return email_retry_due()
