"""Fixtures of the service desk: one project from the blueprint, agents, an outsider,
shared categories and CRM customers."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tessera.core.crm.models import Customer
from tessera.core.tickets.models import Category

BASE = "/api/ticketing"


def comment(client, ticket_id: int, content: str, *, internal: bool = False):
    """Add a comment through the ``add_comment`` action; its response."""
    return client.post(
        f"{BASE}/tickets/{ticket_id}/add_comment/",
        {"content": content, "is_internal": internal},
        format="json",
    )


def attach(client, ticket_id: int, name: str, payload: bytes, description: str = ""):
    """Upload a file through the ``add_attachment`` action; its response."""
    return client.post(
        f"{BASE}/tickets/{ticket_id}/add_attachment/",
        {"file": SimpleUploadedFile(name, payload), "description": description},
        format="multipart",
    )


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
