"""No input causes a 500: JSON strings with NUL or lone surrogates, non-finite numbers and
absurd nesting are a 400 — on the support surface (in document 001's envelope) and, through
the project's default parser ``tessera.surfaces.drf.StrictJSONParser``, on every DRF view
that does not choose its own parsers."""

from __future__ import annotations

import pytest
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from tessera.core.tickets.models import Ticket
from tessera.core.triage.models import TicketTriage
from tessera.surfaces.drf import StrictJSONParser

from .conftest import error_of

pytestmark = pytest.mark.django_db

UNSTORABLE = [
    '{"title": "nul \\u0000 inside", "description": "a long enough description"}',
    '{"title": "lone \\ud800 high", "description": "a long enough description"}',
    '{"title": "lone \\udfff low", "description": "a long enough description"}',
    '{"title": "Cannot access dashboard", "description": "a long enough description", '
    '"extra": {"deep": ["ok", "\\u0000"]}}',
    '{"\\ud800": 1, "title": "Cannot access dashboard", "description": "long enough text"}',
    '{"title": "Cannot access dashboard", "description": "a long enough description", "n": 1e999}',
    "[" * 50_000 + "]" * 50_000,
]


class Echo(APIView):
    """A DRF view that leaves the parsers to the project's defaults."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    def post(self, request):
        return Response({"keys": sorted(request.data) if isinstance(request.data, dict) else []})


def test_the_strict_parser_is_the_projects_default_json_parser():
    assert api_settings.DEFAULT_PARSER_CLASSES[0] is StrictJSONParser


@pytest.mark.parametrize("body", UNSTORABLE)
def test_default_parser_refuses_unstorable_json_with_400(body):
    request = APIRequestFactory().post("/echo", body, content_type="application/json")
    response = Echo.as_view()(request)
    assert response.status_code == 400
    assert str(response.data["detail"]).startswith("JSON parse error")


def test_default_parser_accepts_ordinary_unicode():
    body = '{"title": "Emoji \\ud83d\\ude00 and \\u00e9", "n": 1.5}'
    request = APIRequestFactory().post("/echo", body, content_type="application/json")
    response = Echo.as_view()(request)
    assert response.status_code == 200 and response.data == {"keys": ["n", "title"]}


@pytest.mark.parametrize("body", UNSTORABLE)
def test_support_create_refuses_unstorable_json_in_its_envelope(desk, client_for, body):
    r = client_for(desk.user).post("/api/tickets", body, content_type="application/json")
    assert r.status_code == 400
    err = error_of(r)
    assert err["message"] == "Bad request" and err["error"].startswith("JSON parse error")
    assert Ticket.objects.count() == 0


@pytest.mark.parametrize(
    "body",
    [
        '{"helpful_notes": "nul \\u0000"}',
        '{"helpful_notes": "\\ud800"}',
        '{"status": "\\udc00"}',
        '{"status": "todo\\u0000"}',
    ],
)
def test_support_update_refuses_unstorable_json_and_changes_nothing(
    desk, client_for, make_ticket, body
):
    ticket = make_ticket(desk.user)
    before = Ticket.objects.get(pk=ticket.pk).version
    r = client_for(desk.mod).patch(
        f"/api/tickets/{ticket.public_id}", body, content_type="application/json"
    )
    assert r.status_code == 400, r.content
    error_of(r)
    assert Ticket.objects.get(pk=ticket.pk).version == before
    assert TicketTriage.objects.get(ticket=ticket).helpful_notes is None


@pytest.mark.parametrize(
    "body",
    [
        '{"email": "a\\u0000@example.test", "password": "x"}',
        '{"email": "uma@example.test", "password": "\\ud800"}',
    ],
)
def test_login_refuses_unstorable_json(desk, client_for, body):
    r = client_for().post("/api/auth/login", body, content_type="application/json")
    assert r.status_code == 400
    error_of(r)


@pytest.mark.parametrize(
    "query",
    [
        "status=%00",
        "status=%ED%A0%80",
        "priority=%F0%9F%98%80",
        "assigned_to=%00",
        "assigned_to=" + "a" * 5000,
        "page=1e309",
        "limit=-0",
        "page=NaN",
        "page=0x10",
        "limit=%00",
    ],
)
def test_odd_query_values_are_400_never_500(desk, client_for, query):
    for path in ("/api/tickets", "/api/tickets/all"):
        r = client_for(desk.mod).get(f"{path}?{query}")
        assert r.status_code == 400, (path, query, r.content)
        error_of(r)


@pytest.mark.parametrize("ident", ["%00", "%ED%A0%80", "a" * 4000, "1" * 40, "-1"])
def test_odd_ids_are_404_never_500(desk, client_for, ident):
    client = client_for(desk.mod)
    for method in ("get", "patch", "delete"):
        r = getattr(client, method)(f"/api/tickets/{ident}")
        assert r.status_code in (400, 404), (method, ident, r.content)
        error_of(r)
    r = client.get(f"/api/tickets/{ident}/processing")
    assert r.status_code == 404
    error_of(r)
