"""Property-based tests: random sequences of state changes on support and servicedesk
tickets keep the workflow's invariants (hypothesis state machines over the core services)."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from tessera.core.audit.models import Event
from tessera.core.common.errors import Forbidden, InvalidTransition
from tessera.core.projects.blueprints import get_blueprint
from tessera.core.projects.models import WorkflowTransition
from tessera.core.projects.services import membership_set, project_create
from tessera.core.tickets.models import Ticket
from tessera.core.tickets.services import ticket_create, ticket_transition

_keys = itertools.count(1)


def machine_for(template: str, staff_role: str, requester_role: str, make_user):
    blueprint = get_blueprint(template)
    state_keys = [s.key for s in blueprint.states]

    class WorkflowMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            n = next(_keys)
            self.staff = make_user(f"staff{template}{n}")
            self.requester = make_user(f"req{template}{n}")
            self.project = project_create(
                actor=None, template=template, key=f"H{template[:3].upper()}{n}", name="H"
            )
            membership_set(actor=None, project=self.project, user=self.staff, role=staff_role)
            membership_set(
                actor=None, project=self.project, user=self.requester, role=requester_role
            )
            self.arrows = set(
                WorkflowTransition.objects.filter(project=self.project).values_list(
                    "from_state__key", "to_state__key"
                )
            )
            self.tickets: list[Ticket] = []
            self.events_seen = 0

        def _events(self) -> int:
            return Event.objects.filter(project=self.project).count()

        @rule()
        def create(self) -> None:
            ticket = ticket_create(
                actor=self.requester, project=self.project, title="Broken", description="x" * 12
            )
            assert ticket.state.key == blueprint.initial_state
            self.tickets.append(ticket)

        @rule(index=st.integers(0, 20), to=st.sampled_from(state_keys), by_staff=st.booleans())
        def transition(self, index: int, to: str, by_staff: bool) -> None:
            target = to
            if not self.tickets:
                return
            ticket = self.tickets[index % len(self.tickets)]
            ticket.refresh_from_db()
            before_state, before_events = ticket.state.key, self._events()
            actor = self.staff if by_staff else self.requester
            try:
                ticket_transition(actor=actor, ticket=ticket, to_state=target)
            except (InvalidTransition, Forbidden) as exc:
                ticket.refresh_from_db()
                assert ticket.state.key == before_state, "a refused move changed the state"
                assert self._events() == before_events, "a refused move wrote history"
                if isinstance(exc, InvalidTransition):
                    assert (before_state, target) not in self.arrows
                else:
                    assert not by_staff
                return
            ticket.refresh_from_db()
            if target == before_state:
                assert self._events() == before_events
            else:
                assert (before_state, target) in self.arrows
                assert ticket.state.key == target
                assert self._events() == before_events + 1

        @invariant()
        def history_only_grows(self) -> None:
            count = self._events()
            assert count >= self.events_seen
            self.events_seen = count

        @invariant()
        def timestamps_follow_the_state(self) -> None:
            for ticket in Ticket.objects.filter(project=self.project).select_related("state"):
                category = ticket.state.category
                if category in ("open", "active"):
                    assert ticket.resolved_at is None and ticket.closed_at is None
                if ticket.state.key == "resolved":
                    assert ticket.resolved_at is not None
                if ticket.state.key in ("closed", "cancelled"):
                    assert ticket.closed_at is not None

    return WorkflowMachine


@pytest.mark.django_db
@pytest.mark.parametrize(
    "template, staff_role, requester_role",
    [("support", "moderator", "user"), ("servicedesk", "agent", "customer")],
)
def test_random_state_changes_keep_the_workflow_invariants(
    template, staff_role, requester_role, make_user
):
    machine = machine_for(template, staff_role, requester_role, make_user)
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=25,
            stateful_step_count=15,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
