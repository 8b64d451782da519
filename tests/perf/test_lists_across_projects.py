"""Ticket lists over several projects: each surface's list reads one newest-first page per
project and merges them (``tickets.selectors.newest_first_by_project``, one ``UNION ALL``
query). A user must see the same tickets in the same order as one newest-first read would
give: across projects, across pages, with tickets created at the same instant, and with a
newer ticket of another surface's project that must not show.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tessera.core.accounts.authentication import AUTH_COOKIE_NAME
from tessera.core.projects.services import membership_set
from tessera.core.tickets.models import Ticket
from tests.conftest import jwt_for
from tests.factories import any_ticket

# (template, path, auth, page-size parameter, rows key, title key, a role seeing all)
LISTS = [
    ("workshop", "/api/v1/tickets/", "jwt", "page_size", "results", "title", "master"),
    ("support", "/api/tickets/all", "cookie", "limit", "data", "title", "moderator"),
    ("servicedesk", "/api/ticketing/tickets/", "jwt", "page_size", "results", "subject", "agent"),
    ("boards", "/api/tickets/tickets/", "jwt", "page_size", "results", "name", "manager"),
]
IDS = [row[0] for row in LISTS]

# Per ticket: (project index, minutes after a base time). Projects interleave unevenly (a
# late page needs more of the busiest project than any earlier page), two pairs share an
# instant (the id breaks the tie), and the newest ticket is not the last created.
TICKETS = [
    (0, 0), (0, 7), (1, 3), (0, 7), (2, 12), (0, 1), (0, 3), (1, 9),
    (0, 30), (2, 2), (0, 11), (0, 14), (1, 13), (0, 4),
]  # fmt: skip


def _client(api, auth: str, user):
    client = api(user) if auth == "jwt" else api()
    if auth == "cookie":
        client.cookies[AUTH_COOKIE_NAME] = jwt_for(user)
    return client


def _world(template, make_user, make_project):
    admin = make_user(is_superuser=True, is_staff=True)
    projects = [make_project(template, owner=admin) for _ in range(3)]
    base = timezone.now() - timedelta(days=2)
    for i, (project, minutes) in enumerate(TICKETS):
        ticket = any_ticket(projects[project], admin, f"Merged {template} {i}")
        Ticket.objects.filter(pk=ticket.pk).update(created_at=base + timedelta(minutes=minutes))
    # Another surface's newest ticket: the reason a single ordered read walks far.
    other = make_project("boards" if template != "boards" else "servicedesk", owner=admin)
    any_ticket(other, admin, "Other surface newest")
    expected = list(
        Ticket.objects.filter(project__in=projects)
        .order_by("-created_at", "-id")
        .values_list("title", flat=True)
    )
    return admin, projects, expected


def _walk(client, path, size_param, rows_key, title_key, size: int) -> tuple[list, list]:
    """Every page of the list at ``size`` rows a page: the titles, and each page's SQL."""
    titles, sql = [], []
    page = 1
    while True:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, {"page": page, size_param: size})
        if response.status_code == 404:  # past the last page (DRF's page-number pagination)
            break
        assert response.status_code == 200, response.content[:300]
        rows = response.json()[rows_key]
        if not rows:
            break
        titles += [row[title_key] for row in rows]
        sql.append([q["sql"] for q in queries.captured_queries])
        page += 1
    return titles, sql


def _merged(page_sql: list[str]) -> bool:
    """A page read as a union of the tickets table's parts (the page's assignees and tags
    are one union of their own tables, not a merged page)."""
    return any("UNION ALL" in q and 'FROM "tickets_ticket" ' in q for q in page_sql)


# SQLite refuses LIMIT inside a compound SELECT: there the list stays one read.
MERGES = connection.features.supports_slicing_ordering_in_compound


@pytest.mark.django_db
@pytest.mark.parametrize("size", [3, 4, 100])
@pytest.mark.parametrize("template,path,auth,size_param,rows_key,title_key,role", LISTS, ids=IDS)
def test_pages_across_projects_keep_newest_first_order(
    template, path, auth, size_param, rows_key, title_key, role, size,
    make_user, make_project, api,
):  # fmt: skip
    admin, projects, expected = _world(template, make_user, make_project)
    assert len(expected) == len(TICKETS)
    staff = make_user()
    for project in projects:
        membership_set(actor=None, project=project, user=staff, role=role)
    for user in (admin, staff):
        titles, sql = _walk(_client(api, auth, user), path, size_param, rows_key, title_key, size)
        assert titles == expected
        assert [_merged(page) for page in sql] == [MERGES] * len(sql)


@pytest.mark.django_db
@pytest.mark.parametrize("template,path,auth,size_param,rows_key,title_key,role", LISTS, ids=IDS)
def test_merged_list_runs_a_fixed_number_of_queries(
    template, path, auth, size_param, rows_key, title_key, role,
    make_user, make_project, api,
):  # fmt: skip
    admin, _, expected = _world(template, make_user, make_project)
    client = _client(api, auth, admin)
    counts = {}
    for size in (2, 10):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, {size_param: size})
        assert response.status_code == 200
        assert len(response.json()[rows_key]) == size
        counts[size] = len(queries)
    assert counts[2] == counts[10] <= 8, counts


