"""On PostgreSQL a ticket's document is rebuilt by plpgsql functions, whose plans the
connection keeps (``search.0006``; ``search.ddl``, "plpgsql, so a write's plans are
kept"). What they write is what the bulk loaders write for the same ticket, and a search
finds a ticket, its new comment and its new tag at once."""

from __future__ import annotations

import pytest
from django.db import connection

from tessera.core.search import ddl
from tessera.core.tickets.models import Ticket
from tessera.core.tickets.selectors import ticket_search, tickets_visible_to
from tessera.core.tickets.services import comment_add, ticket_create, ticket_set_tags

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's functions"),
]


def _languages() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.proname, l.lanname FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang "
            "WHERE p.proname IN ('search_ticket_refresh', 'search_scoped', 'search_month')"
        )
        return dict(cursor.fetchall())


def _document(ticket_id: int) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT document::text, scope::text FROM search_ticketdocument WHERE ticket_id = %s",
            [ticket_id],
        )
        return cursor.fetchone()


def test_the_refresh_functions_are_plpgsql():
    assert _languages() == {
        "search_ticket_refresh": "plpgsql",
        "search_scoped": "plpgsql",
        "search_month": "sql",  # inlined where it is called
    }


def test_the_trigger_writes_what_the_bulk_loader_writes(make_project, make_user):
    owner = make_user(is_superuser=True)
    project = make_project("servicedesk", "PLPG", owner=owner)
    ticket = ticket_create(
        actor=owner, project=project, title="Printer jam", description="Tray two, again"
    )
    ticket_set_tags(actor=owner, ticket=ticket, names=["hardware"], may_create=True)
    comment_add(actor=owner, ticket=ticket, body="Replaced the roller")
    by_trigger = _document(ticket.pk)
    assert "'roller':" in by_trigger[0] and "'hardware':" in by_trigger[0]
    assert f"'{project.pk}:roller~" in by_trigger[1]

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM search_ticketdocument WHERE ticket_id = %s", [ticket.pk])
        cursor.execute(ddl.PG_BULK_INSERT, {"first": ticket.pk, "last": ticket.pk})
    assert _document(ticket.pk) == by_trigger


def test_a_write_is_searchable_at_once(make_project, make_user):
    owner = make_user(is_superuser=True)
    project = make_project("servicedesk", "PLPS", owner=owner)
    ticket = ticket_create(actor=owner, project=project, title="Monitor flickers")
    visible = tickets_visible_to(owner, template="servicedesk")

    def found(text: str) -> list[int]:
        return list(ticket_search(visible, text).values_list("pk", flat=True))

    assert found("flickers") == [ticket.pk]
    comment_add(actor=owner, ticket=ticket, body="cable swapped")
    ticket_set_tags(actor=owner, ticket=ticket, names=["display"], may_create=True)
    assert found("swapped") == [ticket.pk]
    assert found("display") == [ticket.pk]
    Ticket.objects.filter(pk=ticket.pk).update(title="Screen flickers")  # no service
    assert found("screen") == [ticket.pk]
