"""Optimistic concurrency on ``PATCH /api/tickets/<uuid>`` (issue 10): the detail and update
responses carry ``ETag: "<version>"``; a request with a stale ``If-Match`` gets 409 in
document 001's error envelope with ``current_version`` and changes nothing. Without
``If-Match`` nothing changes from the document's behaviour."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from tessera.core.accounts.authentication import AUTH_COOKIE_NAME
from tessera.core.tickets.models import Ticket
from tessera.core.triage.models import TicketTriage
from tests.conftest import jwt_for

from .conftest import error_of

NOTES = {"helpful_notes": "Checked the router configuration."}


def etag_of(response) -> int:
    tag = response["ETag"]
    assert tag.startswith('"') and tag.endswith('"'), tag
    return int(tag.strip('"'))


@pytest.mark.django_db
def test_detail_and_update_send_the_version_as_etag(desk, client_for, make_ticket):
    ticket = make_ticket(desk.user)
    client = client_for(desk.mod)
    r = client.get(f"/api/tickets/{ticket.public_id}")
    version = etag_of(r)
    assert version == Ticket.objects.get(pk=ticket.pk).version
    r = client.patch(
        f"/api/tickets/{ticket.public_id}", NOTES, format="json", HTTP_IF_MATCH=f'"{version}"'
    )
    assert r.status_code == 200, r.content
    assert etag_of(r) == version + 1 == Ticket.objects.get(pk=ticket.pk).version
    assert r.json()["data"]["helpful_notes"] == NOTES["helpful_notes"]


@pytest.mark.django_db
@pytest.mark.parametrize("header", ['"{v}"', 'W/"{v}"', "{v}", "*"])
def test_a_matching_if_match_is_applied(desk, client_for, make_ticket, header):
    ticket = make_ticket(desk.user)
    version = Ticket.objects.get(pk=ticket.pk).version
    r = client_for(desk.mod).patch(
        f"/api/tickets/{ticket.public_id}",
        {"status": "in_progress"},
        format="json",
        HTTP_IF_MATCH=header.format(v=version),
    )
    assert r.status_code == 200, r.content
    assert r.json()["data"]["status"] == "in_progress"


@pytest.mark.django_db
@pytest.mark.parametrize("stale", ['"{old}"', '"abc"', '"99999999999999999999999"', "W/"])
def test_a_stale_if_match_is_409_with_the_current_version_and_changes_nothing(
    desk, client_for, make_ticket, stale
):
    ticket = make_ticket(desk.user)
    client = client_for(desk.mod)
    old = Ticket.objects.get(pk=ticket.pk).version
    r = client.patch(f"/api/tickets/{ticket.public_id}", {"status": "in_progress"}, format="json")
    assert r.status_code == 200  # without If-Match: as the document says
    current = etag_of(r)
    assert current > old
    r = client.patch(
        f"/api/tickets/{ticket.public_id}",
        {"status": "cancelled", **NOTES},
        format="json",
        HTTP_IF_MATCH=stale.format(old=old),
    )
    assert r.status_code == 409, r.content
    body = r.json()
    assert body["success"] is False and body["statusCode"] == 409
    assert body["message"] == "The ticket changed since you read it"
    assert body["path"] == f"/api/tickets/{ticket.public_id}"
    assert body["current_version"] == current and etag_of(r) == current
    fresh = Ticket.objects.select_related("state").get(pk=ticket.pk)
    assert fresh.state.key == "in_progress" and fresh.version == current
    assert TicketTriage.objects.get(ticket=ticket).helpful_notes is None


@pytest.mark.django_db
def test_if_match_does_not_bypass_roles_or_validation(desk, client_for, make_ticket):
    ticket = make_ticket(desk.user)
    path = f"/api/tickets/{ticket.public_id}"
    r = client_for(desk.user).patch(path, NOTES, format="json", HTTP_IF_MATCH='"0"')
    assert r.status_code == 403
    r = client_for(desk.mod).patch(path, {"status": "nope"}, format="json", HTTP_IF_MATCH='"0"')
    assert r.status_code == 400 and error_of(r)["error"] == "Status must be a valid ticket status"


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_moderators_racing_on_one_version_one_wins(desk, make_ticket, settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks and real concurrent transactions")
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    ticket = make_ticket(desk.user)
    version = Ticket.objects.get(pk=ticket.pk).version
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def patch(user, status: str) -> None:
        try:
            client = APIClient()
            client.cookies[AUTH_COOKIE_NAME] = jwt_for(user)
            barrier.wait()
            r = client.patch(
                f"/api/tickets/{ticket.public_id}",
                {"status": status},
                format="json",
                HTTP_IF_MATCH=f'"{version}"',
            )
            statuses.append(r.status_code)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=patch, args=(desk.mod, "in_progress")),
        threading.Thread(target=patch, args=(desk.admin, "cancelled")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [200, 409]
    assert Ticket.objects.get(pk=ticket.pk).version == version + 1
