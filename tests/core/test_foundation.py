"""The foundation's contract (issue 2): permission engine, workflow, append-only audit,
gap-free numbers, ``demo --json``, probes, the OpenAPI schema and the password hasher."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import transaction
from rest_framework.test import APIClient

from tessera.core.audit.models import AppendOnlyError, Event
from tessera.core.common.errors import Forbidden, InvalidTransition, ValidationFailed
from tessera.core.projects import permissions
from tessera.core.projects.models import Role
from tessera.core.projects.services import membership_remove, membership_set
from tessera.core.tickets.models import Ticket
from tessera.core.tickets.services import ticket_create, ticket_transition
from tessera.core.workshop.services import PartInput, workshop_ticket_create

pytestmark = pytest.mark.django_db


# --- the permission engine -------------------------------------------------------------


def test_roles_map_to_permissions_per_project(make_project, member):
    support = make_project("support", "SUP")
    user = member(support, "user")
    moderator = member(support, "moderator")
    assert permissions.has_perm(user, "add_ticket", support.pk)
    assert permissions.has_perm(user, "view_own_ticket", support.pk)
    assert not permissions.has_perm(user, "assign_ticket", support.pk)
    assert not permissions.has_perm(user, "view_all_tickets", support.pk)
    assert permissions.has_perm(moderator, "assign_ticket", support.pk)
    assert permissions.has_perm(moderator, "be_assigned", support.pk)
    assert permissions.role_in(moderator, support.pk) == "moderator"
    # a role in one project grants nothing in another
    other = make_project("support", "OTH")
    assert not permissions.has_perm(moderator, "assign_ticket", other.pk)
    assert permissions.projects_with_perm(moderator, "assign_ticket") == [support.pk]


def test_superuser_holds_every_permission_everywhere(make_user, make_project):
    root = make_user(is_superuser=True)
    project = make_project("boards", "BRD")
    for perm in ("manage_members", "delete_ticket", "anything_at_all"):
        assert permissions.has_perm(root, perm, project.pk)
    assert permissions.projects_with_perm(root, "manage_project") is None  # every project


def test_non_member_and_inactive_user_hold_nothing(make_user, make_project, member):
    project = make_project("servicedesk", "SD")
    stranger = make_user()
    assert permissions.permissions_in(stranger, project.pk) == frozenset()
    assert not permissions.has_perm(stranger, "view_ticket", project.pk)
    with pytest.raises(Forbidden):
        permissions.require_perm(stranger, "add_ticket", project.pk)
    agent = member(project, "agent")
    agent.is_active = False
    assert not permissions.has_perm(agent, "view_ticket", project.pk)


def test_permissions_are_data_and_follow_membership_changes(make_project, member):
    project = make_project("boards", "BRD")
    user = member(project, "user")
    assert not permissions.has_perm(user, "assign_ticket", project.pk)
    membership_set(actor=None, project=project, user=user, role="admin")
    assert permissions.has_perm(user, "assign_ticket", project.pk)
    role = Role.objects.get(project=project, name="admin")
    role.permissions = [p for p in role.permissions if p != "assign_ticket"]
    role.save()
    permissions.forget(user)
    assert not permissions.has_perm(user, "assign_ticket", project.pk)
    membership_remove(actor=None, project=project, user=user)
    assert permissions.permissions_in(user, project.pk) == frozenset()


def test_managing_members_needs_manage_members(make_project, member, make_user):
    project = make_project("boards", "BRD")
    plain = member(project, "user")
    with pytest.raises(Forbidden):
        membership_set(actor=plain, project=project, user=make_user(), role="admin")
    boss = member(project, "superadmin")
    membership_set(actor=boss, project=project, user=plain, role="admin")
    assert permissions.role_in(plain, project.pk) == "admin"


# --- workflow transitions ----------------------------------------------------------------


def _events(ticket, action: str) -> list[Event]:
    return list(Event.objects.filter(ticket=ticket, action=action))


def test_allowed_transition_moves_stamps_and_audits(make_project, member):
    project = make_project("support", "SUP")
    moderator = member(project, "moderator")
    ticket = ticket_create(actor=moderator, project=project, title="t")
    assert ticket.state.key == "todo"
    ticket_transition(actor=moderator, ticket=ticket, to_state="in_progress")
    ticket_transition(actor=moderator, ticket=ticket, to_state="resolved")
    ticket.refresh_from_db()
    assert ticket.state.key == "resolved" and ticket.resolved_at is not None
    ticket_transition(actor=moderator, ticket=ticket, to_state="closed")
    ticket.refresh_from_db()
    assert ticket.state.key == "closed" and ticket.closed_at is not None
    moves = [(e.old_value, e.new_value) for e in _events(ticket, "status_changed")]
    assert moves == [("todo", "in_progress"), ("in_progress", "resolved"), ("resolved", "closed")]
    assert all(e.actor_id == moderator.pk for e in _events(ticket, "status_changed"))


def test_transition_without_an_arrow_is_refused_and_changes_nothing(make_project, member):
    project = make_project("support", "SUP")
    moderator = member(project, "moderator")
    ticket = ticket_create(actor=moderator, project=project, title="t")
    version = Ticket.objects.get(pk=ticket.pk).version
    with pytest.raises(InvalidTransition):
        ticket_transition(actor=moderator, ticket=ticket, to_state="closed")
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert fresh.state.key == "todo" and fresh.version == version and fresh.closed_at is None
    assert _events(ticket, "status_changed") == []


def test_transition_without_the_guarding_permission_is_forbidden(make_project, member):
    """Each arrow is guarded by the permission stored on its row (roles are data)."""
    from tessera.core.projects.models import WorkflowTransition

    project = make_project("boards", "BRD2")
    admin = member(project, "admin")
    user = member(project, "user")
    WorkflowTransition.objects.filter(
        project=project, from_state__key="new", to_state__key="in_progress"
    ).update(permission="assign_ticket")
    ticket = ticket_create(actor=user, project=project, title="repair")
    with pytest.raises(Forbidden):
        ticket_transition(actor=user, ticket=ticket, to_state="in_progress")  # assign_ticket
    assert Ticket.objects.get(pk=ticket.pk).state.key == "new"
    ticket_transition(actor=user, ticket=ticket, to_state="review")  # transition_ticket
    ticket_transition(actor=user, ticket=ticket, to_state="new")
    ticket_transition(actor=admin, ticket=ticket, to_state="in_progress")
    assert Ticket.objects.get(pk=ticket.pk).state.key == "in_progress"


def test_workshop_tickets_move_only_through_the_workshop_services(make_project, member):
    project = make_project("workshop", "WS")
    for role in ("master", "super_admin", "ops_manager", "technician", "qc_inspector"):
        actor = member(project, role)
        ticket = workshop_ticket_create(
            actor=member(project, "master"),
            project=project,
            serial_number=f"SN-{role}",
            parts=[PartInput(name="Screen", color="green", planned_minutes=30, xp=5)],
            title="repair",
            confirm_create=True,
            create_reason="new device",
        )
        with pytest.raises(Forbidden):
            ticket_transition(actor=actor, ticket=ticket, to_state="ASSIGNED")
        assert Ticket.objects.get(pk=ticket.pk).state.key == "NEW"


def test_workshop_tickets_are_created_only_through_intake(make_project, member):
    """The generic create would leave a workshop ticket without its intake rows (item,
    parts, metrics); the blueprint refuses it, so every workshop ticket has them."""
    project = make_project("workshop", "WSI")
    with pytest.raises(ValidationFailed):
        ticket_create(actor=member(project, "super_admin"), project=project, title="no intake")
    assert not Ticket.objects.filter(project=project).exists()


def test_a_role_without_transition_rights_cannot_move(make_project, member):
    project = make_project("support", "SUP")
    user = member(project, "user")
    ticket = ticket_create(actor=user, project=project, title="mine")
    with pytest.raises(Forbidden):
        ticket_transition(actor=user, ticket=ticket, to_state="in_progress")
    assert Ticket.objects.get(pk=ticket.pk).state.key == "todo"


# --- the audit trail is append-only ----------------------------------------------------


def test_audit_events_cannot_be_changed_or_deleted(make_project, member):
    project = make_project("boards", "BRD")
    boss = member(project, "superadmin")
    ticket = ticket_create(actor=boss, project=project, title="audited")
    event = Event.objects.get(ticket=ticket, action="created")
    before = list(Event.objects.values_list("pk", "action", "new_value").order_by("pk"))
    event.new_value = "rewritten history"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        Event.objects.filter(pk=event.pk).update(new_value="rewritten")
    with pytest.raises(AppendOnlyError):
        Event.objects.filter(ticket=ticket).delete()
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert list(Event.objects.values_list("pk", "action", "new_value").order_by("pk")) == before


# --- gap-free ticket numbers -------------------------------------------------------------


def test_numbers_are_per_project_sequences(make_project, member):
    first = make_project("boards", "AAA")
    second = make_project("servicedesk", "BBB")
    boss = member(first, "superadmin")
    agent = member(second, "agent")
    a = [ticket_create(actor=boss, project=first, title=f"a{i}") for i in range(3)]
    b = [ticket_create(actor=agent, project=second, title=f"b{i}") for i in range(2)]
    assert [t.number for t in a] == [1, 2, 3] and [t.number for t in b] == [1, 2]
    assert [t.display_number for t in a] == ["AAA-1", "AAA-2", "AAA-3"]
    assert [t.display_number for t in b] == ["TKT-000001", "TKT-000002"]


def test_a_rolled_back_create_gives_its_number_back(make_project, member):
    project = make_project("boards", "RB")
    boss = member(project, "superadmin")
    ticket_create(actor=boss, project=project, title="one")

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        doomed = ticket_create(actor=boss, project=project, title="two")
        assert doomed.number == 2
        raise Abort
    assert not Ticket.objects.filter(project=project, number=2).exists()
    again = ticket_create(actor=boss, project=project, title="two, really")
    assert again.number == 2
    assert sorted(Ticket.objects.filter(project=project).values_list("number", flat=True)) == [1, 2]


def test_a_refused_create_takes_no_number(make_project, member):
    project = make_project("support", "NUM")
    moderator = member(project, "moderator")
    from tessera.core.common.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        ticket_create(actor=moderator, project=project, title="   ")
    assert ticket_create(actor=moderator, project=project, title="first").number == 1


# --- demo --json -------------------------------------------------------------------------

REQUIRED_ROLES = {
    ("workshop", "master"): 1,
    ("workshop", "super_admin"): 1,
    ("workshop", "ops_manager"): 1,
    ("workshop", "technician"): 2,
    ("workshop", "qc_inspector"): 1,
    ("support", "user"): 2,
    ("support", "moderator"): 1,
    ("support", "admin"): 1,
    ("servicedesk", "agent"): 2,
    ("boards", "superadmin"): 1,
    ("boards", "admin"): 1,
    ("boards", "user"): 2,
    ("boards", "manager"): 1,
    ("admin", "superuser"): 1,
}


def _demo_json(capsys) -> dict:
    capsys.readouterr()
    call_command("demo", "--json")
    out = capsys.readouterr().out
    decoder = json.JSONDecoder()
    data, end = decoder.raw_decode(out.lstrip())
    assert out.lstrip()[end:].strip() == "", "stdout must hold exactly one JSON object"
    assert isinstance(data, dict)
    return data


def test_demo_json_is_one_object_with_the_contract(capsys):
    data = _demo_json(capsys)
    assert {"accounts", "tokens", "customers", "projects"} <= set(data)
    for account in data["accounts"]:
        assert {"username", "email", "password", "surface", "role"} <= set(account)
        assert account["surface"] in {
            "workshop",
            "support",
            "servicedesk",
            "boards",
            "feed",
            "admin",
        }
    roles = Counter((a["surface"], a["role"]) for a in data["accounts"])
    for key, at_least in REQUIRED_ROLES.items():
        assert roles[key] >= at_least, f"demo lacks {at_least} x {key}"
    for token in data["tokens"]:
        assert {"name", "token", "username", "active"} <= set(token)
    assert [t["active"] for t in data["tokens"]].count(True) >= 1
    assert [t["active"] for t in data["tokens"]].count(False) >= 1
    assert len(data["customers"]) >= 3
    for customer in data["customers"]:
        assert {"id", "name"} <= set(customer)
    for project in data["projects"]:
        assert {"id", "key", "name", "columns"} <= set(project)
        for column in project["columns"]:
            assert {"id", "name"} <= set(column)
    boards_columns = [[c["name"] for c in p["columns"]] for p in data["projects"]]
    assert ["New", "In Progress", "Review", "Done"] in boards_columns
    # tickets spread over all projects
    for project in data["projects"]:
        assert Ticket.objects.filter(project_id=project["id"]).exists(), project["key"]


def test_demo_accounts_and_tokens_work(capsys):
    from tessera.core.accounts.models import User

    data = _demo_json(capsys)
    for account in data["accounts"]:
        user = User.objects.get(username=account["username"])
        assert user.email == account["email"]
        assert user.check_password(account["password"]), account["username"]
    moderators = [
        a for a in data["accounts"] if (a["surface"], a["role"]) == ("support", "moderator")
    ]
    assert any(User.objects.get(username=m["username"]).skills.exists() for m in moderators)
    for token in data["tokens"]:
        r = APIClient().get("/api/tickets/", HTTP_AUTHORIZATION=f"Bearer {token['token']}")
        assert r.status_code == (200 if token["active"] else 401)


def test_demo_is_idempotent(capsys):
    from tessera.core.accounts.models import User
    from tessera.core.projects.models import Project

    first = _demo_json(capsys)
    counts = (User.objects.count(), Project.objects.count(), Ticket.objects.count())
    second = _demo_json(capsys)
    assert (User.objects.count(), Project.objects.count(), Ticket.objects.count()) == counts
    assert [p["key"] for p in first["projects"]] == [p["key"] for p in second["projects"]]
    assert len(first["accounts"]) == len(second["accounts"])


# --- probes, schema, hasher --------------------------------------------------------------


def test_healthz_and_readyz():
    r = APIClient().get("/healthz")
    assert r.status_code == 200
    r = APIClient().get("/readyz")
    assert r.status_code == 200 and r.json()["database"] == "ok"


def test_openapi_schema_is_an_openapi_3_document():
    r = APIClient().get("/api/schema/", {"format": "json"})
    assert r.status_code == 200
    schema = json.loads(r.content)
    assert schema["openapi"].startswith("3.")
    assert {"info", "paths", "components"} <= set(schema)
    for path in ("/api/tickets/", "/api/tickets/{ident}/", "/api/tickets/auth/login/"):
        assert path in schema["paths"], path


def test_argon2_is_the_first_password_hasher():
    from django.contrib.auth.hashers import Argon2PasswordHasher

    from tessera.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    encoded = Argon2PasswordHasher().encode("pw-Secret-123", Argon2PasswordHasher().salt())
    assert encoded.startswith("argon2$argon2id$")
    assert Argon2PasswordHasher().verify("pw-Secret-123", encoded)


def test_a_create_takes_the_initial_state_and_its_first_column(make_project, member):
    """Read together when the initial state has columns, apart when it has none; a
    project holds one initial state at most (a constraint)."""
    from django.db import IntegrityError

    from tessera.core.projects.models import BoardColumn, WorkflowState

    project = make_project("servicedesk", "INI")
    agent = member(project, "agent")
    initial = WorkflowState.objects.get(project=project, is_initial=True)
    columns = BoardColumn.objects.filter(project=project, state=initial).order_by("order", "id")
    assert columns.exists()
    ticket = ticket_create(actor=agent, project=project, title="First")
    assert (ticket.state_id, ticket.column_id) == (initial.pk, columns[0].pk)
    assert ticket.state.key == initial.key
    earlier = BoardColumn.objects.create(project=project, name="Earlier", order=-5, state=initial)
    ticket = ticket_create(actor=agent, project=project, title="Second")
    assert ticket.column_id == earlier.pk
    other = WorkflowState.objects.filter(project=project, is_initial=False).first()
    BoardColumn.objects.filter(state=initial).update(state=other)
    ticket = ticket_create(actor=agent, project=project, title="No column")
    assert (ticket.state_id, ticket.column_id) == (initial.pk, None)
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkflowState.objects.filter(pk=other.pk).update(is_initial=True)
