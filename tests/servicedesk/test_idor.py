"""Objects of another service-desk project: every role × every endpoint that takes an id (in
the path, the body or a filter) answers 404/400/empty, never the object, and changes nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tessera.core.audit.models import Event
from tessera.core.servicedesk.services import sd_comment_add, sd_ticket_create
from tessera.core.tickets.models import Attachment, Comment, Ticket
from tessera.core.tickets.services import attachment_add

from .conftest import BASE

pytestmark = pytest.mark.django_db

ROLES = ["agent", "admin", "customer"]


@pytest.fixture
def theirs(make_project, member, customer):
    """A ticket of another service-desk project with a comment, an internal note and an
    attachment."""
    other = make_project("servicedesk", "OTH")
    owner = member(other, "agent")
    ticket = sd_ticket_create(
        actor=owner, project=other, subject="Secret merger", customer=customer, tags="secret"
    )
    comment = sd_comment_add(actor=owner, ticket=ticket, content="secret reply")
    note = sd_comment_add(actor=owner, ticket=ticket, content="secret note", is_internal=True)
    attachment = attachment_add(
        actor=owner,
        ticket=ticket,
        upload=SimpleUploadedFile("secret.txt", b"secret", content_type="text/plain"),
    )
    return {
        "ticket": ticket.pk,
        "comment": comment.pk,
        "note": note.pk,
        "attachment": attachment.pk,
        "event": Event.objects.filter(ticket=ticket).first().pk,
        "owner": owner,
    }


def _state(ticket_id: int) -> tuple:
    t = Ticket.objects.get(pk=ticket_id)
    return (
        t.version,
        Comment.objects.filter(ticket_id=ticket_id).count(),
        Attachment.objects.filter(ticket_id=ticket_id).count(),
        Event.objects.filter(ticket_id=ticket_id).count(),
    )


PATH_REQUESTS = [
    ("get", "tickets/{ticket}/", None),
    ("put", "tickets/{ticket}/", {"subject": "pwned"}),
    ("patch", "tickets/{ticket}/", {"priority": "low"}),
    ("delete", "tickets/{ticket}/", None),
    ("post", "tickets/{ticket}/assign/", {"user_id": None}),
    ("post", "tickets/{ticket}/change_status/", {"status": "closed"}),
    ("post", "tickets/{ticket}/add_comment/", {"content": "x"}),
    ("get", "comments/{comment}/", None),
    ("get", "comments/{note}/", None),
    ("get", "attachments/{attachment}/", None),
    ("get", "attachments/{attachment}/download/", None),
    ("get", "history/{event}/", None),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method, path, body", PATH_REQUESTS)
def test_ids_of_another_project_in_the_path_are_404(
    api, project, member, categories, theirs, role, method, path, body
):
    client = api(member(project, role))
    before = _state(theirs["ticket"])
    r = getattr(client, method)(f"{BASE}/{path.format(**theirs)}", body, format="json")
    assert r.status_code == 404, (role, method, path, r.status_code)
    assert b"secret" not in r.content.lower() and b"merger" not in r.content.lower()
    assert _state(theirs["ticket"]) == before


@pytest.mark.parametrize("role", ROLES)
def test_upload_to_another_projects_ticket_is_404(api, project, member, theirs, role):
    client = api(member(project, role))
    before = _state(theirs["ticket"])
    r = client.post(
        f"{BASE}/tickets/{theirs['ticket']}/add_attachment/",
        {"file": SimpleUploadedFile("x.txt", b"x")},
        format="multipart",
    )
    assert r.status_code == 404
    r = client.post(
        f"{BASE}/attachments/",
        {"ticket": theirs["ticket"], "file": SimpleUploadedFile("x.txt", b"x")},
        format="multipart",
    )
    assert r.status_code == 400 and "ticket" in r.json()
    assert _state(theirs["ticket"]) == before


@pytest.mark.parametrize("role", ROLES)
def test_ids_of_another_project_in_bodies_are_400(api, project, member, theirs, role, create):
    client = api(member(project, role))
    before = _state(theirs["ticket"])
    r = client.post(
        f"{BASE}/comments/", {"ticket": theirs["ticket"], "content": "x"}, format="json"
    )
    assert r.status_code == 400 and "ticket" in r.json()
    r = client.post(
        f"{BASE}/tickets/bulk/", {"ticket_ids": [theirs["ticket"]], "status": "closed"},
        format="json",
    )  # fmt: skip
    assert r.status_code in (400, 403)
    assert b"merger" not in r.content.lower()
    assert _state(theirs["ticket"]) == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "path",
    [
        "tickets/?search=merger",
        "tickets/?search=secret",
        "comments/?ticket={ticket}",
        "attachments/?ticket={ticket}",
        "history/?ticket={ticket}",
        "tickets/export/?search=merger",
    ],
)
def test_filters_on_another_projects_objects_find_nothing(api, project, member, theirs, role, path):
    client = api(member(project, role))
    r = client.get(f"{BASE}/{path.format(**theirs)}")
    assert r.status_code == 200
    if path.startswith("tickets/export"):
        content = b"".join(r.streaming_content)
        assert content.count(b"\n") == 1  # the header only
    else:
        assert r.json()["count"] == 0


def test_assignee_from_another_project_is_refused(client, create, theirs):
    t = create()
    r = client.post(
        f"{BASE}/tickets/{t['id']}/assign/", {"user_id": theirs["owner"].pk}, format="json"
    )
    assert r.status_code == 400 and "user_id" in r.json()
    r = client.post(
        f"{BASE}/tickets/", {"subject": "x", "assigned_to": theirs["owner"].pk}, format="json"
    )
    assert r.status_code == 400 and "assigned_to" in r.json()
