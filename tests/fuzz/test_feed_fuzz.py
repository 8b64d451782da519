"""Fuzzing document 004's feed from the OpenAPI schema, with a token of each kind of user.

Document 004 has no roles of its own: a token acts as its user. The users here cover what
the feed distinguishes: a superuser (every ticket), a service-desk agent (a project's
tickets), a requester (own tickets), and a user with no project (nothing). Each request is
sent with one of the three documented transports. ``strict_positive``: every request the
schema allows is answered 2xx (or 404 for an unknown ticket) — the schema states every
constraint (``page``/``page_size`` minimum 1, ``updated_since`` a date-time, ``ident`` not a
boards resource name).
"""

from __future__ import annotations

import pytest
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, settings

from tessera.surfaces.feed.views import BOARDS_LITERALS, IDENT_PATTERN
from tests.fuzz.harness import MAX_EXAMPLES, checks, load_schema

schema = load_schema(r"^/api/tickets/(\{ident\}/)?$")

USERS = ["superuser", "agent", "requester", "outsider"]


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """The WSGI app fires request_started/finished, whose ``close_old_connections`` would
    close the test's connection mid-transaction on PostgreSQL (Django's test client
    disconnects it the same way)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(params=USERS)
def credentials(request, db, make_user, make_project, member) -> dict:
    from tessera.core.accounts.services import api_token_create
    from tessera.core.tickets.services import ticket_assign, ticket_create

    root = make_user(is_superuser=True)
    desk = make_project("servicedesk", "FZD")
    board = make_project("boards", "FZB")
    agent = member(desk, "agent")
    requester = member(board, "user")
    ticket_create(actor=requester, project=board, title="requester's \u00e9t\u00e9")
    t = ticket_create(actor=root, project=desk, title="desk ticket", description="desk text")
    ticket_assign(actor=root, ticket=t, assignees=[agent])
    ticket_create(actor=root, project=board, title="someone else's")
    user = {
        "superuser": root,
        "agent": agent,
        "requester": requester,
        "outsider": make_user(),
    }[request.param]
    _token, raw = api_token_create(name=f"fuzz {request.param}", user=user)
    # one transport per user kind, so all three are fuzzed
    return [
        {"headers": {"Authorization": f"Bearer {raw}"}},
        {"headers": {"X-API-Token": raw}},
        {"headers": {"Authorization": f"bearer {raw}"}},
        {"headers": {"X-API-Token": raw}},
    ][USERS.index(request.param)]


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_feed_never_fails(case, credentials):
    if case.path_parameters and case.path_parameters.get("ident") in BOARDS_LITERALS:
        # a negative example that breaks the ident pattern lands on the boards surface,
        # which answers in its own shape: only require that it is not a server error
        response = case.call(**credentials)
        assert response.status_code < 500
        return
    case.call_and_validate(**credentials, checks=checks(strict_positive=True))


def _route_words() -> set[str]:
    """Every literal path segment of every URL pattern of the project."""
    import re

    from django.urls import get_resolver

    words: set[str] = set()

    def walk(patterns) -> None:
        for p in patterns:
            for part in str(p.pattern).split("/"):
                word = part.strip("^$")
                if re.fullmatch(r"[\w.-]+", word):
                    words.add(word)
            if hasattr(p, "url_patterns"):
                walk(p.url_patterns)

    walk(get_resolver().url_patterns)
    return words


def test_ident_pattern_excludes_every_other_surfaces_literal_under_api_tickets():
    """Every ``/api/tickets/<word>/`` that another surface routes is in ``BOARDS_LITERALS``,
    which the feed's ``{ident}`` pattern excludes; ticket numbers still match it."""
    import re

    from tessera.surfaces.feed.views import TicketFeedDetailView

    taken = []
    for word in _route_words():
        try:
            match = resolve(f"/api/tickets/{word}/")
        except Resolver404:
            continue
        if getattr(match.func, "view_class", None) is not TicketFeedDetailView:
            taken.append(word)
    # every routed name is excluded (a name listed but not routed is harmless: no ticket
    # key is a bare word, so the feed would answer 404 anyway)
    assert set(taken) <= set(BOARDS_LITERALS)
    assert {"tickets", "companies", "users", "projects"} <= set(taken)
    pattern = re.compile(IDENT_PATTERN)
    assert not any(pattern.match(name) for name in BOARDS_LITERALS)
    assert all(pattern.match(n) for n in ("DEMO-1", "TKT-000001", "42", "Companies", "tags2"))
