"""A query the database cancels for running past ``DB_STATEMENT_TIMEOUT`` answers 503 in the
surface's own error format, never a 500; the settings pass the timeout to PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from rest_framework.test import APIClient

from tessera.core.accounts.authentication import AUTH_COOKIE_NAME
from tessera.settings.base import postgres_options
from tests.conftest import jwt_for


def test_the_setting_reaches_the_connection_options(monkeypatch):
    monkeypatch.setenv("DB_STATEMENT_TIMEOUT", "30s")
    options: dict = {}
    postgres_options(options)
    assert "-c statement_timeout=30s" in options["options"]
    monkeypatch.setenv("DB_STATEMENT_TIMEOUT", "")
    options = {}
    postgres_options(options)
    assert "statement_timeout" not in options.get("options", "")
    monkeypatch.setenv("DB_STATEMENT_TIMEOUT", "30s; DROP TABLE x")
    with pytest.raises(ImproperlyConfigured):
        postgres_options({})


def test_a_web_process_sets_thirty_seconds_unless_told(monkeypatch):
    import importlib
    import os

    import tessera.wsgi

    monkeypatch.delenv("DB_STATEMENT_TIMEOUT", raising=False)
    importlib.reload(tessera.wsgi)
    assert os.environ["DB_STATEMENT_TIMEOUT"] == "30s"
    monkeypatch.setenv("DB_STATEMENT_TIMEOUT", "5s")
    importlib.reload(tessera.wsgi)
    assert os.environ["DB_STATEMENT_TIMEOUT"] == "5s"


pg_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="statement_timeout is PostgreSQL's"
)


@contextmanager
def tickets_locked() -> Iterator[None]:
    """Another session holds the ticket table and its counts: the request waits for them
    until this connection's 300 ms statement timeout cancels it (SQLSTATE 57014)."""
    settings = connection.settings_dict
    other = psycopg.connect(
        dbname=settings["NAME"],
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        user=settings["USER"] or None,
        password=settings["PASSWORD"] or None,
    )
    with other.cursor() as cursor:
        cursor.execute("SET lock_timeout = '5s'")
        cursor.execute("LOCK TABLE tickets_ticket, tickets_ticketcount IN ACCESS EXCLUSIVE MODE")
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = '300ms'")
    try:
        yield
    finally:
        other.rollback()
        other.close()
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 0")


@pg_only
@pytest.mark.django_db(transaction=True)
def test_servicedesk_boards_and_workshop_answer_503_in_their_format(make_user, make_project):
    make_project("servicedesk", "SD")
    make_project("boards", "BD")
    make_project("workshop", "WS")
    admin = make_user(is_superuser=True, is_staff=True)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {jwt_for(admin)}")
    for path in ("/api/ticketing/tickets/", "/api/tickets/tickets/", "/api/v1/tickets/"):
        with tickets_locked():
            response = client.get(path)
        assert response.status_code == 503, (path, response.content)
        assert "longer than the server allows" in response.json()["detail"]


@pg_only
@pytest.mark.django_db(transaction=True)
def test_support_answers_503_in_its_envelope(make_project, member):
    project = make_project("support", "SUP")
    user = member(project, "admin", "alan")
    client = APIClient()
    client.cookies[AUTH_COOKIE_NAME] = jwt_for(user)
    with tickets_locked():
        response = client.get("/api/tickets/all")
    assert response.status_code == 503, response.content
    body = response.json()
    assert body["success"] is False
    assert body["statusCode"] == 503
    assert body["path"] == "/api/tickets/all"


@pg_only
@pytest.mark.django_db(transaction=True)
def test_feed_answers_503_in_its_envelope(make_user, make_project):
    make_project("support", "SUP")
    from tessera.core.accounts.services import api_token_create

    _token, raw = api_token_create(name="Integration", user=make_user(is_superuser=True))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    with tickets_locked():
        response = client.get("/api/tickets/")
    assert response.status_code == 503, response.content
    assert "longer than the server allows" in str(response.json())


@pg_only
@pytest.mark.django_db(transaction=True)
def test_a_web_page_answers_503(client, make_user, make_project):
    make_project("servicedesk", "SD")
    user = make_user(is_superuser=True, is_staff=True)
    client.force_login(user)
    with tickets_locked():
        response = client.get("/tickets/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert b"longer than the server allows" in response.content
