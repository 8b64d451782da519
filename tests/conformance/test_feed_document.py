"""Document 004 (`/work/shared/seeds/004_53464c699f61e526.txt`) as its own client sees it.

Written from the document only: `GET /api/tickets/` and `GET /api/tickets/{id}/` with a
token sent the three documented ways, the two success envelopes and the error envelope, the
twelve fields of "Field Descriptions", the status codes of "Status Codes", the
`manage.py api_tokens` verbs exactly as printed, and the "Example Usage" loops. The data is
the demo (`manage.py demo --json`), whose `tokens` are the integration's credentials.
"""

from __future__ import annotations

import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

# "## Field Descriptions", in the document's order
FIELDS = [
    "ticket_number",
    "title",
    "description",
    "category",
    "created_by",
    "assigned_to",
    "status",
    "priority",
    "location",
    "department",
    "created_at",
    "closed_on",
]
# the document's timestamps: "2025-08-21T19:20:51+00:00"
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$")
WRITES = ["post", "put", "patch", "delete"]


@pytest.fixture
def demo(capsys) -> dict:
    call_command("demo", "--json")
    data = json.loads(capsys.readouterr().out)
    tokens = {t["active"]: t["token"] for t in data["tokens"]}
    return {"data": data, "token": tokens[True], "retired": tokens[False]}


def bearer(token: str) -> APIClient:
    """ "Authorization Header (Recommended)"."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def assert_error(response, status: int) -> dict:
    """ "Error Response Format": success false, error, optional detail, timestamp."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["success"] is False
    assert isinstance(body["error"], str) and body["error"]
    assert set(body) <= {"success", "error", "detail", "timestamp"}
    assert "detail" not in body or isinstance(body["detail"], str)
    assert ISO.match(body["timestamp"])
    return body


def assert_ticket(ticket: dict) -> None:
    assert list(ticket) == FIELDS
    for name in ("ticket_number", "title", "description", "status", "priority"):
        assert isinstance(ticket[name], str), name
    for name in ("location", "department"):
        assert isinstance(ticket[name], str), name
    # "(if any)" for the assignee; a ticket without category or with a deleted creator
    # shows null (docs/surfaces/feed.md)
    for name in ("category", "created_by", "assigned_to"):
        assert ticket[name] is None or isinstance(ticket[name], str), name
    assert ISO.match(ticket["created_at"])
    assert ticket["closed_on"] is None or ISO.match(ticket["closed_on"])


# --- Authentication ---------------------------------------------------------------------


def test_the_three_documented_ways_to_send_a_token(demo):
    token = demo["token"]
    by_header = bearer(token).get("/api/tickets/")
    by_x_header = APIClient().get("/api/tickets/", HTTP_X_API_TOKEN=token)
    by_query = APIClient().get(f"/api/tickets/?token={token}")
    bodies = []
    for response in (by_header, by_x_header, by_query):
        assert response.status_code == 200, response.content
        bodies.append({k: v for k, v in response.json().items() if k != "timestamp"})
    assert bodies[0] == bodies[1] == bodies[2]


def test_the_curl_example_with_a_json_content_type(demo):
    response = APIClient().get(
        "/api/tickets/",
        HTTP_AUTHORIZATION=f"Bearer {demo['token']}",
        HTTP_CONTENT_TYPE="application/json",
    )
    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/api/tickets/", "/api/tickets/1/"])
def test_invalid_or_missing_token_is_401(demo, path):
    assert_error(APIClient().get(path), 401)
    assert_error(bearer("YOUR_TOKEN_HERE").get(path), 401)
    assert_error(APIClient().get(path, HTTP_X_API_TOKEN="YOUR_TOKEN_HERE"), 401)
    assert_error(APIClient().get(f"{path}?token=YOUR_TOKEN_HERE"), 401)
    # the demo's deactivated token
    assert_error(bearer(demo["retired"]).get(path), 401)


# --- GET /api/tickets/ ------------------------------------------------------------------


def test_list_returns_all_tickets_in_the_documented_shape(demo):
    from tessera.core.tickets.models import Ticket

    response = bearer(demo["token"]).get("/api/tickets/")
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["success", "count", "tickets", "timestamp"]
    assert body["success"] is True
    assert ISO.match(body["timestamp"])
    # the demo token's user is the superuser "admin": every ticket in the system
    assert body["count"] == Ticket.objects.count() == len(body["tickets"]) > 0
    for ticket in body["tickets"]:
        assert_ticket(ticket)
    numbers = [t["ticket_number"] for t in body["tickets"]]
    assert len(set(numbers)) == len(numbers)  # "Unique ticket identifier"
    statuses = {t["status"] for t in body["tickets"]}
    assert "Open" in statuses  # display names, as the example's "Open" / "High"
    assert {t["priority"] for t in body["tickets"]} & {"High", "Low", "Medium"}
    assert any(t["assigned_to"] for t in body["tickets"])
    assert any(t["category"] for t in body["tickets"])


