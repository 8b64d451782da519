"""Queries compiled once and run with new values answer what the ORM answers, and the JWT
authentication built on one keeps simplejwt's refusals."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from tessera.core.accounts.models import User
from tessera.core.common.prepared import Prepared
from tessera.core.projects.models import Membership, Project
from tessera.core.projects.services import membership_set
from tests.conftest import jwt_for

USERS = Prepared(lambda pk: User.objects.filter(pk=pk), int)
MEMBERSHIPS = Prepared(
    lambda user_id, template: (
        Membership.objects.filter(user_id=user_id, project__template=template)
        .order_by("project_id")
        .values_list("project_id", "role__name", "role__permissions", "project__template")
    ),
    int,
    str,
)
KEYS = Prepared(
    lambda template: (
        Project.objects.filter(template=template).order_by("key").values_list("key", flat=True)
    ),
    str,
)


@pytest.mark.django_db
def test_rows_and_instances_equal_the_orm_for_each_value(make_project, member, make_user):
    desk = make_project("servicedesk", "SD1")
    board = make_project("boards", "BD1")
    make_project("servicedesk", "SD0")
    agent = member(desk, "agent")
    membership_set(actor=None, project=board, user=agent, role="user")
    other = make_user()

    for user in (agent, other):
        (loaded,) = USERS.instances(user.pk)
        assert loaded == user
        assert loaded.date_joined == user.date_joined  # converted: aware on every engine
        assert loaded.date_joined.tzinfo is not None
        assert loaded._state.adding is False and loaded._state.db == "default"
    assert USERS.instances(10**12) == []
    assert USERS.first(agent.pk) == agent and USERS.first(10**12) is None

    for template in ("servicedesk", "boards", "workshop"):
        expected = list(
            Membership.objects.filter(user_id=agent.pk, project__template=template)
            .order_by("project_id")
            .values_list("project_id", "role__name", "role__permissions", "project__template")
        )
        assert MEMBERSHIPS.rows(agent.pk, template) == expected
    assert MEMBERSHIPS.rows(agent.pk, "servicedesk")[0][2]  # JSON list, decoded
    assert isinstance(MEMBERSHIPS.rows(agent.pk, "servicedesk")[0][2], list)
    assert KEYS.rows("servicedesk") == ["SD0", "SD1"]
    assert KEYS.rows("boards") == ["BD1"]
    for template in ("servicedesk", "boards"):
        assert MEMBERSHIPS.dicts(agent.pk, template) == list(
            Membership.objects.filter(user_id=agent.pk, project__template=template)
            .order_by("project_id")
            .values("project_id", "role__name", "role__permissions", "project__template")
        )
    with pytest.raises(TypeError):
        KEYS.dicts("boards")  # one column, flat: no names to key by


@pytest.mark.django_db
def test_a_query_whose_stand_in_is_not_a_parameter_is_refused(make_user):
    folded = Prepared(lambda pk: User.objects.extra(where=[f"id = {int(pk)}"]), int)
    with pytest.raises(ValueError, match="not a parameter"):
        folded.rows(1)
    # a stand-in found twice is put in both places
    user = make_user()
    one = lambda pk: User.objects.filter(pk=pk).order_by().values_list("pk")  # noqa: E731
    both = Prepared(lambda pk: one(pk).union(one(pk), all=True), int)
    assert both.rows(user.pk) == [(user.pk,), (user.pk,)]
    twice = Prepared(lambda pk: User.objects.filter(pk=pk).exclude(pk=pk + 0), int)
    assert twice.instances(user.pk) == []
    with pytest.raises(TypeError):
        KEYS.instances("servicedesk")
    with pytest.raises(TypeError):
        USERS.rows(1)
    with pytest.raises(TypeError):
        Prepared(lambda when: User.objects.filter(date_joined=when), object).rows(None)


@pytest.mark.django_db
def test_jwt_users_missing_inactive_or_odd_ids_are_refused(make_user, make_project):
    make_project("servicedesk", "SD")
    user = make_user()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {jwt_for(user)}")
    assert client.get("/api/ticketing/tickets/").status_code == 200

    user.is_active = False
    user.save(update_fields=["is_active"])
    response = client.get("/api/ticketing/tickets/")
    assert response.status_code == 401
    assert response.json()["code"] == "user_inactive"

    for claim in (10**12, "abc", -1, 0, True, 2**70, None):
        token = AccessToken()
        token["user_id"] = claim
        odd = APIClient()
        odd.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        response = odd.get("/api/ticketing/tickets/")
        assert response.status_code == 401, claim
        assert response.json()["code"] == "user_not_found", claim

    token = AccessToken()
    odd = APIClient()
    odd.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = odd.get("/api/ticketing/tickets/")
    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


@pytest.mark.django_db
def test_instances_carry_their_select_related_rows(make_project, member, make_user):
    from tessera.core.tickets.models import Ticket
    from tessera.core.tickets.services import ticket_create

    desk = make_project("servicedesk", "SDR")
    agent = member(desk, "agent")
    ticket = ticket_create(actor=agent, project=desk, title="Joined")
    unassigned = ticket_create(actor=None, project=desk, title="No creator", check_permission=False)
    joined = Prepared(
        lambda pk: (
            Ticket.objects.select_related("project", "state", "created_by", "category")
            .filter(pk=pk, project__template="servicedesk")
            .order_by("pk")[:1]
        ),
        int,
    )
    for expected in (ticket, unassigned):
        orm = Ticket.objects.select_related("project", "state", "created_by", "category").get(
            pk=expected.pk
        )
        (loaded,) = joined.instances(expected.pk)
        assert loaded == orm and loaded.title == orm.title
        assert loaded.created_at == orm.created_at and loaded.created_at.tzinfo is not None
        assert loaded._state.adding is False
        # the relations are attached: reading them runs no query
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert loaded.project.key == "SDR"
            assert loaded.state.key == orm.state.key
            assert loaded.created_by == orm.created_by
            assert loaded.category is None
        assert len(ctx) == 0
    assert loaded.created_by is None  # the unassigned one: a null relation attaches None
    assert joined.instances(10**12) == []
    deferred = Prepared(lambda pk: Ticket.objects.only("title").filter(pk=pk), int)
    with pytest.raises(TypeError):
        deferred.instances(ticket.pk)


@pytest.mark.django_db
def test_uuid_arguments_and_annotations_equal_the_orm(make_project, member, make_user):
    """A UUID argument lands in the parameters as the database stores it (a UUID on
    PostgreSQL, 32 hex digits on SQLite); annotations come back under their names."""
    import uuid

    from django.db.models import F, Value
    from django.db.models.functions import Concat

    from tessera.core.tickets.models import Ticket
    from tessera.core.tickets.services import ticket_create

    desk = make_project("servicedesk", "SDU")
    agent = member(desk, "agent")
    tickets = [ticket_create(actor=agent, project=desk, title=f"T{i}") for i in range(3)]
    by_public_id = Prepared(
        lambda public_id: Ticket.objects.select_related("state").filter(public_id=public_id),
        uuid.UUID,
    )
    labelled = Prepared(
        lambda public_id: (
            Ticket.objects.filter(public_id=public_id)
            .annotate(label=Concat(F("title"), Value("!")))
            .values_list("id", "public_id", "label")
        ),
        uuid.UUID,
    )
    for ticket in tickets:
        (loaded,) = by_public_id.instances(ticket.public_id)
        assert loaded.pk == ticket.pk and loaded.public_id == ticket.public_id
        assert loaded.state.key == ticket.state.key
        assert labelled.dicts(ticket.public_id) == list(
            Ticket.objects.filter(public_id=ticket.public_id)
            .annotate(label=Concat(F("title"), Value("!")))
            .values("id", "public_id", "label")
        )
        assert labelled.dicts(ticket.public_id)[0]["label"] == f"{ticket.title}!"
    assert by_public_id.instances(uuid.uuid4()) == []
    # annotations named before a field would come back in another order than asked
    misordered = Prepared(
        lambda pk: (
            Ticket.objects.filter(pk=pk)
            .annotate(label=Concat(F("title"), Value("!")))
            .values_list("label", "id")
        ),
        int,
    )
    with pytest.raises(TypeError, match="annotations last"):
        misordered.dicts(tickets[0].pk)


def _row(model, pk) -> dict:
    return model.objects.filter(pk=pk).values().get()


@pytest.mark.django_db
def test_insert_row_writes_what_save_writes(make_project, member):
    from tessera.core.audit.models import Event
    from tessera.core.common.prepared import insert_row
    from tessera.core.tickets.models import Comment, Ticket
    from tessera.core.tickets.services import ticket_create

    desk = make_project("servicedesk", "INS")
    agent = member(desk, "agent")
    ticket = ticket_create(actor=agent, project=desk, title="Written once")
    assert ticket.pk is not None and ticket._state.adding is False
    assert Ticket.objects.get(pk=ticket.pk).title == "Written once"

    def pair(make):
        by_save, by_insert = make(), make()
        by_save.save(force_insert=True)
        insert_row(by_insert)
        assert by_insert.pk is not None and by_insert.pk != by_save.pk
        assert by_insert._state.adding is False and by_insert._state.db == "default"
        return _row(type(by_save), by_save.pk), _row(type(by_insert), by_insert.pk)

    def event():
        return Event(project_id=desk.pk, ticket=ticket, actor=agent, action="x", data={"a": [1]})

    saved, inserted = pair(event)
    for row in (saved, inserted):
        assert row.pop("id") and row.pop("created_at")  # auto_now_add: set by each write
    assert saved == inserted
    assert inserted["data"] == {"a": [1]}

    def comment():
        when = ticket.created_at
        return Comment(
            ticket=ticket,
            author=agent,
            body="hé",
            is_internal=True,
            created_at=when,
            updated_at=when,
        )

    saved, inserted = pair(comment)
    for row in (saved, inserted):
        row.pop("id")
    assert saved == inserted


@pytest.mark.django_db
def test_insert_row_leaves_expressions_and_receivers_to_the_orm(make_project, member):
    from django.db.models import signals
    from django.db.models.functions import Now

    from tessera.core.audit.models import Event
    from tessera.core.common.prepared import insert_row

    desk = make_project("servicedesk", "INX")
    seen = []

    def receiver(sender, instance, created, **kwargs):
        seen.append((instance.action, created))

    signals.post_save.connect(receiver, sender=Event)
    try:
        insert_row(Event(project_id=desk.pk, action="heard"))
    finally:
        signals.post_save.disconnect(receiver, sender=Event)
    assert seen == [("heard", True)]

    event = Event(project_id=desk.pk, action="expr", created_at=Now())
    insert_row(event)
    assert _row(Event, event.pk)["created_at"] is not None
    plain = Event(project_id=desk.pk, action="after")  # the cached statement is a plain one
    insert_row(plain)
    assert _row(Event, plain.pk)["action"] == "after"
