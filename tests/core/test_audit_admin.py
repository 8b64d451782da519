"""The audit log's admin search: a ticket by its number, an action exactly, other text in
the recent events only; newest first. Each through an index (3-6 s over 3.8 million events
at 1M before, docs/performance.md "Thirteenth round")."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tessera.core.audit.admin import RECENT_TEXT_DAYS
from tessera.core.audit.models import Event
from tessera.core.common import clock
from tessera.core.tickets.services import ticket_create, ticket_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def log(make_user, make_project, client):
    root = make_user(is_superuser=True, is_staff=True)
    project = make_project("servicedesk", "AUD", owner=root)
    with clock.frozen_at(clock.now() - timedelta(days=RECENT_TEXT_DAYS + 10)):
        old = ticket_create(actor=root, project=project, title="Old printer")
        ticket_update(actor=root, ticket=old, changes={"title": "Old printer vpn"})
    new = ticket_create(actor=root, project=project, title="New one")
    ticket_update(actor=root, ticket=new, changes={"title": "New vpn"})
    client.force_login(root)
    return {"client": client, "old": old, "new": new}


def _shown(log, q: str) -> list[int]:
    response = log["client"].get("/admin/audit/event/", {"q": q})
    assert response.status_code == 200
    return [int(pk) for pk in re.findall(r"/admin/audit/event/(\d+)/change/", response.text)]


def test_a_ticket_number_finds_all_its_events_however_old(log):
    old = log["old"]
    expected = sorted(Event.objects.filter(ticket=old).values_list("pk", flat=True), reverse=True)
    assert expected and _shown(log, old.display_number) == expected
    assert _shown(log, old.display_number.lower()) == expected


def test_an_action_is_found_exactly_and_text_only_in_recent_events(log):
    updated = Event.objects.filter(ticket__in=[log["old"], log["new"]], field="title")
    assert _shown(log, updated.first().action) == sorted(
        updated.values_list("pk", flat=True), reverse=True
    )
    recent = list(
        Event.objects.filter(ticket=log["new"], new_value__icontains="vpn").values_list(
            "pk", flat=True
        )
    )
    assert recent and _shown(log, "VPN") == recent  # the old ticket's "vpn" is too old


def test_the_log_lists_newest_first(log):
    response = log["client"].get("/admin/audit/event/")
    shown = [int(pk) for pk in re.findall(r"/admin/audit/event/(\d+)/change/", response.text)]
    assert shown == sorted(Event.objects.values_list("pk", flat=True), reverse=True)[: len(shown)]
    assert shown