def test_closed_on_is_null_while_open_and_set_once_closed(demo):
    tickets = bearer(demo["token"]).get("/api/tickets/").json()["tickets"]
    open_ones = [t for t in tickets if t["status"] == "Open"]
    closed_ones = [t for t in tickets if t["status"] == "Closed"]
    assert open_ones and closed_ones
    assert all(t["closed_on"] is None for t in open_ones)
    assert all(ISO.match(t["closed_on"]) for t in closed_ones)


def test_python_requests_example_loop(demo):
    # headers = {"Authorization": f"Bearer {token}"}; for ticket in data['tickets']: ...
    data = bearer(demo["token"]).get("/api/tickets/").json()
    lines = [f"Ticket {ticket['ticket_number']}: {ticket['title']}" for ticket in data["tickets"]]
    assert len(lines) == data["count"]


# --- GET /api/tickets/{id}/ -------------------------------------------------------------


def test_each_ticket_by_its_ticket_number(demo):
    client = bearer(demo["token"])
    listed = client.get("/api/tickets/").json()["tickets"]
    for ticket in listed:
        response = client.get(f"/api/tickets/{ticket['ticket_number']}/")
        assert response.status_code == 200, ticket["ticket_number"]
        body = response.json()
        assert list(body) == ["success", "ticket", "timestamp"]
        assert body["success"] is True and ISO.match(body["timestamp"])
        assert body["ticket"] == ticket


def test_unknown_ticket_is_404(demo):
    client = bearer(demo["token"])
    for ident in ("6140", "TKT-999999", "DEMO-9999", "nothing-here"):
        assert_error(client.get(f"/api/tickets/{ident}/"), 404)


def test_ticket_numbers_stay_unique_with_two_service_desks(demo):
    """Service-desk numbers (TKT-000001) repeat per project; the feed's stay unique and each
    one fetches its own ticket."""
    from tessera.core.accounts.models import User
    from tessera.core.projects.services import project_create
    from tessera.core.tickets.services import ticket_create

    admin = User.objects.get(username="admin")
    second = project_create(actor=admin, template="servicedesk", key="SD2", name="Second desk")
    mine = ticket_create(actor=admin, project=second, title="Second desk's first ticket")
    client = bearer(demo["token"])
    tickets = client.get("/api/tickets/").json()["tickets"]
    numbers = [t["ticket_number"] for t in tickets]
    assert len(set(numbers)) == len(numbers)
    assert "TKT-000001" in numbers
    entry = next(t for t in tickets if t["title"] == mine.title)
    assert entry["ticket_number"] == "SD2-1"
    assert client.get("/api/tickets/SD2-1/").json()["ticket"]["title"] == mine.title
    first = client.get("/api/tickets/TKT-000001/").json()["ticket"]
    assert first["ticket_number"] == "TKT-000001" and first["title"] != mine.title


# --- Status codes -----------------------------------------------------------------------


@pytest.mark.parametrize("method", WRITES)
def test_unsupported_methods_are_405_and_change_nothing(demo, method):
    from tessera.core.tickets.models import Ticket

    client = bearer(demo["token"])
    number = client.get("/api/tickets/").json()["tickets"][0]["ticket_number"]
    before = list(Ticket.objects.order_by("id").values())
    payload = {"title": "changed", "status": "Closed"}
    for path in ("/api/tickets/", f"/api/tickets/{number}/"):
        response = getattr(client, method)(path, payload, format="json")
        assert_error(response, 405)
    assert list(Ticket.objects.order_by("id").values()) == before


def test_server_error_is_500_in_the_error_envelope(demo, monkeypatch):
    from tessera.surfaces.feed import views

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views, "tickets_visible_to", broken)
    body = assert_error(bearer(demo["token"]).get("/api/tickets/"), 500)
    assert "boom" not in json.dumps(body)


# --- Managing API Tokens ----------------------------------------------------------------


def run(*args: str) -> str:
    out = StringIO()
    call_command("api_tokens", *args, stdout=out)
    return out.getvalue()


def test_token_management_commands_as_documented(demo):
    from tessera.core.accounts.models import ApiToken

    # python manage.py api_tokens --create --name "Integration Name" --user admin
    out = run("--create", "--name", "Integration Name", "--user", "admin")
    token = out.strip().splitlines()[-1]
    assert out.count(token) == 1  # "Tokens are shown only once during creation"
    assert bearer(token).get("/api/tickets/").status_code == 200
    created = ApiToken.objects.get(name="Integration Name")
    assert created.last_used is not None  # "Monitor token usage via the last_used field"

    listing = run("--list")
    assert "Integration Name" in listing and token not in listing
    assert demo["token"] not in listing

    # --deactivate / --activate TOKEN_ID_OR_VALUE: by value, then by id
    run("--deactivate", token)
    assert_error(bearer(token).get("/api/tickets/"), 401)
    run("--activate", token)
    assert bearer(token).get("/api/tickets/").status_code == 200
    run("--deactivate", str(created.pk))
    assert_error(bearer(token).get("/api/tickets/"), 401)
    run("--activate", str(created.pk))
    assert bearer(token).get("/api/tickets/").status_code == 200
