"""Fixtures of the service desk: one project from the blueprint, agents, an outsider,
shared categories and CRM customers."""

from __future__ import annotations

import pytest

from tessera.core.crm.models import Customer
from tessera.core.tickets.models import Category

BASE = "/api/ticketing"


@pytest.fixture
def project(make_project):
    return make_project("servicedesk", "SD")


@pytest.fixture
def agent(project, member):
    return member(project, "agent", "agent1", first_name="Anna", last_name="Agent")


@pytest.fixture
def agent2(project, member):
    return member(project, "agent", "agent2")


@pytest.fixture
def outsider(make_user):
    return make_user("outsider")


@pytest.fixture
def categories(db):
    names = [
        ("technical", "Technical"),
        ("billing", "Billing"),
        ("product", "Product Inquiry"),
        ("feature", "Feature Request"),
        ("bug", "Bug Report"),
    ]
    # the shared rows are seeded by a migration; a flushed database (transactional tests)
    # gets them back here
    return {
        slug: Category.objects.get_or_create(project=None, slug=slug, defaults={"name": name})[0]
        for slug, name in names
    }


@pytest.fixture
def customer(db):
    return Customer.objects.create(
        name="Acme", email="it@acme.example", phone="+1 555", company="Acme Corp"
    )


@pytest.fixture
def client(api, agent):
    return api(agent)


@pytest.fixture
def create(client, categories, customer):
    """``create(**fields)`` → the created ticket's JSON (asserts 201)."""

    def make(**fields):
        body = {"subject": "Cannot login", "description": "after reset", **fields}
        r = client.post(f"{BASE}/tickets/", body, format="json")
        assert r.status_code == 201, r.content
        return r.json()

    return make


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server (aiosmtpd) on 127.0.0.1; Django sends to it over SMTP.
    Yields the list of received ``email.message.Message`` objects."""
    import email
    import socket

    from aiosmtpd.controller import Controller

    received: list = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd API
            msg = email.message_from_bytes(envelope.content)
            msg["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
            received.append(msg)
            return "250 OK"

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield received
    finally:
        controller.stop()
