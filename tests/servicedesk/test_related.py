"""Comments, attachments, history and customers endpoints of document 002."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from tessera.core.tickets import services
from tessera.core.tickets.models import Attachment, Comment

from .conftest import BASE, attach, comment
from .test_tickets import _count_queries

pytestmark = pytest.mark.django_db


# ---- comments --------------------------------------------------------------------------


def test_add_comment_action_and_first_response(api, client, create, project, member):
    cust = member(project, "customer")
    t = api(cust).post(f"{BASE}/tickets/", {"subject": "Help me"}, format="json").json()
    r = client.post(
        f"{BASE}/tickets/{t['id']}/add_comment/",
        {"content": "Issue has been resolved by resetting the cache", "is_internal": False},
        format="json",
    )
    assert r.status_code == 201, r.content
    c = r.json()
    assert set(c) == {
        "id",
        "ticket",
        "author",
        "author_name",
        "content",
        "is_internal",
        "created_at",
        "updated_at",
    }
    assert (
        c["content"].startswith("Issue has been")
        and c["is_internal"] is False
        and c["ticket"] == t["id"]
    )
    detail = client.get(f"{BASE}/tickets/{t['id']}/").json()
    assert detail["first_response_at"] is not None and detail["response_time_hours"] is not None
    assert [x["id"] for x in detail["comments"]] == [c["id"]]
    assert any(h["action"] == "commented" for h in detail["history"])


def test_internal_note_does_not_count_as_response_and_is_hidden_from_customer(
    api, client, project, member
):
    cust = member(project, "customer")
    t = api(cust).post(f"{BASE}/tickets/", {"subject": "Help"}, format="json").json()
    comment(client, t["id"], "note", internal=True)
    detail = client.get(f"{BASE}/tickets/{t['id']}/").json()
    assert detail["first_response_at"] is None and len(detail["comments"]) == 1
    seen = api(cust).get(f"{BASE}/tickets/{t['id']}/").json()
    assert seen["comments"] == []
    assert api(cust).get(f"{BASE}/comments/").json()["count"] == 0


def test_comments_endpoint_list_filters_and_create(client, create, api, outsider):
    t1, t2 = create(), create()
    r = client.post(
        f"{BASE}/comments/",
        {"ticket": t1["id"], "content": "Following up with customer", "is_internal": True},
        format="json",
    )
    assert r.status_code == 201 and r.json()["is_internal"] is True
    client.post(f"{BASE}/comments/", {"ticket": t2["id"], "content": "public"}, format="json")
    assert client.get(f"{BASE}/comments/").json()["count"] == 2
    assert [
        c["ticket"] for c in client.get(f"{BASE}/comments/?ticket={t1['id']}").json()["results"]
    ] == [t1["id"]]
    assert [
        c["content"] for c in client.get(f"{BASE}/comments/?is_internal=true").json()["results"]
    ] == ["Following up with customer"]
    assert [
        c["content"] for c in client.get(f"{BASE}/comments/?is_internal=false").json()["results"]
    ] == ["public"]
    for bad in ("ticket=abc", "is_internal=perhaps"):
        resp = client.get(f"{BASE}/comments/?{bad}")
        assert resp.status_code == 400 and bad.split("=")[0] in resp.json()
    cid = r.json()["id"]
    assert client.get(f"{BASE}/comments/{cid}/").json()["content"] == "Following up with customer"
    # invalid creates change nothing
    assert (
        client.post(
            f"{BASE}/comments/", {"ticket": t1["id"], "content": ""}, format="json"
        ).status_code
        == 400
    )
    assert (
        client.post(
            f"{BASE}/comments/", {"ticket": 9999, "content": "x"}, format="json"
        ).status_code
        == 400
    )
    assert client.post(f"{BASE}/comments/", {"content": "x"}, format="json").status_code == 400
    o = api(outsider)
    assert o.get(f"{BASE}/comments/").json()["count"] == 0
    assert o.get(f"{BASE}/comments/{cid}/").status_code == 404
    assert (
        o.post(f"{BASE}/comments/", {"ticket": t1["id"], "content": "x"}, format="json").status_code
        == 400
    )
    assert Comment.objects.count() == 2


def test_comments_list_constant_queries(client, create):
    t = create()
    for i in range(2):
        client.post(f"{BASE}/comments/", {"ticket": t["id"], "content": f"c{i}"}, format="json")
    few = _count_queries(client, f"{BASE}/comments/")
    for i in range(8):
        client.post(
            f"{BASE}/comments/", {"ticket": create()["id"], "content": f"d{i}"}, format="json"
        )
    assert _count_queries(client, f"{BASE}/comments/") == few


def test_comment_list_counts_come_from_the_kept_counts(
    client, create, api, project, member, make_project, make_user
):
    """An agent's comment list is counted from the groups' kept comment counts (no count
    over the comments), and agrees with the rows; a customer's is counted for real."""
    t1, t2 = create(), create()
    comment(client, t1["id"], "public one")
    comment(client, t1["id"], "a note", internal=True)
    comment(client, t2["id"], "public two")
    elsewhere = make_project("servicedesk", "SDB")
    outside = create_in(elsewhere, make_user)
    services.comment_add(actor=outside.created_by, ticket=outside, body="not visible")
    services.comment_add(
        actor=outside.created_by, ticket=outside, body="note elsewhere", is_internal=True
    )
    cases = [("", 3), ("?is_internal=true", 1), ("?is_internal=false", 2)]
    for query, expected in [*cases, (f"?ticket={t1['id']}", 2)]:
        with CaptureQueriesContext(connection) as ctx:
            body = client.get(f"{BASE}/comments/{query}&page_size=1".replace("/&", "/?")).json()
        assert body["count"] == expected, query
        sql = " ".join(q["sql"] for q in ctx.captured_queries)
        assert ("tickets_ticketcount" in sql) == (not query.startswith("?ticket")), query
        assert 'COUNT(*) AS "__count" FROM "tickets_comment"' not in sql or "ticket=" in query
    admin = api(make_user("root", is_superuser=True, is_staff=True))
    assert admin.get(f"{BASE}/comments/").json()["count"] == 5
    assert admin.get(f"{BASE}/comments/?is_internal=true").json()["count"] == 2
    requester = member(project, "customer")
    mine = services.ticket_create(actor=requester, project=project, title="mine")
    services.comment_add(actor=requester, ticket=mine, body="my question")
    services.comment_add(actor=mine.created_by, ticket=mine, body="hidden", is_internal=True,
                         check_permission=False)  # fmt: skip
    body = api(requester).get(f"{BASE}/comments/").json()
    assert body["count"] == 1 and [c["content"] for c in body["results"]] == ["my question"]


