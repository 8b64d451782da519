"""No input may cause a 500: odd ids, huge numbers, wrong content types, garbage bodies."""

from __future__ import annotations

import pytest

from .conftest import BASE

pytestmark = pytest.mark.django_db

HUGE = "9" * 30


@pytest.mark.parametrize(
    "path",
    [
        f"tickets/{HUGE}/",
        "tickets/abc/",
        f"tickets/?customer={HUGE}",
        f"tickets/?assigned_to={HUGE}",
        f"tickets/?search={HUGE}",
        "tickets/?search=%00",
        "tickets/?page_size=abc",
        "tickets/?page=abc",
        f"comments/?ticket={HUGE}",
        f"attachments/?ticket={HUGE}",
        f"history/?ticket={HUGE}",
        f"history/{HUGE}/",
        f"customers/{HUGE}/",
        "customers/?search=%25%5F",
        f"attachments/{HUGE}/download/",
        "tickets/export/?created_after=0000-00-00",
    ],
)
def test_odd_queries_never_500(client, create, path):
    create()
    r = client.get(f"{BASE}/{path}")
    assert r.status_code < 500, (path, r.status_code)


@pytest.mark.parametrize(
    "path, body",
    [
        ("tickets/", {"subject": "x", "customer": HUGE}),
        ("tickets/", {"subject": "x", "assigned_to": HUGE}),
        ("tickets/", {"subject": "x", "project": HUGE}),
        ("tickets/", {"subject": "x", "estimated_hours": 1e20}),
        ("tickets/", {"subject": "x" * 300}),
        ("tickets/", {"subject": "x", "tags": ",,, ,"}),
        ("tickets/", ["not", "a", "dict"]),
        ("tickets/bulk/", {"ticket_ids": [HUGE], "status": "open"}),
        ("tickets/bulk/", {"ticket_ids": "1,2", "status": "open"}),
        ("comments/", {"ticket": HUGE, "content": "x"}),
        ("customers/", {"name": "x" * 500}),
    ],
)
def test_odd_bodies_never_500(client, create, path, body):
    create()
    r = client.post(f"{BASE}/{path}", body, format="json")
    assert r.status_code < 500, (path, r.status_code, r.content[:300])
    assert r.status_code in (200, 201, 400), r.content[:300]


def test_wrong_content_types(client, create):
    t = create()
    r = client.post(
        f"{BASE}/tickets/{t['id']}/add_attachment/", {"description": "x"}, format="json"
    )
    assert r.status_code == 415
    r = client.post(f"{BASE}/tickets/", "{not json", content_type="application/json")
    assert r.status_code == 400
    r = client.post(f"{BASE}/tickets/{t['id']}/assign/", {"user_id": HUGE}, format="json")
    assert r.status_code == 400
    r = client.patch(f"{BASE}/tickets/{t['id']}/", {"actual_hours": "NaN"}, format="json")
    assert r.status_code == 400


def test_schema_includes_the_surface(client):
    r = client.get("/api/schema/")
    assert r.status_code == 200
    text = r.content.decode()
    for path in (
        "/api/ticketing/tickets/",
        "/api/ticketing/tickets/{id}/change_status/",
        "/api/ticketing/tickets/statistics/",
        "/api/ticketing/history/",
    ):
        assert path in text


@pytest.mark.parametrize("path", ["auth/token/", "auth/token/refresh/"])
def test_token_endpoints_refuse_a_body_without_a_media_type_as_documented(client, path):
    """A body with an empty ``Content-Type`` (found by the fuzzer): 415 in the surface's
    ``{"detail"}`` format, and the schema lists 415 for the operation."""
    r = client.generic("POST", f"{BASE}/{path}", b"refresh=x", content_type="")
    assert r.status_code == 415
    assert set(r.json()) == {"detail"}
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert "415" in schema["paths"][f"{BASE}/{path}"]["post"]["responses"]
