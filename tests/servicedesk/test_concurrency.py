"""Optimistic concurrency (issue 10): the ticket's detail and writes send ``ETag: "<version>"``;
an optional ``If-Match`` on PUT, PATCH, ``assign`` and ``change_status`` refuses a stale
version with 409 and the current version, and changes nothing."""

from __future__ import annotations

import pytest

from tessera.core.audit.models import Event
from tessera.core.tickets.models import Ticket

from .conftest import BASE

pytestmark = pytest.mark.django_db


def _etag(response) -> str:
    assert response.status_code in (200, 201), response.content[:300]
    return response["ETag"]


def test_detail_create_and_writes_send_the_version_as_etag(client, create):
    r = client.post(f"{BASE}/tickets/", {"subject": "x"}, format="json")
    assert r.status_code == 201 and r["ETag"] == '"1"'
    url = f"{BASE}/tickets/{r.json()['id']}/"
    assert _etag(client.get(url)) == '"1"'
    r = client.patch(url, {"priority": "high"}, format="json")
    assert _etag(r) == '"2"'
    r = client.post(f"{url}change_status/", {"status": "open"}, format="json")
    assert _etag(r) == '"3"'


@pytest.mark.parametrize(
    "method, suffix, body",
    [
        ("patch", "", {"priority": "high"}),
        ("put", "", {"subject": "New", "priority": "high"}),
        ("post", "change_status/", {"status": "open"}),
        ("post", "assign/", {"user_id": None}),
    ],
)
def test_stale_if_match_is_409_with_current_version_and_changes_nothing(
    client, create, agent2, method, suffix, body
):
    t = create()
    url = f"{BASE}/tickets/{t['id']}/"
    client.post(f"{url}assign/", {"user_id": agent2.pk}, format="json")  # version 2
    current = Ticket.objects.get(pk=t["id"]).version
    events = Event.objects.filter(ticket_id=t["id"]).count()
    r = getattr(client, method)(f"{url}{suffix}", body, format="json", HTTP_IF_MATCH='"1"')
    assert r.status_code == 409, r.content
    assert r.json()["current_version"] == current and "detail" in r.json()
    after = Ticket.objects.get(pk=t["id"])
    assert after.version == current and after.priority == 2 and after.state.key == "new"
    assert Event.objects.filter(ticket_id=t["id"]).count() == events
    # the current version (quoted, weak, bare or *) goes through
    for header in (f'"{current}"',):
        r = getattr(client, method)(f"{url}{suffix}", body, format="json", HTTP_IF_MATCH=header)
        assert r.status_code == 200, r.content
        assert r["ETag"] == f'"{Ticket.objects.get(pk=t["id"]).version}"'


@pytest.mark.parametrize("header", ["*", 'W/"{v}"', "{v}", '"{v}"'])
def test_if_match_forms(client, create, header):
    t = create()
    v = Ticket.objects.get(pk=t["id"]).version
    r = client.patch(
        f"{BASE}/tickets/{t['id']}/",
        {"priority": "low"},
        format="json",
        HTTP_IF_MATCH=header.format(v=v),
    )
    assert r.status_code == 200, r.content


@pytest.mark.parametrize("header", ["abc", '"1', "1.5", "-1", '"99999999999"', "\x00"])
def test_malformed_if_match_is_400_and_changes_nothing(client, create, header):
    t = create()
    r = client.patch(
        f"{BASE}/tickets/{t['id']}/", {"priority": "low"}, format="json", HTTP_IF_MATCH=header
    )
    assert r.status_code == 400 and "detail" in r.json()
    assert Ticket.objects.get(pk=t["id"]).priority == 2  # medium, unchanged


def test_without_if_match_last_write_wins_as_before(client, create):
    t = create()
    url = f"{BASE}/tickets/{t['id']}/"
    assert client.patch(url, {"priority": "low"}, format="json").status_code == 200
    assert client.patch(url, {"priority": "high"}, format="json").status_code == 200


def test_refused_role_gets_403_not_409(api, project, member, create):
    t = create()
    customer = api(member(project, "customer"))
    r = customer.post(
        f"{BASE}/tickets/{t['id']}/assign/", {"user_id": None}, format="json", HTTP_IF_MATCH='"9"'
    )
    assert r.status_code == 404  # not the customer's ticket: not even its version leaks
