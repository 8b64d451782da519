"""Property-based test (issue 10): random sequences of workshop actions, with the clock
moving, keep the invariants — one open session per ticket, active seconds never negative
nor above wall time, XP credited once per pass, the audit trail only grows."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from tessera.core.audit.models import Event
from tessera.core.common import clock
from tessera.core.common.errors import TesseraError
from tessera.core.projects.services import membership_set, project_create
from tessera.core.tickets.models import Ticket
from tessera.core.workshop import selectors
from tessera.core.workshop import services as ws
from tessera.core.workshop.models import WorkSession, XpKind, XpTransaction

_n = itertools.count(1)
START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)

ACTIONS = [
    "review",
    "assign",
    "start",
    "pause",
    "resume",
    "stop",
    "to_qc",
    "qc_pass",
    "qc_fail",
]


def machine_for(make_user):
    class WorkshopMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            n = next(_n)
            self.now = START
            clock.set_frozen(self.now)
            self.boss = make_user(f"boss{n}")
            self.tech = make_user(f"tech{n}")
            self.qc = make_user(f"qc{n}")
            self.project = project_create(actor=None, template="workshop", key=f"PW{n}", name="W")
            for user, role in (
                (self.boss, "super_admin"),
                (self.tech, "technician"),
                (self.qc, "qc_inspector"),
            ):
                membership_set(actor=None, project=self.project, user=user, role=role)
            self.tickets: list[Ticket] = []
            self.passes: dict[int, int] = {}
            self.events_seen = 0

        def teardown(self) -> None:
            clock.set_frozen(None)

        @rule(seconds=st.integers(0, 3 * 3600))
        def time_passes(self, seconds: int) -> None:
            self.now += timedelta(seconds=seconds)
            clock.set_frozen(self.now)

        @rule()
        def intake(self) -> None:
            if len(self.tickets) >= 2:
                return
            ticket = ws.workshop_ticket_create(
                actor=self.boss,
                project=self.project,
                serial_number=f"SN-{self.project.key}-{len(self.tickets)}",
                parts=[ws.PartInput(name="Part", color="green", planned_minutes=60, xp=10)],
                title="Repair",
                confirm_create=True,
                create_reason="new",
            )
            self.tickets.append(ticket)

        @rule(index=st.integers(0, 5), choice=st.integers(0, 3))
        def progress(self, index: int, choice: int) -> None:
            """Take a step the workflow allows from the ticket's state (so runs reach QC)."""
            if not self.tickets:
                return
            ticket = Ticket.objects.get(pk=self.tickets[index % len(self.tickets)].pk)
            session = WorkSession.objects.filter(ticket=ticket).exclude(state="STOPPED").first()
            approved = ticket.workshop.approved_at is not None
            options = {
                "NEW": ["assign", "review"] if approved else ["review", "assign"],
                "ASSIGNED": ["start"],
                "REWORK": ["start"],
                "IN_PROGRESS": ["to_qc"]
                if session is None
                else ["stop", "pause", "resume", "stop"],
                "WAITING_QC": ["qc_pass", "qc_fail", "qc_pass", "qc_pass"],
                "DONE": ["qc_pass"],
            }[ticket.state.key]
            self.act(index=index, action=options[choice % len(options)])

        @rule(index=st.integers(0, 5), action=st.sampled_from(ACTIONS))
        def act(self, index: int, action: str) -> None:
            if not self.tickets:
                return
            ticket = Ticket.objects.get(pk=self.tickets[index % len(self.tickets)].pk)
            calls = {
                "review": lambda: ws.workshop_metrics_override(actor=self.boss, ticket=ticket),
                "assign": lambda: ws.workshop_ticket_assign(
                    actor=self.boss, ticket=ticket, technician=self.tech
                ),
                "start": lambda: ws.workshop_ticket_start(actor=self.tech, ticket=ticket),
                "pause": lambda: ws.work_session_pause(actor=self.tech, ticket=ticket),
                "resume": lambda: ws.work_session_resume(actor=self.tech, ticket=ticket),
                "stop": lambda: ws.work_session_stop(actor=self.tech, ticket=ticket),
                "to_qc": lambda: ws.workshop_ticket_to_waiting_qc(actor=self.tech, ticket=ticket),
                "qc_pass": lambda: ws.qc_pass(actor=self.qc, ticket=ticket),
                "qc_fail": lambda: ws.qc_fail(actor=self.qc, ticket=ticket),
            }
            before = Ticket.objects.get(pk=ticket.pk)
            try:
                calls[action]()
            except TesseraError:
                after = Ticket.objects.get(pk=ticket.pk)
                assert (after.state_id, after.version) == (before.state_id, before.version)
                return
            if action == "qc_pass":
                self.passes[ticket.pk] = self.passes.get(ticket.pk, 0) + 1

        @invariant()
        def one_open_session_per_ticket_and_technician(self) -> None:
            open_sessions = WorkSession.objects.filter(ticket__project=self.project).exclude(
                state="STOPPED"
            )
            tickets = list(open_sessions.values_list("ticket_id", flat=True))
            assert len(tickets) == len(set(tickets))
            running = Ticket.objects.filter(project=self.project, state__key="IN_PROGRESS")
            assert running.count() <= 1  # one technician: one IN_PROGRESS ticket

        @invariant()
        def active_seconds_within_wall_time(self) -> None:
            sessions = list(WorkSession.objects.filter(ticket__project=self.project))
            derived = selectors.derive_sessions(sessions)
            for session in sessions:
                end = session.stopped_at or self.now
                wall = (end - session.started_at).total_seconds()
                assert 0 <= derived[session.pk].active_seconds <= wall + 1

        @invariant()
        def xp_credited_once_per_pass(self) -> None:
            for ticket_id, passes in self.passes.items():
                base = XpTransaction.objects.filter(ticket_id=ticket_id, kind=XpKind.BASE).count()
                assert base == passes == 1

        @invariant()
        def audit_trail_only_grows(self) -> None:
            count = Event.objects.filter(project=self.project).count()
            assert count >= self.events_seen
            self.events_seen = count

    return WorkshopMachine


@pytest.mark.django_db
def test_random_workshop_actions_keep_the_invariants(make_user):
    try:
        run_state_machine_as_test(
            machine_for(make_user),
            settings=settings(
                max_examples=15,
                stateful_step_count=60,
                deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
            ),
        )
    finally:
        clock.set_frozen(None)
