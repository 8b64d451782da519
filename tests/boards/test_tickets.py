"""Tickets, comments, attachments: shapes, filters, kanban moves, follow, errors."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tessera.core.tickets.models import Tag, Ticket
from tessera.core.tickets.services import comment_add

pytestmark = pytest.mark.django_db

TICKET_KEYS = {
    "id",
    "name",
    "description",
    "type",
    "status",
    "priority_id",
    "urgency",
    "importance",
    "project",
    "project_key",
    "column",
    "column_name",
    "assignee_ids",
    "following",
    "comments_count",
    "tag_names",
    "due_date",
    "start_date",
    "created_at",
    "updated_at",
    "company",
}


def test_create_ticket_as_documented(board, client_for):
    Tag.objects.create(project=board.project, name="frontend")
    admin = board.users["admin"]
    r = client_for("superadmin").post(
        "/api/tickets/tickets/",
        {
            "name": "Fix homepage loading issue",
            "description": "Homepage is slow to load for mobile users",
            "type": "bug",
            "priority_id": 3,
            "urgency": "high",
            "importance": "medium",
            "column": board.col(0),
            "assignee_ids": [admin.pk],
            "tag_names": ["frontend", "performance"],
            "due_date": "2025-11-01",
            "start_date": "2025-10-25",
        },
        format="json",
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert set(body) == TICKET_KEYS
    assert body["name"] == "Fix homepage loading issue"
    assert (
        body["status"] == "new" and body["column"] == board.col(0) and body["column_name"] == "New"
    )
    assert body["project"] == board.project.pk and body["project_key"] == "DEMO"
    assert body["assignee_ids"] == [admin.pk]
    assert body["tag_names"] == ["frontend", "performance"]
    assert body["due_date"] == "2025-11-01" and body["start_date"] == "2025-10-25"
    assert body["following"] is False and body["comments_count"] == 0
    t = Ticket.objects.get(pk=body["id"])
    assert t.title == body["name"] and t.priority == 3 and t.due_date.date() == date(2025, 11, 1)


@pytest.mark.parametrize(
    "extra",
    [{}, {"assignee_ids": "admin"}, {"tag_names": ["zeta", "alpha"]}, {"assignee_ids": []}],
    ids=["bare", "assignee", "tags", "no-assignee"],
)
def test_a_created_ticket_answers_what_its_detail_shows(board, client_for, extra):
    """The create's answer is the ticket as a GET shows it, with or without assignees and
    tags."""
    client = client_for("superadmin")
    if extra.get("assignee_ids") == "admin":
        extra = {"assignee_ids": [board.users["admin"].pk]}
    r = client.post(
        "/api/tickets/tickets/", {"name": "Answer", "column": board.col(0), **extra}, format="json"
    )
    assert r.status_code == 201, r.content
    detail = client.get(f"/api/tickets/tickets/{r.json()['id']}/")
    assert r.json() == detail.json()
    assert r["ETag"] == detail["ETag"]
    assert r.json()["assignee_ids"] == extra.get("assignee_ids", [])
    assert r.json()["tag_names"] == sorted(extra.get("tag_names", []))


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"column": 1}, "name"),
        ({"name": "x"}, "column"),
        ({"name": "x", "column": 999999}, "column"),
        ({"name": "x", "column": "c"}, "column"),
        ({"name": "x", "priority_id": 0}, "priority_id"),
        ({"name": "x", "priority_id": 6}, "priority_id"),
        ({"name": "x", "type": "saga"}, "type"),
        ({"name": "x", "assignee_ids": [999999]}, "assignee_ids"),
        ({"name": "x", "due_date": "tomorrow"}, "due_date"),
    ],
)
def test_create_ticket_errors(board, client_for, payload, field):
    payload = {**payload}
    if payload.get("column") == 1:
        payload["column"] = board.col(0)
    elif "column" not in payload and field != "column":
        payload["column"] = board.col(0)
    r = client_for("superadmin").post("/api/tickets/tickets/", payload, format="json")
    assert r.status_code == 400
    assert field in r.json()
    assert not Ticket.objects.exists()


def test_assignees_must_be_members(board, client_for):
    r = client_for("superadmin").post(
        "/api/tickets/tickets/",
        {"name": "x", "column": board.col(0), "assignee_ids": [board.users["outsider"].pk]},
        format="json",
    )
    assert r.status_code == 400 and "assignee_ids" in r.json()
    assert not Ticket.objects.exists()


def test_column_of_another_project_is_refused(board, client_for, make_project):
    other = make_project("boards", "OTHER", owner=board.users["outsider"])
    col = other.columns.first()
    r = client_for("superadmin").post(
        "/api/tickets/tickets/", {"name": "x", "column": col.pk}, format="json"
    )
    assert r.status_code == 400 and "column" in r.json()


def test_a_column_is_taken_from_a_visible_board_of_this_surface_only(
    board, client_for, make_project
):
    """The create's column: one of a boards project the caller is a member of (any of them,
    the column names the project); a column of the caller's own service-desk project, or
    of a board the caller is not in, is no column here."""
    owner = board.users["superadmin"]
    second = make_project("boards", "SECOND", owner=owner)
    desk = make_project("servicedesk", "DESKC", owner=owner)
    c = client_for("superadmin")
    r = c.post(
        "/api/tickets/tickets/",
        {"name": "on the second board", "column": second.columns.first().pk},
        format="json",
    )
    assert r.status_code == 201, r.content
    assert r.json()["project"] == second.pk
    assert r.json()["column_name"] == second.columns.first().name
    desk_column = desk.columns.first()
    assert desk_column is not None
    r = c.post("/api/tickets/tickets/", {"name": "x", "column": desk_column.pk}, format="json")
    assert r.status_code == 400 and "column" in r.json()
    r = client_for("user").post(
        "/api/tickets/tickets/",
        {"name": "x", "column": second.columns.first().pk},
        format="json",
    )
    assert r.status_code == 400 and "column" in r.json()
    assert list(Ticket.objects.values_list("title", flat=True)) == ["on the second board"]


def test_patch_column_moves_state_and_back(board, client_for, make_ticket):
    t = make_ticket()
    c = client_for("superadmin")
    r = c.patch(
        f"/api/tickets/tickets/{t.pk}/", {"column": board.col(3), "priority_id": 4}, format="json"
    )
    assert r.status_code == 200, r.content
    assert (
        r.json()["status"] == "done"
        and r.json()["column"] == board.col(3)
        and r.json()["priority_id"] == 4
    )
    t.refresh_from_db()
    assert t.state.key == "done" and t.resolved_at is not None
    r = c.patch(f"/api/tickets/tickets/{t.pk}/", {"column": board.col(1)}, format="json")
    assert r.json()["status"] == "in_progress" and r.json()["column_name"] == "In Progress"
    r = c.patch(
        f"/api/tickets/tickets/{t.pk}/",
        {"due_date": "2025-11-01", "assignee_ids": []},
        format="json",
    )
    assert r.json()["due_date"] == "2025-11-01"
    r = c.patch(f"/api/tickets/tickets/{t.pk}/", {"priority_id": 6}, format="json")
    assert r.status_code == 400 and "priority_id" in r.json()


def test_delete_and_404(board, client_for, make_ticket):
    t = make_ticket()
    c = client_for("superadmin")
    assert c.delete(f"/api/tickets/tickets/{t.pk}/").status_code == 204
    assert not Ticket.objects.filter(pk=t.pk).exists()
    r = c.get(f"/api/tickets/tickets/{t.pk}/")
    assert r.status_code == 404 and r.json() == {"detail": "Ticket not found"}


def test_toggle_follow(board, client_for, make_ticket):
    t = make_ticket()
    c = client_for("manager")
    assert c.post(f"/api/tickets/tickets/{t.pk}/toggle_follow/").json() == {"following": True}
    assert c.get(f"/api/tickets/tickets/{t.pk}/").json()["following"] is True
    assert (
        client_for("superadmin").get(f"/api/tickets/tickets/{t.pk}/").json()["following"] is False
    )
    assert c.post(f"/api/tickets/tickets/{t.pk}/toggle_follow/").json() == {"following": False}


def test_list_filters_and_ordering(board, client_for, make_ticket):
    a = make_ticket(title="Alpha login bug", type="bug", priority=4, column=board.columns[1])
    b = make_ticket(title="Beta", type="task", priority=2)
    tag1 = Tag.objects.create(project=board.project, name="t1")
    tag2 = Tag.objects.create(project=board.project, name="t2")
    a.tags.add(tag1)
    b.tags.add(tag2)
    make_ticket(title="Gamma", type="story", priority=5)
    c = client_for("superadmin")

    def ids(query):
        r = c.get(f"/api/tickets/tickets/?{query}")
        assert r.status_code == 200, r.content
        return [t["id"] for t in r.json()["results"]]

    assert ids("search=login") == [a.pk]
    assert ids("type=bug") == [a.pk]
    assert ids("status=in_progress") == [a.pk]
    assert ids(f"column={board.col(1)}") == [a.pk]
    assert ids("priority_id=2") == [b.pk]
    assert set(ids(f"tags={tag1.pk}&tags={tag2.pk}")) == {a.pk, b.pk}
    assert ids("ordering=name")[:2] == [a.pk, b.pk]
    assert ids("ordering=-priority_id")[1] == a.pk
    for bad in [
        "ordering=title",
        "ordering=-state",
        "priority_id=0",
        "priority_id=6",
        "priority_id=x",
        "column=abc",
        "tags=x",
        "type=saga",
    ]:
        r = c.get(f"/api/tickets/tickets/?{bad}")
        assert r.status_code in (400, 404), bad
    r = c.get("/api/tickets/tickets/?page_size=2")
    body = r.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert (
        body["count"] == 3
        and len(body["results"]) == 2
        and body["next"]
        and body["previous"] is None
    )
    assert len(c.get("/api/tickets/tickets/?page_size=500").json()["results"]) == 3


def test_priority_ordering_works_a_queue(board, client_for, make_ticket):
    """``-priority_id``: the highest priority first and, within a priority, the longest
    waiting first; ``priority_id`` is the exact reverse (docs/surfaces/boards.md)."""
    now = timezone.now()
    made = {}
    for name, priority, hours_ago in [
        ("high-old", 4, 30),
        ("low-new", 2, 1),
        ("high-new", 4, 2),
        ("low-old", 2, 20),
        ("high-mid", 4, 10),
    ]:
        ticket = make_ticket(title=name, priority=priority)
        Ticket.objects.filter(pk=ticket.pk).update(created_at=now - timedelta(hours=hours_ago))
        made[ticket.pk] = name
    c = client_for("superadmin")

    def names(query):
        r = c.get(f"/api/tickets/tickets/?{query}")
        assert r.status_code == 200, r.content
        return [made[t["id"]] for t in r.json()["results"]]

    queue = ["high-old", "high-mid", "high-new", "low-old", "low-new"]
    assert names("ordering=-priority_id") == queue
    assert names("ordering=priority_id") == list(reversed(queue))
    assert names("ordering=-priority_id&page_size=2&page=2") == queue[2:4]


def test_tag_names_create_tags_only_for_superadmin(board, client_for, make_ticket):
    t = make_ticket("admin")
    r = client_for("admin").patch(
        f"/api/tickets/tickets/{t.pk}/", {"tag_names": ["fresh"]}, format="json"
    )
    assert r.status_code == 400 and "tag_names" in r.json()
    Tag.objects.create(project=board.project, name="fresh")
    r = client_for("admin").patch(
        f"/api/tickets/tickets/{t.pk}/", {"tag_names": ["fresh"]}, format="json"
    )
    assert r.status_code == 200 and r.json()["tag_names"] == ["fresh"]
    r = client_for("superadmin").patch(
        f"/api/tickets/tickets/{t.pk}/", {"tag_names": ["brand-new"]}, format="json"
    )
    assert r.status_code == 200 and r.json()["tag_names"] == ["brand-new"]


def test_comments(board, client_for, make_ticket):
    t = make_ticket()
    c = client_for("manager")
    r = c.post("/api/tickets/comments/", {"ticket": t.pk, "content": "Started."}, format="json")
    assert r.status_code == 201, r.content
    body = r.json()
    assert set(body) == {"id", "ticket", "user", "content", "created_at", "updated_at"}
    assert body["user"]["username"] == board.users["manager"].username
    r = c.get(f"/api/tickets/comments/?ticket={t.pk}")
    assert r.json()["count"] == 1 and r.json()["results"][0]["content"] == "Started."
    assert c.get(f"/api/tickets/tickets/{t.pk}/").json()["comments_count"] == 1
    assert (
        c.post(
            "/api/tickets/comments/", {"ticket": 99999, "content": "x"}, format="json"
        ).status_code
        == 400
    )
    assert (
        c.post("/api/tickets/comments/", {"ticket": t.pk, "content": ""}, format="json").status_code
        == 400
    )
    u = client_for("user")
    assert u.get(f"/api/tickets/comments/?ticket={t.pk}").status_code == 404


def test_comment_list_counts_public_comments_from_the_kept_counts(board, client_for, make_ticket):
    """Without ``?ticket`` the list counts the public comments of every visible card from
    the groups' kept counts; internal notes are neither listed nor counted."""
    t1, t2 = make_ticket(), make_ticket()
    author = board.users["manager"]
    for t, body, internal in [
        (t1, "a", False),
        (t1, "b", False),
        (t2, "c", False),
        (t2, "n", True),
    ]:
        comment_add(actor=author, ticket=t, body=body, is_internal=internal, check_permission=False)
    c = client_for("manager")
    with CaptureQueriesContext(connection) as ctx:
        body = c.get("/api/tickets/comments/?page_size=1").json()
    assert body["count"] == 3 and len(body["results"]) == 1
    assert "tickets_ticketcount" in " ".join(q["sql"] for q in ctx.captured_queries)
    contents = [r["content"] for r in c.get("/api/tickets/comments/").json()["results"]]
    assert sorted(contents) == ["a", "b", "c"]
    u = client_for("user")  # sees only some cards: counted for real, and agrees
    listed = u.get("/api/tickets/comments/").json()
    assert listed["count"] == len(listed["results"])


