"""Fuzzing document 000's surface (`/api/v1/`) from the one OpenAPI schema, with a JWT of each
role the document names (`master`, `super_admin`, `ops_manager`, `technician`,
`qc_inspector`; a user without a workshop role is refused with the same 403 bodies, see
tests/workshop/test_access.py). Data exists for ids 1 and 2 of
every resource: tickets in several states (one with a paused session, one done with XP), a
ticket of another workshop project, inventory items (one archived).

Checks: no 5xx, documented status codes and content types, bodies matching their schemas.
``strict_positive`` runs over the reads only (``test_workshop_reads_accept_valid_input``):
for the writes, schema-valid requests are refused by rules the schema cannot state — the
ticket's state, who is assigned, an unknown serial without confirmation, an exhausted pause
budget — with the 400 the document prescribes (docs/surfaces/workshop.md).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings

from tests.conftest import jwt_for
from tests.fuzz.harness import MAX_EXAMPLES, checks, load_schema

schema = load_schema(r"^/api/v1/")
reads = load_schema(r"^/api/v1/").exclude(method="POST")

ROLES = ["master", "super_admin", "ops_manager", "technician", "qc_inspector"]


def _seed(make_project, member, make_user) -> dict:
    from tessera.core.workshop import services as ws
    from tessera.core.workshop.models import InventoryItem
    from tessera.core.workshop.services import PartInput

    shop = make_project("workshop", "FZWS")
    other = make_project("workshop", "FZOT")
    users = {role: member(shop, role) for role in ROLES}
    boss, tech = users["super_admin"], users["technician"]
    stranger = member(other, "super_admin")

    def intake(project, actor, serial: str):
        return ws.workshop_ticket_create(
            actor=actor,
            project=project,
            serial_number=serial,
            parts=[PartInput("Screen", "yellow", 30, 10), PartInput("Fan", "green", 5, 2)],
            confirm_create=True,
            create_reason="fuzz",
        )

    intake(shop, boss, "FZ-1")  # 1: NEW
    t2 = intake(shop, boss, "FZ-2")  # 2: IN_PROGRESS with a paused session
    ws.workshop_metrics_override(actor=boss, ticket=t2)
    ws.workshop_ticket_assign(actor=boss, ticket=t2, technician=tech)
    ws.workshop_ticket_start(actor=tech, ticket=t2)
    ws.work_session_pause(actor=tech, ticket=t2)
    t3 = intake(shop, boss, "FZ-3")  # 3: DONE with XP, its item archived
    ws.workshop_metrics_override(actor=boss, ticket=t3)
    ws.workshop_ticket_assign(actor=boss, ticket=t3, technician=users["technician"])
    ws.work_session_resume(actor=tech, ticket=t2)
    ws.work_session_stop(actor=tech, ticket=t2)
    ws.workshop_ticket_to_waiting_qc(actor=tech, ticket=t2)  # 2: WAITING_QC
    ws.workshop_ticket_start(actor=tech, ticket=t3)
    ws.work_session_stop(actor=tech, ticket=t3)
    ws.workshop_ticket_to_waiting_qc(actor=tech, ticket=t3)
    ws.qc_pass(actor=users["qc_inspector"], ticket=t3)
    ws.inventory_item_archive(actor=boss, item=InventoryItem.objects.get(serial_number="FZ-3"))
    intake(other, stranger, "FZ-4")  # 4: another project's ticket
    return users


def _credentials(role: str, make_project, member, make_user) -> dict:
    users = _seed(make_project, member, make_user)
    return {"headers": {"Authorization": f"Bearer {jwt_for(users[role])}"}}


@pytest.fixture(params=ROLES)
def credentials(request, db, make_project, member, make_user) -> dict:
    return _credentials(request.param, make_project, member, make_user)


@pytest.fixture(params=["super_admin", "technician"])
def reader(request, db, make_project, member, make_user) -> dict:
    """The strict read check needs no more roles: every role reads the same way."""
    return _credentials(request.param, make_project, member, make_user)


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_workshop_never_fails(case, credentials):
    case.call_and_validate(**credentials, checks=checks())


@reads.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_workshop_reads_accept_valid_input(case, reader):
    case.call_and_validate(**reader, checks=checks(strict_positive=True))