@pytest.mark.django_db
def test_a_partial_view_of_a_project_reads_in_one_ordered_query(make_user, make_project, api):
    """An agent of one project and a customer of another sees all of the first and only
    their own tickets of the second: one read, never a walk of the second project per page
    (its own tickets may be few), in the same order."""
    admin, projects, _ = _world("servicedesk", make_user, make_project)
    user = make_user()
    membership_set(actor=None, project=projects[0], user=user, role="agent")
    membership_set(actor=None, project=projects[1], user=user, role="customer")
    own = any_ticket(projects[1], user, "Customer's own")
    visible = Ticket.objects.filter(project=projects[0]) | Ticket.objects.filter(pk=own.pk)
    expected = list(visible.order_by("-created_at", "-id").values_list("title", flat=True))
    titles, sql = _walk(
        _client(api, "jwt", user), "/api/ticketing/tickets/", "page_size", "results", "subject", 2
    )
    assert titles == expected
    assert not any(_merged(page) for page in sql)


@pytest.mark.django_db
def test_a_list_filtered_to_one_project_is_not_merged(make_user, make_project, api):
    admin, projects, _ = _world("boards", make_user, make_project)
    expected = list(
        Ticket.objects.filter(project=projects[1])
        .order_by("-created_at", "-id")
        .values_list("title", flat=True)
    )
    client = api(admin)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/tickets/tickets/", {"project": projects[1].pk})
    assert [row["name"] for row in response.json()["results"]] == expected
    assert not _merged([q["sql"] for q in queries.captured_queries])


def _initial_state_key(project) -> str:
    return Ticket.objects.filter(project=project).select_related("state").first().state.key


# (template, path, auth, rows key, title key, query, merged on PostgreSQL). Every ticket
# of the world matches each query: a filter every project matches alike (a state, a
# priority) is merged; one that may match in one project only stays one ordered read.
FILTERED = [
    ("servicedesk", "/api/ticketing/tickets/", "jwt", "results", "subject", {"status": "{state}"}, True),
    ("servicedesk", "/api/ticketing/tickets/", "jwt", "results", "subject", {"created_after": "2000-01-01"}, False),
    ("boards", "/api/tickets/tickets/", "jwt", "results", "name", {"status": "{state}"}, True),
    ("boards", "/api/tickets/tickets/", "jwt", "results", "name", {"type": "task"}, False),
    ("support", "/api/tickets/all", "cookie", "data", "title", {"status": "{state}"}, True),
    ("workshop", "/api/v1/tickets/", "jwt", "results", "title", {"state": "{state}"}, True),
]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize(
    "template,path,auth,rows_key,title_key,query,merges",
    FILTERED,
    ids=[f"{row[0]}-{'-'.join(row[5])}" for row in FILTERED],
)
def test_only_filters_every_project_matches_alike_are_merged(
    template, path, auth, rows_key, title_key, query, merges, make_user, make_project, api
):
    admin, projects, expected = _world(template, make_user, make_project)
    state = _initial_state_key(projects[0])
    if template == "boards" and "type" in query:
        Ticket.objects.filter(project__in=projects).update(type="task")
    params = {k: v.format(state=state) for k, v in query.items()}
    client = _client(api, auth, admin)
    titles, sql = [], []
    for page in (1, 2, 3, 4, 5):
        size_param = "limit" if template == "support" else "page_size"
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, {**params, "page": page, size_param: 3})
        if response.status_code == 404:
            break
        assert response.status_code == 200, response.content[:300]
        titles += [row[title_key] for row in response.json()[rows_key]]
        sql.append([q["sql"] for q in queries.captured_queries])
    assert titles == expected
    assert [_merged(page) for page in sql] == [merges and MERGES] * len(sql)


@pytest.mark.django_db
def test_own_tickets_stay_one_read(make_user, make_project, api):
    """The support list of one's own tickets (they may all be in one project)."""
    admin, projects, _ = _world("support", make_user, make_project)
    expected = list(
        Ticket.objects.filter(project__in=projects, created_by=admin)
        .order_by("-created_at", "-id")
        .values_list("title", flat=True)
    )
    with CaptureQueriesContext(connection) as queries:
        response = _client(api, "cookie", admin).get("/api/tickets", {"limit": 100})
    assert [row["title"] for row in response.json()["data"]] == expected
    assert not _merged([q["sql"] for q in queries.captured_queries])


