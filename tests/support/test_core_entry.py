"""Every way into a support desk starts triage, and the triage record says which provider
really answered.

- The web UI's create form (``/tickets/new/``, ``/portal/new/``) goes through
  ``triage.services.support_ticket_create`` for support-template projects, so those tickets
  get the same five-step pipeline as ``POST /api/tickets``; other templates do not.
- ``ai-processing`` records ``analysis.source`` (the provider that answered after any
  fallback), not the configured provider's name.
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from tessera.core.tickets.models import Ticket
from tessera.core.triage import providers, services
from tessera.core.triage.analysis import TicketAnalysis
from tessera.core.triage.models import STEP_NAMES, TicketTriage, TriageStep

pytestmark = pytest.mark.django_db

ROUTING = {
    "title": "React dashboard route returns 404",
    "description": "Since the last frontend release the React router shows a 404 page when "
    "I open the dashboard link in the navigation menu.",
}


def web_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_web_ui_create_on_a_support_desk_runs_the_pipeline(
    desk, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        r = web_client(desk.user).post("/tickets/new/", {"project": desk.project.pk, **ROUTING})
    assert r.status_code == 302, r.content
    ticket = Ticket.objects.get(title=ROUTING["title"])
    assert r["Location"] == f"/tickets/{ticket.pk}/"
    steps = dict(TriageStep.objects.filter(ticket=ticket).values_list("name", "status"))
    assert steps == {name: "succeeded" for name in STEP_NAMES}
    # seen through document 001's API exactly like a ticket opened there
    data = client_for(desk.user).get(f"/api/tickets/{ticket.public_id}").json()["data"]
    assert data["summary"] and data["related_skills"]
    assert data["assigned_to"] == str(desk.mod.public_id)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [desk.mod.email]
    processing = client_for(desk.mod).get(f"/api/tickets/{ticket.public_id}/processing")
    assert processing.json()["data"]["pipeline_status"] == "done"


def test_web_portal_create_on_a_support_desk_runs_the_pipeline(
    desk, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        r = web_client(desk.other).post("/portal/new/", {"project": desk.project.pk, **ROUTING})
    assert r.status_code == 302, r.content
    ticket = Ticket.objects.get(title=ROUTING["title"])
    assert ticket.created_by == desk.other
    assert TicketTriage.objects.get(ticket=ticket).pipeline_status == "done"
    assert callbacks  # the first step was queued on commit


def test_web_ui_keeps_its_priority_choice_and_refuses_what_the_api_cannot_show(
    desk, django_capture_on_commit_callbacks
):
    client = web_client(desk.mod)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post("/tickets/new/", {"project": desk.project.pk, **ROUTING, "priority": "4"})
    assert r.status_code == 302
    assert Ticket.objects.get(title=ROUTING["title"]).priority == 4  # high, never lowered
    r = client.post("/tickets/new/", {"project": desk.project.pk, **ROUTING, "title": "x" * 201})
    assert r.status_code == 400 and b"Title cannot exceed 200 characters" in r.content
    assert Ticket.objects.count() == 1


def test_web_ui_create_on_other_templates_starts_no_triage(
    make_project, member, django_capture_on_commit_callbacks
):
    project = make_project("servicedesk", "SD")
    agent = member(project, "admin")
    with django_capture_on_commit_callbacks(execute=True):
        r = web_client(agent).post(
            "/tickets/new/", {"project": project.pk, "title": "Printer jam", "description": "x"}
        )
    assert r.status_code == 302, r.content
    ticket = Ticket.objects.get(title="Printer jam")
    assert not TicketTriage.objects.filter(ticket=ticket).exists()
    assert not TriageStep.objects.filter(ticket=ticket).exists()


def test_support_ticket_create_refuses_other_templates(make_project, member):
    from tessera.core.common.errors import ValidationFailed

    project = make_project("servicedesk", "SD2")
    agent = member(project, "admin")
    with pytest.raises(ValidationFailed):
        services.support_ticket_create(
            actor=agent, project=project, title="Printer jam", description="Paper is stuck."
        )
    assert Ticket.objects.count() == 0


class BrokenRemote(providers._RemoteProvider):
    """A configured remote provider whose call fails: the offline analyser answers."""

    name = "gemini"

    def request_analysis(self, *, title, description, skill_catalogue=None):
        raise providers.TriageProviderError("service unavailable")


class WorkingRemote(providers._RemoteProvider):
    name = "openai"

    def request_analysis(self, *, title, description, skill_catalogue=None):
        return TicketAnalysis(
            summary="Dashboard route 404.",
            priority="medium",
            helpful_notes="Check the router.",
            related_skills=["React"],
            source="openai",
        )


@pytest.mark.parametrize(
    "provider, recorded",
    [
        (BrokenRemote(timeout=1, fallback=None), "offline"),
        (WorkingRemote(timeout=1, fallback=None), "openai"),
    ],
)
def test_ai_processing_records_the_provider_that_answered(
    desk, monkeypatch, django_capture_on_commit_callbacks, provider, recorded
):
    monkeypatch.setattr(providers, "get_provider", lambda config: provider)
    with django_capture_on_commit_callbacks(execute=True):
        ticket = services.support_ticket_create(actor=desk.user, **ROUTING)
    triage = TicketTriage.objects.get(ticket=ticket)
    assert triage.provider == recorded
    step = TriageStep.objects.get(ticket=ticket, name="ai-processing")
    assert step.status == "succeeded" and step.result["provider"] == recorded
