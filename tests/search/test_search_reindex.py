"""``manage.py search_reindex``: every ticket's document rebuilt from its title, tags,
description and comments, in batches, on SQLite (FTS5) and PostgreSQL."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tessera.core.tickets.models import Ticket
from tessera.core.tickets.selectors import ticket_search
from tessera.core.tickets.services import comment_add, ticket_create, ticket_set_tags

pytestmark = pytest.mark.django_db


def found(text: str) -> set[int]:
    return set(ticket_search(Ticket.objects.all(), text).values_list("pk", flat=True))


def _drop_documents() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM search_ticketdocument")


def test_search_reindex_rebuilds_every_document_in_batches(make_project, make_user):
    owner = make_user(is_superuser=True)
    project = make_project("servicedesk", "RIDX", owner=owner)
    printer = ticket_create(actor=owner, project=project, title="Printer jammed", description="")
    vpn = ticket_create(actor=owner, project=project, title="VPN drops", description="hourly")
    ticket_set_tags(actor=owner, ticket=vpn, names=["network"])
    comment_add(actor=owner, ticket=printer, body="Replaced the fuser")
    others = [ticket_create(actor=owner, project=project, title=f"Filler {i}") for i in range(5)]
    _drop_documents()
    assert found("printer") == found("network") == found("fuser") == set()

    out = io.StringIO()
    call_command("search_reindex", batch_size=2, no_progress=True, stdout=out)

    assert out.getvalue().startswith("7 tickets indexed")
    assert found("printer") == found("fuser") == {printer.pk}
    assert found("network") == found("hourly") == {vpn.pk}
    assert found("filler") == {t.pk for t in others}
    assert found("drops") == {vpn.pk}
    # Run again: the same documents, none doubled.
    call_command("search_reindex", no_progress=True, stdout=io.StringIO())
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM search_ticketdocument")
        assert cursor.fetchone()[0] == 7
    assert found("printer") == {printer.pk}


def test_search_reindex_with_no_tickets_and_a_bad_batch_size():
    out = io.StringIO()
    call_command("search_reindex", no_progress=True, stdout=out)
    assert out.getvalue().startswith("0 tickets indexed")
    with pytest.raises(CommandError, match="batch-size"):
        call_command("search_reindex", batch_size=0, no_progress=True)
