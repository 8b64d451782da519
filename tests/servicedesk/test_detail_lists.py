"""The service desk's detail reads a ticket's assignee, tags, comments, attachments and
history in one statement (a union of five parts, ``servicedesk.selectors.
_detail_relations``): each must be what its own ordered query gives, column for column and
type for type, with internal notes only for those who may see them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tessera.core.audit.models import Event
from tessera.core.servicedesk import selectors as sd
from tessera.core.tickets.models import Attachment, Comment, Ticket
from tessera.core.tickets.page_relations import first_assignees

from .conftest import BASE, attach, comment


def _expected(ticket_id: int, *, show_internal: bool) -> dict[str, list[dict]]:
    comments = Comment.objects.filter(ticket_id=ticket_id)
    if not show_internal:
        comments = comments.filter(is_internal=False)
    return {
        "assignee": first_assignees([ticket_id], *sd.ASSIGNEE_COLUMNS).get(ticket_id),
        "tag_names": list(
            Ticket.tags.through.objects.filter(ticket_id=ticket_id)
            .order_by("tag__name", "tag_id")
            .values_list("tag__name", flat=True)
        ),
        "comments": list(comments.order_by("created_at", "id").values(*sd.COMMENT_COLUMNS)),
        "attachments": list(
            Attachment.objects.filter(ticket_id=ticket_id)
            .order_by("uploaded_at", "id")
            .values(*sd.ATTACHMENT_COLUMNS)
        ),
        "history": list(
            Event.objects.filter(ticket_id=ticket_id).order_by("id").values(*sd.EVENT_COLUMNS)
        ),
    }


@pytest.mark.django_db
def test_the_five_parts_equal_their_own_queries(client, create, agent2):
    ticket = create(tags="zeta, alpha, Mid", assigned_to=agent2.pk)
    other = create(subject="Another ticket")  # its rows must not show
    for i, internal in enumerate([False, True, False]):
        assert comment(client, ticket["id"], f"note {i}", internal=internal).status_code == 201
        assert comment(client, other["id"], f"other {i}").status_code == 201
    assert attach(client, ticket["id"], "log.txt", b"x" * 40, "the log").status_code == 201
    assert attach(client, ticket["id"], "shot.png", b"\x89PNG" * 9).status_code == 201
    # an earlier comment written later: each list keeps its own order, not the id's
    first = Comment.objects.filter(ticket_id=ticket["id"]).order_by("id").first()
    Comment.objects.filter(pk=first.pk).update(created_at=first.created_at + timedelta(days=1))
    for show_internal in (True, False):
        with CaptureQueriesContext(connection) as queries:
            found = sd._detail_relations(ticket["id"], show_internal=show_internal)
        assert len(queries) == 1
        expected = _expected(ticket["id"], show_internal=show_internal)
        assert found == expected
        for part in ("comments", "attachments", "history"):
            for got, want in zip(found[part], expected[part], strict=True):
                assert {k: type(v) for k, v in got.items()} == {k: type(v) for k, v in want.items()}
    assert found["assignee"]["id"] == agent2.pk
    assert found["tag_names"] == sorted(found["tag_names"]) and len(found["tag_names"]) == 3
    assert [c["body"] for c in found["comments"]] == ["note 2", "note 0"]
    assert len(found["attachments"]) == 2
    assert {e["action"] for e in found["history"]} >= {"created", "commented"}


@pytest.mark.django_db
def test_a_ticket_without_comments_or_attachments_shows_empty_lists(client, create):
    ticket = create()
    body = client.get(f"{BASE}/tickets/{ticket['id']}/").json()
    assert body["comments"] == [] and body["attachments"] == []
    assert body["assigned_to"] is None and body["tags"] == ""
    assert [h["action"] for h in body["history"]] == ["created"]
