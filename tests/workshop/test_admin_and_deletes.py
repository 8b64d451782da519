"""The Django admin pages of the workshop models, and deletions elsewhere that must not
break on workshop rows (the XP ledger keeps its rows)."""

from __future__ import annotations

import pytest

from tessera.core.tickets.models import Ticket
from tessera.core.tickets.services import ticket_delete
from tessera.core.workshop.models import XpTransaction

pytestmark = pytest.mark.django_db

ADMIN_PAGES = [
    "/admin/workshop_core/inventoryitem/",
    "/admin/workshop_core/ticketmetrics/",
    "/admin/workshop_core/worksession/",
    "/admin/workshop_core/xptransaction/",
    "/admin/common/runtimesetting/",
]


def test_admin_pages(shop, make_user, client):
    tid = shop.to_waiting_qc()
    shop.act("qc", tid, "qc-pass")
    boss = make_user(is_superuser=True, is_staff=True)
    client.force_login(boss)
    for page in ADMIN_PAGES:
        assert client.get(page).status_code == 200, page
    assert client.get(f"/admin/workshop_core/ticketmetrics/{tid}/change/").status_code == 200
    session_page = client.get("/admin/workshop_core/worksession/")
    assert session_page.status_code == 200


def test_deleting_a_technician_keeps_the_ledger(shop):
    tid = shop.to_waiting_qc()
    shop.act("qc", tid, "qc-pass")
    shop.tech.delete()
    assert XpTransaction.objects.count() == 3
    body = shop.get("admin", "/api/v1/xp/leaderboard/").json()
    assert [r["user"]["id"] for r in body["results"]] == [shop.qc.pk]
    rows = shop.get("admin", "/api/v1/xp/transactions/").json()["results"]
    assert sorted((r["user"] or {}).get("id", 0) for r in rows) == [0, 0, shop.qc.pk]


def test_deleting_a_done_ticket_keeps_the_ledger(shop):
    tid = shop.to_waiting_qc()
    shop.act("qc", tid, "qc-pass")
    ticket_delete(actor=shop.admin, ticket=Ticket.objects.get(pk=tid), check_permission=False)
    assert XpTransaction.objects.filter(ticket__isnull=True).count() == 3
    assert shop.get("admin", "/api/v1/xp/transactions/").json()["count"] == 0