@pytest.mark.django_db
@pytest.mark.parametrize("as_rows", [True, False], ids=["values-rows", "models"])
def test_a_merged_page_of_rows_or_models_is_the_newest_first_slice(
    as_rows, make_user, make_project
):
    """The merged list reads ``values()`` rows through one compiled part and anything else
    through the ORM's ``union()``; both give the slice one ordered read gives."""
    from tessera.core.tickets.selectors import newest_first_by_project, tickets_visible_to

    admin, projects, expected = _world("servicedesk", make_user, make_project)
    qs = tickets_visible_to(admin, template="servicedesk").order_by("-created_at", "-id")
    rows = qs.values("id", "title", "created_at") if as_rows else qs
    merged = newest_first_by_project(rows, actor=admin, template="servicedesk", spread=True)
    assert isinstance(merged, QuerySet) != MERGES
    for start, stop in ((0, 3), (3, 7), (5, 14), (12, 40)):
        page = merged[start:stop]
        titles = [row["title"] if as_rows else row.title for row in page]
        assert titles == expected[start:stop], (start, stop)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "filtered", FILTERED[0:1] + FILTERED[2:3] + FILTERED[4:6], ids=lambda r: r[0]
)
def test_a_merged_state_filter_keeps_only_that_states_tickets_in_order(
    filtered, make_user, make_project, api
):
    """Half the tickets of each project moved to another state, the newest among them: the
    merged list of one state reads each project's part by that project's own state (the
    ``(state, -created_at)`` index) and shows exactly its tickets, newest first, on every
    page; the other state's list shows the rest."""
    from tessera.core.projects.models import WorkflowState

    template, path, auth, rows_key, title_key, query, _ = filtered
    admin, projects, _ = _world(template, make_user, make_project)
    key = _initial_state_key(projects[0])
    other_key = (
        WorkflowState.objects.filter(project=projects[0]).exclude(key=key).order_by("id")[0].key
    )
    moved = list(Ticket.objects.filter(project__in=projects).order_by("-created_at")[::2])
    for ticket in moved:
        Ticket.objects.filter(pk=ticket.pk).update(
            state=WorkflowState.objects.get(project_id=ticket.project_id, key=other_key)
        )
    client = _client(api, auth, admin)
    size_param = "limit" if template == "support" else "page_size"
    for state_key in (key, other_key):
        expected = list(
            Ticket.objects.filter(project__in=projects, state__key=state_key)
            .order_by("-created_at", "-id")
            .values_list("title", flat=True)
        )
        assert 5 <= len(expected) <= 9
        params = {k: v.format(state=state_key) for k, v in query.items()}
        titles, merged = [], []
        for page in (1, 2, 3, 4):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path, {**params, "page": page, size_param: 3})
            if response.status_code == 404:
                break
            assert response.status_code == 200, response.content[:300]
            rows = response.json()[rows_key]
            if not rows:  # past the last page (the support surface's empty page)
                break
            titles += [row[title_key] for row in rows]
            merged.append(_merged([q["sql"] for q in queries.captured_queries]))
        assert titles == expected, state_key
        assert merged == [MERGES] * len(merged)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "template,path,auth,rows_key,title_key,query",
    [
        ("servicedesk", "/api/ticketing/tickets/", "jwt", "results", "subject",
         {"status": "{state}", "priority": "high"}),
        ("boards", "/api/tickets/tickets/", "jwt", "results", "name",
         {"status": "{state}", "priority_id": "4"}),
        ("support", "/api/tickets/all", "cookie", "data", "title",
         {"status": "{state}", "priority": "high"}),
    ],
    ids=["servicedesk", "boards", "support"],
)  # fmt: skip
def test_a_state_filter_with_another_filter_keeps_both(
    template, path, auth, rows_key, title_key, query, make_user, make_project, api
):
    """Only a state filter alone reads each project's state by itself; with a second filter
    (a priority) every page holds the tickets matching both."""
    from tessera.core.projects.blueprints import get_blueprint

    admin, projects, _ = _world(template, make_user, make_project)
    key = _initial_state_key(projects[0])
    level = {"servicedesk": "high", "boards": "4", "support": "high"}[template]
    value = next(
        v for v, (k, _label) in get_blueprint(template).priorities.items() if level in (k, str(v))
    )
    marked = list(Ticket.objects.filter(project__in=projects).order_by("-created_at")[::3])
    Ticket.objects.filter(pk__in=[t.pk for t in marked]).update(priority=value)
    expected = list(
        Ticket.objects.filter(project__in=projects, state__key=key, priority=value)
        .order_by("-created_at", "-id")
        .values_list("title", flat=True)
    )
    assert 2 <= len(expected) < len(TICKETS)
    params = {k: v.format(state=key) for k, v in query.items()}
    size_param = "limit" if template == "support" else "page_size"
    titles = []
    client = _client(api, auth, admin)
    for page in (1, 2, 3):
        response = client.get(path, {**params, "page": page, size_param: 2})
        if response.status_code == 404:
            break
        rows = response.json()[rows_key]
        if not rows:
            break
        titles += [row[title_key] for row in rows]
    assert titles == expected
