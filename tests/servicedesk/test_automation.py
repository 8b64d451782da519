"""Beyond the document: email notifications over real SMTP, category auto-assignment,
the SLA breach alert (periodic task)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tessera.core.common import clock
from tessera.core.common.scheduler import PERIODIC
from tessera.core.notifications.models import OutboundEmail

from .conftest import BASE

pytestmark = pytest.mark.django_db


def _body(msg) -> str:
    if msg.is_multipart():
        return msg.get_payload(0).get_payload(decode=True).decode()
    return msg.get_payload(decode=True).decode()


def test_status_change_mails_customer_and_assignee(
    client, create, customer, agent2, smtp_inbox, django_capture_on_commit_callbacks
):
    t = create(customer=customer.pk, assigned_to=agent2.pk)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(
            f"{BASE}/tickets/{t['id']}/change_status/", {"status": "in_progress"}, format="json"
        )
    assert r.status_code == 200
    assert len(smtp_inbox.received) == 1
    mail = smtp_inbox.received[0]
    msg = mail.message
    assert set(mail.recipients) == {"it@acme.example", "agent2@example.test"}
    assert msg["Subject"].startswith("[TKT-000001]") and "In Progress" in msg["Subject"]
    assert "from new to in_progress" in _body(msg)
    assert OutboundEmail.objects.get().status == OutboundEmail.Status.SENT


def test_public_comment_mails_but_internal_note_does_not(
    client, create, customer, agent, agent2, smtp_inbox, django_capture_on_commit_callbacks
):
    t = create(customer=customer.pk, assigned_to=agent.pk)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"{BASE}/tickets/{t['id']}/add_comment/",
            {"content": "secret", "is_internal": True},
            format="json",
        )
        client.post(
            f"{BASE}/comments/", {"ticket": t["id"], "content": "We are on it"}, format="json"
        )
    assert len(smtp_inbox.received) == 1
    mail = smtp_inbox.received[0]
    msg = mail.message
    # the acting agent is the assignee: only the customer is told
    assert mail.recipients == ["it@acme.example"]
    assert "We are on it" in _body(msg) and "secret" not in _body(msg)


def test_refused_change_sends_nothing(
    client, create, customer, smtp_inbox, django_capture_on_commit_callbacks
):
    t = create(customer=customer.pk)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(
            f"{BASE}/tickets/{t['id']}/change_status/", {"status": "reopened"}, format="json"
        )
    assert r.status_code == 400
    assert smtp_inbox.received == [] and OutboundEmail.objects.count() == 0


# ---- auto-assignment by category ---------------------------------------------------------


def test_auto_assignment_round_robin_opt_in(client, create, categories, agent, agent2, outsider):
    tech = categories["technical"]
    # off by default: stays unassigned
    assert create(category="technical")["assigned_to"] is None
    tech.auto_assign = True
    tech.save()
    tech.agents.set([agent, agent2, outsider])  # the outsider is no project member: skipped
    got = [create(category="technical")["assigned_to"] for _ in range(4)]
    assert got == [agent.pk, agent2.pk, agent.pk, agent2.pk]
    # an explicit assignee wins; another category without the rule stays unassigned
    assert create(category="technical", assigned_to=agent2.pk)["assigned_to"] == agent2.pk
    assert create(category="billing")["assigned_to"] is None
    auto = client.get(f"{BASE}/history/?action=assigned").json()["results"]
    assert len(auto) == 4 and all(h["user"] is None for h in auto)


# ---- SLA ---------------------------------------------------------------------------------


def test_sla_task_is_registered_and_notifies_once(
    client, create, agent, agent2, smtp_inbox, django_capture_on_commit_callbacks
):
    assert "servicedesk.sla_check" in PERIODIC
    task = PERIODIC["servicedesk.sla_check"].task
    due = clock.now() + timedelta(hours=2)
    late = create(due_date=due.isoformat(), assigned_to=agent2.pk)
    unassigned_late = create(due_date=due.isoformat())
    done = create(due_date=due.isoformat())
    client.post(
        f"{BASE}/tickets/{done['id']}/change_status/", {"status": "resolved"}, format="json"
    )
    create(due_date=(due + timedelta(days=3)).isoformat())
    with django_capture_on_commit_callbacks(execute=True):
        assert task.call() == 0  # nothing late yet
    with clock.frozen_at(due + timedelta(minutes=5)):
        with django_capture_on_commit_callbacks(execute=True):
            assert task.call() == 2
            assert task.call() == 0  # once per ticket
    by_ticket = {m.message["Subject"].split("]")[0][1:]: m for m in smtp_inbox.received}
    assert set(by_ticket) == {late["ticket_number"], unassigned_late["ticket_number"]}
    assert by_ticket[late["ticket_number"]].recipients == ["agent2@example.test"]
    assert set(by_ticket[unassigned_late["ticket_number"]].recipients) == {
        agent.email,
        agent2.email,
    }
    assert "SLA breached" in by_ticket[late["ticket_number"]].message["Subject"]
    hist = client.get(f"{BASE}/history/?action=sla_breached").json()["results"]
    assert {h["ticket"] for h in hist} == {late["id"], unassigned_late["id"]}
