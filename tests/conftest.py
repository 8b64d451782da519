"""Shared fixtures: users, projects from blueprints, API clients per auth style, a real SMTP
server."""

from __future__ import annotations

import email
import itertools
import os
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message

import pytest
from aiosmtpd.controller import Controller
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from tessera.core.accounts.services import user_create
from tessera.core.projects.services import membership_set, project_create

_seq = itertools.count(1)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """``TESSERA_TEST_SHARD=k/n`` keeps every n-th collected test from the k-th on (CI runs
    the PostgreSQL suite as two such shards beside the SQLite run: three processes on two
    cores; together the shards run every test once)."""
    shard = os.environ.get("TESSERA_TEST_SHARD", "")
    if not shard:
        return
    k, n = (int(part) for part in shard.split("/"))
    if not 1 <= k <= n:
        raise pytest.UsageError(f"TESSERA_TEST_SHARD={shard}: want k/n with 1 <= k <= n")
    kept = items[k - 1 :: n]
    config.hook.pytest_deselected(items=[item for i, item in enumerate(items) if i % n != k - 1])
    items[:] = kept


@pytest.fixture
def make_user(db):
    def make(username: str | None = None, *, password: str = "pw-Secret-123", **kwargs):
        n = next(_seq)
        username = username or f"user{n}"
        return user_create(
            username=username,
            email=kwargs.pop("email", f"{username}@example.test"),
            password=password,
            validate=False,
            **kwargs,
        )

    return make


@pytest.fixture
def make_project(db):
    def make(template: str, key: str | None = None, *, name: str = "Project", owner=None):
        return project_create(
            actor=owner, template=template, key=key or f"P{next(_seq)}", name=name
        )

    return make


@pytest.fixture
def member(db):
    """``member(project, role, username=None)`` → a new user holding ``role`` in ``project``."""

    def make(project, role: str, username: str | None = None, **kwargs):
        n = next(_seq)
        username = username or f"{role}{n}"
        user = user_create(
            username=username,
            email=f"{username}@example.test",
            password="pw-Secret-123",
            validate=False,
            **kwargs,
        )
        membership_set(actor=None, project=project, user=user, role=role)
        return user

    return make


def jwt_for(user) -> str:
    return str(RefreshToken.for_user(user).access_token)


@pytest.fixture
def api():
    """``api(user=None)`` → an APIClient sending the user's JWT as a Bearer token."""

    def make(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {jwt_for(user)}")
        return client

    return make


@dataclass(frozen=True)
class ReceivedMail:
    """One message the test SMTP server accepted: its envelope recipients and its bytes."""

    recipients: list[str]
    raw: bytes

    @property
    def message(self) -> Message:
        return email.message_from_bytes(self.raw)


class SmtpInbox:
    """A real SMTP server (aiosmtpd) on loopback keeping what it receives in ``received``.
    ``stop()`` takes it down and ``start()`` brings it back on the same ``port``."""

    host = "127.0.0.1"

    def __init__(self) -> None:
        with socket.socket() as s:  # a port nobody listens on, for this server
            s.bind((self.host, 0))
            self.port: int = s.getsockname()[1]
        self.received: list[ReceivedMail] = []
        self._controller: Controller | None = None

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd API)
        self.received.append(ReceivedMail(list(envelope.rcpt_tos), envelope.original_content))
        return "250 Message accepted for delivery"

    def start(self) -> None:
        self._controller = Controller(self, hostname=self.host, port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@pytest.fixture
def smtp_inbox(settings) -> Iterator[SmtpInbox]:
    """A running ``SmtpInbox``. This process's Django mail goes to it over SMTP; a subprocess
    needs ``EMAIL_HOST``/``EMAIL_PORT`` from ``smtp_inbox.host``/``smtp_inbox.port``."""
    inbox = SmtpInbox()
    inbox.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = inbox.host
    settings.EMAIL_PORT = inbox.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield inbox
    finally:
        inbox.stop()
