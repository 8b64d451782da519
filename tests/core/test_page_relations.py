"""``tickets.page_relations``: a page's assignees and tags in one fixed statement, and
other models' rows keyed by ticket in another, with the same answers the ORM gives (order,
first assignee, typed and converted values), on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tessera.core.common import clock
from tessera.core.tickets import page_relations as rel
from tessera.core.tickets.models import Comment, Tag, Ticket, TicketAssignment
from tests.factories import any_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(make_project, make_user):
    project = make_project("servicedesk")
    first, second, third = make_user(first_name="Ada"), make_user(), make_user()
    busy = any_ticket(project, None, "Two assignees")
    lone = any_ticket(project, None, "One assignee")
    bare = any_ticket(project, None, "Nobody")
    now = clock.now()
    # Assigned out of id order: "second" first, then "first"; ties broken by id.
    TicketAssignment.objects.create(ticket=busy, user=second, assigned_at=now)
    TicketAssignment.objects.create(ticket=busy, user=first, assigned_at=now + timedelta(1))
    TicketAssignment.objects.create(ticket=lone, user=third, assigned_at=now)
    TicketAssignment.objects.create(ticket=lone, user=first, assigned_at=now)
    zeta = Tag.objects.create(project=project, name="zeta")
    alpha = Tag.objects.create(project=project, name="alpha")
    busy.tags.set([zeta, alpha])
    return {"tickets": (busy, lone, bare), "users": (first, second, third)}


def test_assignees_in_the_order_they_were_made(page):
    busy, lone, bare = page["tickets"]
    first, second, third = page["users"]
    ids = [t.pk for t in page["tickets"]]
    with CaptureQueriesContext(connection) as ctx:
        found, _tags = rel.assignees_and_tag_names(ids)
    assert len(ctx.captured_queries) == 1
    assert found == {busy.pk: [second.pk, first.pk], lone.pk: [third.pk, first.pk]}


def test_first_assignee_with_typed_fields(page):
    busy, lone, _bare = page["tickets"]
    first, second, third = page["users"]
    found = rel.first_assignees([t.pk for t in page["tickets"]], "id", "username", "public_id")
    assert found == {
        busy.pk: {"id": second.pk, "username": second.username, "public_id": second.public_id},
        lone.pk: {"id": third.pk, "username": third.username, "public_id": third.public_id},
    }
    assert isinstance(found[busy.pk]["public_id"], uuid.UUID)  # not SQLite's hex text


def test_tag_names_sorted_by_name(page):
    busy, lone, bare = page["tickets"]
    _assignees, tags = rel.assignees_and_tag_names([busy.pk, lone.pk, bare.pk])
    assert tags == {busy.pk: ["alpha", "zeta"]}


def test_the_statement_text_is_the_same_for_any_page_size(page):
    """One text whose parameters are the ids, once per part, so PostgreSQL prepares it once
    per connection; ``ticket_id IN (%s, %s, …)`` changed with every page size."""
    sent: list[tuple[str, tuple]] = []

    def record(execute, sql, params, many, context):
        sent.append((sql, tuple(params)))
        return execute(sql, params, many, context)

    ids = [t.pk for t in page["tickets"]]
    with connection.execute_wrapper(record):
        for call in (rel.assignees_and_tag_names, lambda i: rel.first_assignees(i, "id")):
            call(ids[:1])
            call(ids)
        parts = rel.TicketValues(TicketAssignment, ("user",)), rel.TicketValues(Comment, ("body",))
        rel.values_by_ticket_together(ids[:1], *parts)
        rel.values_by_ticket_together(ids, *parts)
    texts = [sql for sql, _ in sent]
    assert texts[0] == texts[1] and texts[2] == texts[3] and texts[4] == texts[5]
    for sql, params in sent:
        assert sql.count("%s") == len(params) and len(set(map(str, params))) == 1


def test_no_ids_no_query_and_unreadable_fields_refused(page):
    with CaptureQueriesContext(connection) as ctx:
        assert rel.assignees_and_tag_names([]) == ({}, {})
        assert rel.first_assignees([], "id") == {}
        assert rel.values_by_ticket_together([], rel.TicketValues(Comment, ("body",))) == [[]]
    assert ctx.captured_queries == []
    with pytest.raises(ValueError):
        rel.first_assignees([page["tickets"][0].pk], "date_joined")


@pytest.mark.parametrize("fields", [(), ("id", "username", "public_id")], ids=["ids", "fields"])
def test_assignees_and_tags_in_one_statement_equal_the_orm(page, fields):
    busy, lone, bare = page["tickets"]
    ids = [t.pk for t in page["tickets"]]
    with CaptureQueriesContext(connection) as ctx:
        assignees, tags = rel.assignees_and_tag_names(ids, *fields)
    assert len(ctx.captured_queries) == 1
    orm_tags: dict[int, list[str]] = {}
    for ticket_id, name in (
        Ticket.tags.through.objects.filter(ticket_id__in=ids)
        .order_by("tag__name", "tag_id")
        .values_list("ticket_id", "tag__name")
    ):
        orm_tags.setdefault(ticket_id, []).append(name)
    assert tags == orm_tags == {busy.pk: ["alpha", "zeta"]}
    orm_assignees: dict[int, list] = {}
    for ticket_id, *values in (
        TicketAssignment.objects.filter(ticket_id__in=ids)
        .order_by("assigned_at", "id")
        .values_list("ticket_id", *(f"user__{f}" for f in fields or ("id",)))
    ):
        found = dict(zip(fields, values, strict=True)) if fields else values[0]
        orm_assignees.setdefault(ticket_id, []).append(found)
    assert assignees == orm_assignees
    if fields:
        first = rel.first_assignees(ids, *fields)
        assert {pk: found[0] for pk, found in assignees.items()} == first
        assert isinstance(assignees[busy.pk][0]["public_id"], uuid.UUID)
    assert rel.assignees_and_tag_names([]) == ({}, {})


def test_reads_together_equal_each_read_alone(page, make_user):
    """Two models' rows keyed by ticket in one statement: the same rows, order and
    converted values (an aware datetime on SQLite too) as ``values_list`` of each."""
    busy, lone, bare = page["tickets"]
    author = make_user()
    for ticket, body in ((lone, "b"), (busy, "z"), (busy, "a"), (lone, "a")):
        Comment.objects.create(ticket=ticket, author=author, body=body)
    ids = [t.pk for t in page["tickets"]]
    comments = rel.TicketValues(Comment, ("body", "created_at", "author"), order=("body", "id"))
    assignments = rel.TicketValues(TicketAssignment, ("user", "assigned_at"), order=("id",))
    with CaptureQueriesContext(connection) as ctx:
        found = rel.values_by_ticket_together(ids, comments, assignments)
    assert len(ctx.captured_queries) == 1
    alone = [
        list(
            read.model.objects.filter(ticket_id__in=ids)
            .order_by(*read.order)
            .values_list("ticket_id", *read.names)
        )
        for read in (comments, assignments)
    ]
    assert found == alone
    assert [row[1] for row in found[0]] == ["a", "a", "b", "z"]
    assert found[0][0][2].tzinfo is not None
    assert rel.values_by_ticket_together([], comments, assignments) == [[], []]
