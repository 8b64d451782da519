"""Document 004's authentication: three transports, every 401, last_used, deactivation."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from rest_framework.test import APIClient

from tessera.core.accounts.models import ApiToken
from tessera.core.accounts.services import api_token_lookup, api_token_set_active
from tessera.core.common import clock
from tests.conftest import jwt_for

pytestmark = pytest.mark.django_db

ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$")
T0 = datetime(2025, 8, 26, 15, 30, tzinfo=UTC)


def assert_401(response) -> None:
    assert response.status_code == 401, response.content
    body = response.json()
    assert body["success"] is False
    assert set(body) <= {"success", "error", "detail", "timestamp"}
    assert {"success", "error", "timestamp"} <= set(body)
    assert isinstance(body["error"], str) and body["error"]
    assert ISO_UTC.match(body["timestamp"])
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "tickets" not in body and "ticket" not in body


@pytest.mark.parametrize(
    "send",
    [
        lambda c, raw: c.get("/api/tickets/", HTTP_AUTHORIZATION=f"Bearer {raw}"),
        lambda c, raw: c.get("/api/tickets/", HTTP_AUTHORIZATION=f"bearer   {raw}"),
        lambda c, raw: c.get("/api/tickets/", HTTP_X_API_TOKEN=raw),
        lambda c, raw: c.get("/api/tickets/", {"token": raw}),
    ],
    ids=["authorization-bearer", "bearer-any-case", "x-api-token", "query-token"],
)
def test_each_transport_is_accepted(make_token, send):
    _, raw = make_token()
    r = send(APIClient(), raw)
    assert r.status_code == 200, r.content
    assert r.json()["success"] is True


@pytest.mark.parametrize(
    "send",
    [
        lambda c, raw: c.get("/api/tickets/", HTTP_AUTHORIZATION=f"Bearer {raw}"),
        lambda c, raw: c.get("/api/tickets/", HTTP_X_API_TOKEN=raw),
        lambda c, raw: c.get("/api/tickets/", {"token": raw}),
        lambda c, raw: c.get("/api/tickets/1/", {"token": raw}),
    ],
    ids=["bearer", "x-api-token", "query", "detail"],
)
def test_unknown_token_is_401_on_every_transport(send):
    assert_401(send(APIClient(), "not-a-real-token"))


def test_missing_token_is_401():
    assert_401(APIClient().get("/api/tickets/"))
    assert_401(APIClient().get("/api/tickets/TKT-000001/"))
    assert_401(APIClient().get("/api/tickets/", HTTP_AUTHORIZATION="Bearer"))
    assert_401(APIClient().get("/api/tickets/", {"token": ""}))


def test_a_jwt_is_not_an_api_token(make_user):
    user = make_user()
    r = APIClient().get("/api/tickets/", HTTP_AUTHORIZATION=f"Bearer {jwt_for(user)}")
    assert_401(r)


def test_inactive_token_is_401(make_token, feed):
    token, raw = make_token()
    api_token_set_active(token=token, active=False)
    assert_401(feed(raw).get("/api/tickets/"))


def test_expired_token_is_401_and_unexpired_works(make_token, feed):
    with clock.frozen_at(T0):
        _, soon = make_token(expires_at=T0 + timedelta(minutes=5))
        _, gone = make_token(expires_at=T0 - timedelta(seconds=1))
        assert feed(soon).get("/api/tickets/").status_code == 200
        assert_401(feed(gone).get("/api/tickets/"))
    with clock.frozen_at(T0 + timedelta(minutes=5)):
        assert_401(feed(soon).get("/api/tickets/"))


def test_token_of_an_inactive_user_is_401(make_user, make_token, feed):
    user = make_user(is_active=False)
    _, raw = make_token(user)
    assert_401(feed(raw).get("/api/tickets/"))


def test_deactivated_token_stops_working_at_once(make_token, feed):
    token, raw = make_token()
    client = feed(raw)
    assert client.get("/api/tickets/").status_code == 200
    api_token_set_active(token=api_token_lookup(raw), active=False)
    assert_401(client.get("/api/tickets/"))
    assert_401(client.get(f"/api/tickets/{token.pk}/"))
    api_token_set_active(token=api_token_lookup(str(token.pk)), active=True)
    assert client.get("/api/tickets/").status_code == 200


def test_refused_request_does_not_touch_last_used(make_token, feed):
    token, raw = make_token()
    api_token_set_active(token=token, active=False)
    feed(raw).get("/api/tickets/")
    token.refresh_from_db()
    assert token.last_used is None


def test_last_used_is_recorded_at_most_once_a_minute(make_token, feed):
    token, raw = make_token()
    assert token.last_used is None
    with clock.frozen_at(T0):
        assert feed(raw).get("/api/tickets/").status_code == 200
    token.refresh_from_db()
    assert token.last_used == T0
    with clock.frozen_at(T0 + timedelta(seconds=59)):
        assert feed(raw).get("/api/tickets/").status_code == 200
    token.refresh_from_db()
    assert token.last_used == T0
    with clock.frozen_at(T0 + timedelta(seconds=61)):
        assert feed(raw).get("/api/tickets/").status_code == 200
    token.refresh_from_db()
    assert token.last_used == T0 + timedelta(seconds=61)


def test_tokens_are_stored_hashed(make_token):
    token, raw = make_token()
    stored = ApiToken.objects.get(pk=token.pk)
    assert raw not in (stored.token_hash, stored.name, stored.prefix)
    assert len(stored.token_hash) == 64 and stored.token_hash != raw
    assert len(raw) >= 32


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_one_token_all_succeed_and_write_last_used_once(make_token):
    import threading

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: real concurrent connections")
    token, raw = make_token()
    barrier = threading.Barrier(12)
    statuses: list[int] = []
    updates: list[int] = []

    def hit() -> None:
        try:
            barrier.wait(timeout=30)
            with CaptureQueriesContext(connection) as ctx:
                r = APIClient().get("/api/tickets/", HTTP_X_API_TOKEN=raw)
            statuses.append(r.status_code)
            updates.append(
                sum('UPDATE "accounts_apitoken"' in q["sql"] for q in ctx.captured_queries)
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=hit) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [200] * 12
    token.refresh_from_db()
    assert token.last_used is not None
    # every request may try the conditional UPDATE, but later ones match no row; afterwards
    # (within the minute) no request writes at all
    with CaptureQueriesContext(connection) as ctx:
        assert APIClient().get("/api/tickets/", HTTP_X_API_TOKEN=raw).status_code == 200
    assert not any("UPDATE" in q["sql"] for q in ctx.captured_queries)
