"""The bench's floors of a list page and a create (``bench/urls.py``): what they answer is
what a surface's list and create must at the least produce, or the ratios against them
say nothing. PostgreSQL's SQL (``= ANY`` of an array, ``gen_random_uuid``), as the bench."""

from __future__ import annotations

import pytest
from django.db import connection

from tessera.core.audit.models import Event
from tessera.core.tickets.models import Tag, Ticket
from tessera.core.tickets.services import ticket_create

from ..conftest import jwt_for

pytestmark = [pytest.mark.postgres_only, pytest.mark.urls("bench.urls")]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("the floors' SQL is PostgreSQL's, as the bench's database is")


@pytest.fixture
def desk(db, make_project, make_user):
    owner = make_user(is_superuser=True, first_name="Ada", last_name="Admin")
    project = make_project("servicedesk", owner=owner)
    return project, owner


def test_the_least_list_page_answers_the_newest_tickets_with_assignees_and_tags(desk, client):
    project, owner = desk
    tag = Tag.objects.create(project=project, name="vpn")
    made = [
        ticket_create(actor=owner, project=project, title=f"Ticket {i}", description="d")
        for i in range(23)
    ]
    made[-1].tags.add(tag)
    tagged = ticket_create(
        actor=owner, project=project, title="Assigned", tags=[tag], assignees=[owner]
    )
    assert client.get("/bench/floor/list").status_code == 401
    response = client.get("/bench/floor/list", HTTP_AUTHORIZATION=f"Bearer {jwt_for(owner)}")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 24
    results = body["results"]
    newest = sorted([*made, tagged], key=lambda t: (t.created_at, t.pk), reverse=True)[:20]
    assert [r["id"] for r in results] == [t.pk for t in newest]
    first = results[0]
    assert first["subject"] == "Assigned"
    assert first["ticket_number"] == f"{project.key}-{tagged.number}"
    assert first["status"] == tagged.state.key
    assert first["tags"] == "vpn"
    assert first["assigned_to"] == [{"id": owner.pk, "name": "Ada Admin"}]
    assert first["created_by_name"] == "Ada Admin"
    assert first["created_at"].endswith("Z")
    assert results[1]["tags"] == "vpn" and results[1]["assigned_to"] == []
    assert results[2]["tags"] == ""


def test_the_least_create_takes_the_next_number_and_writes_its_event(desk, client):
    project, owner = desk
    before = ticket_create(actor=owner, project=project, title="Before")
    path = f"/bench/floor/create/{project.pk}"
    body = '{"subject": "Floor", "description": "made by the floor"}'
    assert client.post(path, body, content_type="application/json").status_code == 401
    auth = {"HTTP_AUTHORIZATION": f"Bearer {jwt_for(owner)}"}
    numbers = []
    for _ in range(2):
        response = client.post(path, body, content_type="application/json", **auth)
        assert response.status_code == 201
        numbers.append(response.json()["number"])
    assert numbers == [before.number + 1, before.number + 2]
    created = Ticket.objects.get(pk=response.json()["id"])
    assert (created.title, created.description, created.project_id) == (
        "Floor",
        "made by the floor",
        project.pk,
    )
    assert created.state.is_initial and created.created_by_id == owner.pk
    event = Event.objects.get(ticket=created)
    assert (event.action, event.actor_id, event.new_value) == ("created", owner.pk, "Floor")