def test_attachments(board, client_for, make_ticket):
    t = make_ticket()
    c = client_for("admin")
    upload = SimpleUploadedFile("screenshot.png", b"not really a png", content_type="image/png")
    r = c.post(
        "/api/tickets/attachments/", {"ticket": t.pk, "file": upload, "filename": "screenshot.png"}
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["filename"] == "screenshot.png" and body["ticket"] == t.pk
    assert body["uploaded_by"] == {"id": board.users["admin"].pk, "username": "itadmin"}
    assert body["file"].startswith("http://testserver/media/attachments/")
    r = c.get(f"/api/tickets/attachments/?ticket={t.pk}")
    assert r.json()["count"] == 1
    upload = SimpleUploadedFile("x.txt", b"x")
    assert (
        client_for("manager")
        .post("/api/tickets/attachments/", {"ticket": t.pk, "file": upload})
        .status_code
        == 403
    )
    assert c.post("/api/tickets/attachments/", {"ticket": t.pk}).status_code == 400


def test_list_cards_count_public_comments_and_the_callers_follow(board, client_for, make_ticket):
    """The list's ``comments_count`` counts public comments only, and ``following`` is the
    caller's own follow, per card, on one page."""
    from tessera.core.tickets.models import Comment, TicketFollower

    quiet, busy = make_ticket(), make_ticket()
    manager = board.users["manager"]
    for body, internal in (("a", False), ("b", False), ("note", True)):
        Comment.objects.create(ticket=busy, author=manager, body=body, is_internal=internal)
    TicketFollower.objects.create(ticket=busy, user=manager)
    cards = {
        t["id"]: t for t in client_for("manager").get("/api/tickets/tickets/").json()["results"]
    }
    assert (cards[busy.pk]["comments_count"], cards[busy.pk]["following"]) == (2, True)
    assert (cards[quiet.pk]["comments_count"], cards[quiet.pk]["following"]) == (0, False)
    other = {
        t["id"]: t for t in client_for("superadmin").get("/api/tickets/tickets/").json()["results"]
    }
    assert (other[busy.pk]["comments_count"], other[busy.pk]["following"]) == (2, False)
