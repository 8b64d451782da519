"""The workshop demo seeds tickets in every state and is safe to run twice."""

from __future__ import annotations

import pytest

from tessera.core.demo.builder import DemoBuilder
from tessera.core.tickets.models import Ticket
from tessera.core.workshop.models import InventoryItem, XpTransaction
from tessera.surfaces.workshop import demo

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent_and_covers_the_states():
    demo.load(DemoBuilder())
    demo.load(DemoBuilder())
    states = sorted(
        Ticket.objects.filter(project__key="WSHOP").values_list("state__key", flat=True)
    )
    assert states == ["ASSIGNED", "DONE", "IN_PROGRESS", "NEW", "WAITING_QC"]
    assert InventoryItem.objects.filter(state="archived").count() == 1
    assert XpTransaction.objects.count() == 3