def create_in(project, make_user):
    owner = make_user(f"owner-{project.key}", is_superuser=True)
    return services.ticket_create(actor=owner, project=project, title="elsewhere")


# ---- attachments -----------------------------------------------------------------------


def test_add_attachment_action_keeps_filename_and_content(client, create):
    t = create()
    payload = b"ERROR 42 at line 7\n" * 10
    r = client.post(
        f"{BASE}/tickets/{t['id']}/add_attachment/",
        {
            "file": SimpleUploadedFile("error log.txt", payload, "text/plain"),
            "description": "Screenshot of error message",
        },
        format="multipart",
    )
    assert r.status_code == 201, r.content
    a = r.json()
    assert a["filename"] == "error log.txt" and a["file_size"] == len(payload)
    assert a["description"] == "Screenshot of error message" and a["ticket"] == t["id"]
    stored = Attachment.objects.get(pk=a["id"])
    assert stored.file.name != "error log.txt"  # stored under a generated name
    with stored.file.open("rb") as fh:
        assert fh.read() == payload
    download = client.get(a["file"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == payload
    assert "error log.txt" in download["Content-Disposition"]
    detail = client.get(f"{BASE}/tickets/{t['id']}/").json()
    assert [x["id"] for x in detail["attachments"]] == [a["id"]]
    assert any(
        h["action"] == "attachment_added" and h["new_value"] == "error log.txt"
        for h in detail["history"]
    )


def test_attachments_endpoint_upload_list_filter(client, create, api, outsider):
    t1, t2 = create(), create()
    r = client.post(
        f"{BASE}/attachments/",
        {
            "ticket": t1["id"],
            "file": SimpleUploadedFile("app.log", b"log"),
            "description": "Error log file",
        },
        format="multipart",
    )
    assert r.status_code == 201, r.content
    client.post(
        f"{BASE}/attachments/",
        {"ticket": t2["id"], "file": SimpleUploadedFile("b.png", b"png")},
        format="multipart",
    )
    assert client.get(f"{BASE}/attachments/").json()["count"] == 2
    only = client.get(f"{BASE}/attachments/?ticket={t1['id']}").json()["results"]
    assert [a["filename"] for a in only] == ["app.log"]
    assert client.get(f"{BASE}/attachments/?ticket=x").status_code == 400
    assert (
        client.get(f"{BASE}/attachments/{r.json()['id']}/").json()["description"]
        == "Error log file"
    )
    assert api(outsider).get(f"{BASE}/attachments/").json()["count"] == 0
    assert api(outsider).get(f"{BASE}/attachments/{r.json()['id']}/download/").status_code == 404
    # missing file / missing ticket / unknown ticket
    assert (
        client.post(f"{BASE}/attachments/", {"ticket": t1["id"]}, format="multipart").status_code
        == 400
    )
    assert (
        client.post(
            f"{BASE}/attachments/", {"file": SimpleUploadedFile("a", b"a")}, format="multipart"
        ).status_code
        == 400
    )
    assert (
        client.post(
            f"{BASE}/attachments/",
            {"ticket": 999, "file": SimpleUploadedFile("a", b"a")},
            format="multipart",
        ).status_code
        == 400
    )
    assert Attachment.objects.count() == 2


@override_settings(TESSERA_MAX_UPLOAD_BYTES=100)
def test_attachment_size_limit_is_400_and_stores_nothing(client, create):
    t = create()
    for url, extra in (
        (f"{BASE}/tickets/{t['id']}/add_attachment/", {}),
        (f"{BASE}/attachments/", {"ticket": t["id"]}),
    ):
        r = client.post(
            url, {**extra, "file": SimpleUploadedFile("big.bin", b"x" * 101)}, format="multipart"
        )
        assert r.status_code == 400 and "file" in r.json()
    ok = client.post(
        f"{BASE}/attachments/",
        {"ticket": t["id"], "file": SimpleUploadedFile("ok.bin", b"x" * 100)},
        format="multipart",
    )
    assert ok.status_code == 201
    assert Attachment.objects.count() == 1


def test_attachments_list_constant_queries(client, create):
    def upload(n):
        for i in range(n):
            client.post(
                f"{BASE}/attachments/",
                {"ticket": create()["id"], "file": SimpleUploadedFile(f"{i}.txt", b"x")},
                format="multipart",
            )

    upload(2)
    few = _count_queries(client, f"{BASE}/attachments/")
    upload(6)
    assert _count_queries(client, f"{BASE}/attachments/") == few


# ---- history ---------------------------------------------------------------------------


def test_history_lists_filters_and_is_read_only(client, create, agent, api, outsider):
    t = create()
    client.patch(f"{BASE}/tickets/{t['id']}/", {"priority": "urgent"}, format="json")
    client.post(f"{BASE}/tickets/{t['id']}/change_status/", {"status": "resolved"}, format="json")
    other = create()
    rows = client.get(f"{BASE}/history/?ticket={t['id']}").json()["results"]
    assert set(rows[0]) == {
        "id",
        "ticket",
        "ticket_number",
        "user",
        "user_name",
        "action",
        "field_name",
        "old_value",
        "new_value",
        "timestamp",
    }
    assert [(r["action"], r["field_name"], r["old_value"], r["new_value"]) for r in rows] == [
        ("created", "", "", "Cannot login"),
        ("updated", "priority", "medium", "urgent"),
        ("status_changed", "status", "new", "resolved"),
    ]
    assert all(r["user"] == agent.pk for r in rows)
    status_rows = client.get(f"{BASE}/history/?action=status_changed").json()["results"]
    assert [r["ticket"] for r in status_rows] == [t["id"]]
    assert client.get(f"{BASE}/history/?action=exploded").status_code == 400
    assert client.get(f"{BASE}/history/?ticket=x").status_code == 400
    assert client.post(f"{BASE}/history/", {}, format="json").status_code == 405
    assert client.delete(f"{BASE}/history/{rows[0]['id']}/").status_code == 405
    assert client.get(f"{BASE}/history/{rows[0]['id']}/").json()["action"] == "created"
    assert api(outsider).get(f"{BASE}/history/").json()["count"] == 0
    # a deleted ticket's history keeps its deleted row, named by number
    client.delete(f"{BASE}/tickets/{other['id']}/")
    deleted = client.get(f"{BASE}/history/?action=deleted").json()["results"]
    assert [(d["ticket"], d["ticket_number"]) for d in deleted] == [(None, other["ticket_number"])]


def test_history_priority_values_are_names(client, create):
    t = create()
    client.patch(f"{BASE}/tickets/{t['id']}/", {"priority": "urgent"}, format="json")
    rows = client.get(f"{BASE}/history/?ticket={t['id']}&action=updated").json()["results"]
    assert [(r["field_name"], r["old_value"], r["new_value"]) for r in rows] == [
        ("priority", "medium", "urgent")
    ]


def test_history_list_constant_queries(client, create):
    create()
    few = _count_queries(client, f"{BASE}/history/")
    for _ in range(6):
        create(tags="a")
    assert _count_queries(client, f"{BASE}/history/") == few


# ---- customers -------------------------------------------------------------------------


def test_customers_crud_and_search(client, api, outsider):
    r = client.post(
        f"{BASE}/customers/",
        {"name": "Globex", "email": "it@globex.example", "phone": "1", "company": "Globex Ltd"},
        format="json",
    )
    assert r.status_code == 201, r.content
    c = r.json()
    assert set(c) == {"id", "name", "email", "phone", "company", "created_at", "updated_at"}
    client.post(f"{BASE}/customers/", {"name": "Initech"}, format="json")
    assert client.get(f"{BASE}/customers/").json()["count"] == 2
    assert [
        x["name"] for x in client.get(f"{BASE}/customers/?search=globex").json()["results"]
    ] == ["Globex"]
    assert client.get(f"{BASE}/customers/{c['id']}/").json()["email"] == "it@globex.example"
    r = client.patch(f"{BASE}/customers/{c['id']}/", {"phone": "+49"}, format="json")
    assert r.status_code == 200 and r.json()["phone"] == "+49"
    assert client.post(f"{BASE}/customers/", {"name": ""}, format="json").status_code == 400
    assert (
        client.post(
            f"{BASE}/customers/", {"name": "x", "email": "not-an-email"}, format="json"
        ).status_code
        == 400
    )
    o = api(outsider)
    assert o.get(f"{BASE}/customers/").json()["count"] == 0
    assert o.get(f"{BASE}/customers/{c['id']}/").status_code == 404
    assert o.post(f"{BASE}/customers/", {"name": "Evil"}, format="json").status_code == 403
    assert client.get(f"{BASE}/customers/").json()["count"] == 2


def test_customers_list_constant_queries(client):
    client.post(f"{BASE}/customers/", {"name": "a"}, format="json")
    few = _count_queries(client, f"{BASE}/customers/")
    for i in range(5):
        client.post(f"{BASE}/customers/", {"name": f"n{i}"}, format="json")
    assert _count_queries(client, f"{BASE}/customers/") == few


# ---- categories ------------------------------------------------------------------------


def test_categories_list_the_documents_slugs(client, api, outsider, project):
    from tessera.core.tickets.models import Category

    Category.objects.create(project=project, slug="onboarding", name="Onboarding")
    r = client.get(f"{BASE}/categories/")
    assert r.status_code == 200
    slugs = [c["slug"] for c in r.json()["results"]]
    assert {"technical", "billing", "product", "feature", "bug", "onboarding"} <= set(slugs)
    assert set(r.json()["results"][0]) == {"id", "slug", "name", "project", "auto_assign"}
    # shared categories are public vocabulary; a project's own are not
    assert "onboarding" not in [
        c["slug"] for c in api(outsider).get(f"{BASE}/categories/").json()["results"]
    ]
    few = _count_queries(client, f"{BASE}/categories/")
    for i in range(5):
        Category.objects.create(project=project, slug=f"c{i}", name=f"C{i}")
    assert _count_queries(client, f"{BASE}/categories/") == few


def test_detail_nested_rows_say_what_their_own_endpoints_say(
    api, client, create, customer, agent, agent2, project, member
):
    """The detail reads its comments, attachments, history, customer and users as plain
    rows; the comments, attachments, history and customers endpoints read them as model
    instances. Both say the same, field for field, for an agent and for a customer (who
    does not see internal notes)."""
    t = create(subject="Nested", customer=customer.pk, assigned_to=agent2.pk, priority="high")
    tid = t["id"]
    comment(client, tid, "public")
    comment(client, tid, "note", internal=True)
    attach(client, tid, "a.txt", b"abc", "d")
    client.patch(f"{BASE}/tickets/{tid}/", {"priority": "low"}, format="json")
    client.post(f"{BASE}/tickets/{tid}/change_status/", {"status": "resolved"}, format="json")

    detail = client.get(f"{BASE}/tickets/{tid}/").json()
    assert detail["comments"] == client.get(f"{BASE}/comments/?ticket={tid}").json()["results"]
    assert [c["content"] for c in detail["comments"]] == ["public", "note"]
    assert (
        detail["attachments"] == client.get(f"{BASE}/attachments/?ticket={tid}").json()["results"]
    )
    assert detail["attachments"][0]["file"].startswith("http")
    history = client.get(f"{BASE}/history/?ticket={tid}&page_size=100").json()["results"]
    assert detail["history"] == sorted(history, key=lambda h: h["id"])
    assert {"created", "commented", "attachment_added", "status_changed"} <= {
        h["action"] for h in detail["history"]
    }
    assert any(
        h["field_name"] == "priority" and (h["old_value"], h["new_value"]) == ("high", "low")
        for h in detail["history"]
    )
    assert detail["customer_details"] == client.get(f"{BASE}/customers/{customer.pk}/").json()
    assert detail["assigned_to_details"] == {
        "id": agent2.pk,
        "username": agent2.username,
        "email": agent2.email,
        "first_name": agent2.first_name,
        "last_name": agent2.last_name,
        "full_name": agent2.full_name,
    }
    assert detail["created_by_details"]["id"] == agent.pk
    assert detail["created_by_details"]["full_name"] == agent.full_name
    assert detail["metrics"] == {
        "response_time_hours": detail["response_time_hours"],
        "resolution_time_hours": detail["resolution_time_hours"],
        "is_overdue": detail["is_overdue"],
    }
    assert detail["metrics"]["resolution_time_hours"] is not None

    cust = member(project, "customer")
    own = api(cust).post(f"{BASE}/tickets/", {"subject": "Mine"}, format="json").json()
    comment(client, own["id"], "hidden", internal=True)
    comment(client, own["id"], "seen")
    mine = api(cust).get(f"{BASE}/tickets/{own['id']}/").json()
    assert [c["content"] for c in mine["comments"]] == ["seen"]
    assert (
        mine["comments"] == api(cust).get(f"{BASE}/comments/?ticket={own['id']}").json()["results"]
    )
    assert mine["assigned_to_details"] is None and mine["customer_details"] is None


def test_history_of_a_project_seen_whole_and_one_seen_in_part(
    client, create, agent, api, make_project, member
):
    """The agent sees every event of its own desk; in a second desk where it is only a
    customer, the events of the tickets it filed and nothing else (no other requester's
    tickets, no deleted rows)."""
    from tessera.core.projects.services import membership_set
    from tessera.core.tickets.services import ticket_create, ticket_delete

    mine = create()
    second = make_project("servicedesk", "SD2")
    membership_set(actor=None, project=second, user=agent, role="customer")
    boss = member(second, "agent", "agent-of-sd2")
    filed = ticket_create(actor=agent, project=second, title="filed by the agent")
    theirs = ticket_create(actor=boss, project=second, title="not the agent's")
    gone = ticket_create(actor=boss, project=second, title="deleted in the second desk")
    ticket_delete(actor=boss, ticket=gone)
    rows = client.get(f"{BASE}/history/?page_size=100").json()
    seen = {(r["ticket"], r["action"]) for r in rows["results"]}
    assert (mine["id"], "created") in seen and (filed.pk, "created") in seen
    assert not {t for t, _ in seen} & {theirs.pk, gone.pk}
    assert [r for r in rows["results"] if r["action"] == "deleted"] == []
    assert rows["count"] == len(rows["results"])
    # the second desk's agent sees its whole desk, deleted rows included
    other = api(boss).get(f"{BASE}/history/?page_size=100").json()["results"]
    assert {r["ticket"] for r in other} >= {filed.pk, theirs.pk}
    assert mine["id"] not in {r["ticket"] for r in other}
    assert [r["action"] for r in other if r["ticket"] is None] == ["deleted"]
