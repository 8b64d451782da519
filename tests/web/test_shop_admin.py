"""Workshop intake and admin review in the browser: the forms call the workshop core
(``workshop_ticket_create``, ``workshop_metrics_override``, ``workshop_ticket_assign``);
refused roles and the core's validation errors show inline and change nothing."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tessera.core.tickets.models import Ticket
from tessera.core.workshop import services as wss
from tessera.core.workshop.models import InventoryItem, PartSpec, TicketMetrics

pytestmark = pytest.mark.django_db


def intake_post(**over) -> dict:
    data = {
        "serial_number": "SN-NEW",
        "title": "Laptop hinge",
        "part_rows": "3",
        "part-1-name": "Hinge",
        "part-1-color": "red",
        "part-1-minutes": "45",
        "part-1-xp": "30",
        "part-2-name": "Screws",
        "part-2-color": "green",
        "part-2-minutes": "5",
        "part-2-xp": "2",
        "part-3-name": "",
        "part-3-color": "green",
        "part-3-minutes": "",
        "part-3-xp": "",
    }
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def counts() -> tuple[int, int, int]:
    return Ticket.objects.count(), InventoryItem.objects.count(), PartSpec.objects.count()


def test_intake_form_is_labelled(shop, browser_client):
    page = browser_client(shop["admin"]).get("/shopfloor/intake/").content.decode()
    for control in re.findall(r"<(?:input|select|textarea)\b[^>]*>", page):
        if 'type="hidden"' in control:
            continue
        cid = re.search(r'id="([^"]+)"', control).group(1)
        assert f'<label for="{cid}"' in page, control
    assert page.count('class="part-row"') == 3
    shop_page = browser_client(shop["admin"]).get("/shopfloor/").content.decode()
    assert 'href="/shopfloor/intake/"' in shop_page and 'href="/shopfloor/review/"' in shop_page


def test_unknown_serial_needs_confirmation_and_a_reason(shop, browser_client):
    c = browser_client(shop["admin"])
    before = counts()
    r = c.post("/shopfloor/intake/", intake_post())
    page = r.content.decode()
    assert r.status_code == 400
    assert re.search(
        r'id="in-serial"[^>]*aria-invalid="true"[^>]*aria-describedby="err-serial"', page
    )
    assert re.search(r'id="err-serial">\s*<p>Unknown serial number', page)
    assert 'value="Hinge"' in page and 'value="SN-NEW"' in page  # the form keeps its values
    # confirmed but without a reason: still refused
    r = c.post("/shopfloor/intake/", intake_post(confirm_create="on"))
    assert r.status_code == 400 and "Unknown serial number" in r.content.decode()
    assert counts() == before

    r = c.post(
        "/shopfloor/intake/", intake_post(confirm_create="on", create_reason="walk-in customer")
    )
    assert r.status_code == 302 and r["Location"] == "/shopfloor/"
    t = Ticket.objects.get(title="Laptop hinge")
    m = TicketMetrics.objects.get(ticket=t)
    assert t.state.key == "NEW"
    assert (m.flag_color, m.xp_amount, m.total_duration) == ("red", 32, 50 * 60)
    assert m.approved_at is None and m.item_created
    assert m.inventory_item.serial_number == "SN-NEW"
    assert m.inventory_item.creation_reason == "walk-in customer"
    assert list(PartSpec.objects.filter(ticket=t).values_list("name", flat=True)) == [
        "Hinge",
        "Screws",
    ]
    assert "waits for admin review" in c.get("/shopfloor/").content.decode()
    # a known serial needs no confirmation — but this one already has an active ticket
    r = c.post("/shopfloor/intake/", intake_post(title="Again"))
    assert r.status_code == 400 and "already has an active ticket" in r.content.decode()


@pytest.mark.parametrize(
    ("over", "message"),
    [
        ({"part-1-color": "purple"}, "Allowed colors are green, yellow, red."),
        ({"part-2-minutes": "ten"}, "Part 2: planned minutes must be a whole number."),
        ({"part-1-xp": "-3"}, "Minutes and XP must be within range."),
        (
            {f"part-{i}-{f}": "" for i in (1, 2) for f in ("name", "minutes", "xp")},
            "At least one part spec is required.",
        ),
        ({"part-2-name": " "}, "Each part needs a name."),
        ({"serial_number": "  "}, "This field is required."),
    ],
)
def test_intake_errors_inline(shop, browser_client, over, message):
    before = counts()
    r = browser_client(shop["admin"]).post(
        "/shopfloor/intake/", intake_post(confirm_create="on", create_reason="r", **over)
    )
    page = r.content.decode()
    assert r.status_code == 400
    assert message in page and 'role="alert"' in page
    assert counts() == before


def test_add_a_part_row_keeps_the_values(shop, browser_client):
    r = browser_client(shop["admin"]).post(
        "/shopfloor/intake/", intake_post(add_row="1", serial_number="SN-X")
    )
    page = r.content.decode()
    assert r.status_code == 200
    assert 'id="part-4-name"' in page and 'name="part_rows" value="4"' in page
    assert 'value="Hinge"' in page and 'value="SN-X"' in page
    assert Ticket.objects.filter(title="Laptop hinge").count() == 0


def test_intake_refused_roles(shop, desk, member, browser_client):
    ops = member(shop["project"], "ops_manager", "olga")
    before = counts()
    for user in (shop["tech"], shop["qc"], ops, desk["agent"]):
        c = browser_client(user)
        assert c.get("/shopfloor/intake/").status_code == 403
        body = intake_post(confirm_create="on", create_reason="r")
        assert c.post("/shopfloor/intake/", body).status_code == 403
    assert counts() == before
    master = member(shop["project"], "master", "mia")
    r = browser_client(master).post(
        "/shopfloor/intake/", intake_post(confirm_create="on", create_reason="r")
    )
    assert r.status_code == 302 and counts() != before


@pytest.fixture
def intake(shop):
    return wss.workshop_ticket_create(
        actor=shop["admin"],
        project=shop["project"],
        serial_number="SN-2",
        parts=[wss.PartInput(name="Battery", color="green", planned_minutes=20, xp=10)],
        title="New battery",
        confirm_create=True,
        create_reason="new device",
    )


def test_review_then_assign(shop, intake, member, browser_client):
    ops = member(shop["project"], "ops_manager", "olga")
    c = browser_client(ops)
    page = c.get("/shopfloor/review/").content.decode()
    assert "New battery" in page and "not yet approved" in page
    assert re.search(rf'<option value="{shop["tech"].pk}"[^>]*>tina</option>', page)
    assert f'<option value="{shop["qc"].pk}"' not in page  # only be_assigned roles offered

    # assigning before the review is refused by the core, inline beside that ticket
    r = c.post(f"/shopfloor/review/{intake.pk}/assign/", {"technician": shop["tech"].pk})
    assert r.status_code == 400
    assert re.search(
        rf'id="rv-{intake.pk}-errors">\s*<p>The ticket must pass admin review', r.content.decode()
    )

    for body, status, message in [
        ({"flag_color": "blue"}, 400, "Allowed colors are green, yellow, red."),
        ({"xp_amount": "lots"}, 400, "Enter a whole number."),
        ({"xp_amount": "-1"}, 400, "Must be between 0 and"),
    ]:
        r = c.post(f"/shopfloor/review/{intake.pk}/approve/", body)
        assert r.status_code == status and message in r.content.decode()
    assert TicketMetrics.objects.get(ticket=intake).approved_at is None

    r = c.post(
        f"/shopfloor/review/{intake.pk}/approve/", {"flag_color": "yellow", "xp_amount": "77"}
    )
    assert r.status_code == 302 and r["Location"] == "/shopfloor/review/"
    m = TicketMetrics.objects.get(ticket=intake)
    assert (m.flag_color, m.xp_amount, m.approved_by_id) == ("yellow", 77, ops.pk)

    r = c.post(f"/shopfloor/review/{intake.pk}/assign/", {"technician": shop["qc"].pk})
    assert r.status_code == 400 and "Must be a technician" in r.content.decode()
    r = c.post(f"/shopfloor/review/{intake.pk}/assign/", {"technician": "99999999999999999999"})
    assert r.status_code == 400
    r = c.post(f"/shopfloor/review/{intake.pk}/assign/", {"technician": shop["tech"].pk})
    assert r.status_code == 302
    intake.refresh_from_db()
    m.refresh_from_db()
    assert intake.state.key == "ASSIGNED" and m.technician_id == shop["tech"].pk
    # the technician now sees it in the queue
    assert (
        f"Start work on {intake.display_number}"
        in browser_client(shop["tech"]).get("/shopfloor/").content.decode()
    )


def test_review_refused_roles(shop, intake, member, browser_client):
    master = member(shop["project"], "master", "mia")
    for user in (shop["tech"], shop["qc"], master):
        c = browser_client(user)
        assert c.get("/shopfloor/review/").status_code == 403
        r = c.post(f"/shopfloor/review/{intake.pk}/approve/", {"xp_amount": "1"})
        assert r.status_code == 403
        r = c.post(f"/shopfloor/review/{intake.pk}/assign/", {"technician": shop["tech"].pk})
        assert r.status_code == 403
    m = TicketMetrics.objects.get(ticket=intake)
    assert m.approved_at is None and m.xp_amount == 10 and m.technician_id is None
    assert browser_client(shop["admin"]).get("/shopfloor/review/").status_code == 200
    assert (
        browser_client(shop["admin"]).post("/shopfloor/review/999999/approve/").status_code == 404
    )


def test_review_page_query_count_is_constant(shop, browser_client):
    c = browser_client(shop["admin"])

    def count(n: int) -> int:
        for _ in range(n):
            k = Ticket.objects.count()
            wss.workshop_ticket_create(
                actor=shop["admin"],
                project=shop["project"],
                serial_number=f"SN-Q{k}",
                parts=[
                    wss.PartInput(name="A", color="green", planned_minutes=1, xp=1),
                    wss.PartInput(name="B", color="red", planned_minutes=2, xp=2),
                ],
                confirm_create=True,
                create_reason="q",
            )
        c.get("/shopfloor/review/")
        with CaptureQueriesContext(connection) as ctx:
            assert c.get("/shopfloor/review/").status_code == 200
        return len(ctx.captured_queries)

    assert count(2) == count(10)


def test_review_page_shows_the_oldest_and_says_how_many_more_wait(
    shop, browser_client, monkeypatch
):
    from tessera.web.views import workshop_admin

    monkeypatch.setattr(workshop_admin, "REVIEW_SIZE", 2)
    made = [shop["ticket"]]
    for i in range(2):
        made.append(
            wss.workshop_ticket_create(
                actor=shop["admin"],
                project=shop["project"],
                serial_number=f"SN-R{i}",
                parts=[wss.PartInput(name="A", color="green", planned_minutes=1, xp=1)],
                confirm_create=True,
                create_reason="q",
            )
        )
    page = browser_client(shop["admin"]).get("/shopfloor/review/").content.decode()
    shown = [int(pk) for pk in re.findall(r'<li class="card" id="review-(\d+)"', page)]
    assert shown == [t.pk for t in made[:2]]
    assert 'id="review-more">1 more waits for review' in page


@pytest.mark.parametrize("value", ["²", "١٢", "9" * 40, "-", "", "1e3", "\x00", " 5 ", "0x10"])
def test_hostile_numbers_never_500(shop, intake, browser_client, value):
    c = browser_client(shop["admin"])
    body = intake_post(
        confirm_create="on", create_reason="r", **{"part-1-minutes": value, "part_rows": value}
    )
    assert c.post("/shopfloor/intake/", body).status_code in (200, 302, 400)
    assert c.post(f"/shopfloor/review/{intake.pk}/approve/", {"xp_amount": value}).status_code in (
        302,
        400,
    )
    r = c.post(f"/shopfloor/review/{intake.pk}/assign/", {"technician": value})
    assert r.status_code in (302, 400)


def test_generic_new_ticket_page_sends_workshop_tickets_to_intake(
    shop, browser_client, make_project
):
    c = browser_client(shop["admin"])
    page = c.get("/tickets/new/").content.decode()
    assert f'<option value="{shop["project"].pk}"' not in page
    assert 'href="/shopfloor/intake/"' in page
    before = counts()
    r = c.post("/tickets/new/", {"project": shop["project"].pk, "title": "No parts, no item"})
    assert r.status_code == 400 and counts() == before
    # with another project to file in, the refusal names the field
    from tessera.core.projects.services import membership_set

    other = make_project("support", "HELP")
    membership_set(actor=None, project=other, user=shop["admin"], role="moderator")
    r = c.post("/tickets/new/", {"project": shop["project"].pk, "title": "No parts, no item"})
    assert r.status_code == 400 and "Choose a project." in r.content.decode()
    assert counts() == before
