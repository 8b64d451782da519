"""End-to-end tests in real headless Chromium (Debian's ``chromium``), driven by Playwright.

Never a downloaded browser: Playwright launches ``/usr/bin/chromium`` through
``executable_path``. Each test saves screenshots under ``test-artifacts/screenshots/``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(),
        reason="Debian's chromium is not installed (apt-get install chromium); CI installs it",
    ),
]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield instance
        instance.close()


@pytest.fixture
def open_page(browser, live_server):
    """``open_page(user, width=1280)`` → a signed-in page (signs in through the form)."""
    contexts = []

    def make(
        username: str, *, password: str = "pw-Secret-123", width: int = 1280, height: int = 900
    ):
        ctx = browser.new_context(
            viewport={"width": width, "height": height}, base_url=live_server.url
        )
        contexts.append(ctx)
        page = ctx.new_page()
        page.set_default_timeout(10_000)
        page.goto("/login/")
        page.get_by_label("Username or email").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state("networkidle")
        return page

    yield make
    for ctx in contexts:
        ctx.close()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_sign_in_is_refused_with_a_wrong_password(desk, browser, live_server):
    ctx = browser.new_context(base_url=live_server.url)
    page = ctx.new_page()
    page.goto("/login/")
    shot(page, "sign-in")
    page.get_by_label("Username or email").fill("agent")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").is_visible()
    ctx.close()


def test_customer_files_agent_answers_with_internal_note(desk, make_ticket, open_page):
    from tessera.core.tickets.services import ticket_assign, ticket_set_tags, ticket_transition

    p, agent_user = desk["project"], desk["agent"]
    for title, prio, tag, state in [
        ("VPN drops every hour", 4, "network", "in_progress"),
        ("New starter needs an account", 3, "accounts", None),
        ("Monitor flickers", 2, "hardware", "waiting_for_customer"),
    ]:
        t = make_ticket(p, desk["stranger"], title, priority=prio)
        ticket_assign(actor=agent_user, ticket=t, assignees=[agent_user])
        ticket_set_tags(actor=agent_user, ticket=t, names=[tag], may_create=True)
        if state:
            ticket_transition(actor=agent_user, ticket=t, to_state="in_progress")
            if state != "in_progress":
                ticket_transition(actor=agent_user, ticket=t, to_state=state)
    customer = open_page("carol")
    assert customer.url.endswith("/portal/")
    customer.get_by_role("link", name="Ask for help").click()
    customer.get_by_label("Title").fill("Laptop will not boot")
    customer.get_by_label("Description").fill("Black screen since this morning.")
    customer.get_by_role("button", name="Send request").click()
    customer.wait_for_url(re.compile(r"/portal/tickets/\d+/$"))
    ticket_url = customer.url
    ticket_id = re.search(r"/tickets/(\d+)/", ticket_url).group(1)
    shot(customer, "portal-ticket-new")

    agent = open_page("agent")
    assert agent.url.endswith("/tickets/")
    agent.get_by_role("link", name="Laptop will not boot").wait_for()
    shot(agent, "agent-workspace")
    agent.get_by_label("Search").fill("laptop")
    agent.wait_for_function(
        "document.getElementById('result-count').textContent.trim() === '1 ticket'"
    )
    agent.get_by_role("link", name="Laptop will not boot").click()
    agent.wait_for_url(f"**/tickets/{ticket_id}/")
    agent.get_by_label("Reply or note").fill("Please hold the power button for 30 seconds.")
    agent.get_by_role("button", name="Send").click()
    agent.locator(".comment.public", has_text="hold the power button").wait_for()
    agent.get_by_label("Reply or note").fill("Probably the SSD again — order a spare.")
    agent.get_by_label("Internal note (agents only)").check()
    agent.get_by_role("button", name="Send").click()
    note = agent.locator(".comment.internal", has_text="order a spare")
    note.wait_for()
    assert "Internal note" in note.inner_text()
    agent.get_by_label("Move to").select_option("in_progress")
    agent.get_by_role("button", name="Change state").click()
    agent.wait_for_load_state("networkidle")
    assert agent.locator("#ticket-state").inner_text() == "In progress"
    shot(agent, "agent-ticket")

    customer.goto(ticket_url)
    body = customer.locator("main").inner_text()
    assert "hold the power button" in body
    assert "order a spare" not in body and "Internal note" not in body
    shot(customer, "portal-ticket-answered")


def _card(page, ticket_pk):
    return page.locator(f'li.kcard[data-ticket="{ticket_pk}"]')


def _column_of(page, ticket_pk) -> str:
    return _card(page, ticket_pk).locator("xpath=..").get_attribute("data-column")


def test_drag_card_persists_and_refused_drag_is_shown(desk, make_ticket, open_page):
    from tessera.core.projects.models import BoardColumn

    p = desk["project"]
    a = make_ticket(p, desk["customer"], "Replace keyboard")
    b = make_ticket(p, desk["customer"], "Printer toner")
    make_ticket(p, desk["agent"], "Update antivirus")
    make_ticket(p, desk["agent"], "Renew TLS certificate", priority=4)
    todo = BoardColumn.objects.get(project=p, state__key="todo")
    doing = BoardColumn.objects.get(project=p, state__key="in_progress")
    resolved = BoardColumn.objects.get(project=p, state__key="resolved")

    page = open_page("agent")
    page.goto(f"/projects/{p.pk}/board/")
    page.wait_for_function("window.Sortable && document.getElementById('board').dataset.ready")
    _card(page, a.pk).drag_to(page.locator(f'ol.cards[data-column="{doing.pk}"]'))
    message = page.locator("#board-message")
    message.wait_for(state="visible")
    assert "Moved to In progress" in message.inner_text()
    assert page.locator(f'[data-wip="{doing.pk}"]').inner_text() == "1"
    page.reload()
    page.wait_for_function("document.getElementById('board').dataset.ready")
    assert _column_of(page, a.pk) == str(doing.pk)
    shot(page, "kanban-board")

    # the support workflow has no arrow from "To do" to "Resolved": refused, card goes back
    _card(page, b.pk).drag_to(page.locator(f'ol.cards[data-column="{resolved.pk}"]'))
    page.wait_for_function(
        "document.getElementById('board-message').textContent.includes('refused')"
    )
    assert "Cannot move from todo to resolved" in message.inner_text()
    assert _column_of(page, b.pk) == str(todo.pk)
    shot(page, "kanban-board-refused")
    page.reload()
    assert _column_of(page, b.pk) == str(todo.pk)


def test_workshop_intake_review_assign_then_work_and_qc(shop, open_page):
    """Intake → admin review → assign → start → pause/resume/stop → QC pass, all in the
    browser, as the admin, the technician and the inspector."""
    from tessera.core.tickets.models import Ticket

    boss = open_page("boss")
    boss.goto("/shopfloor/")
    boss.get_by_role("link", name="New intake").click()
    boss.get_by_label("Serial number", exact=True).fill("SN-E2E-1")
    boss.get_by_label("Title (optional)").fill("Cracked phone screen")
    boss.locator("#part-1-name").fill("Screen")
    boss.locator("#part-1-color").select_option("yellow")
    boss.locator("#part-1-minutes").fill("40")
    boss.locator("#part-1-xp").fill("25")
    boss.get_by_role("button", name="Add a part row").click()
    boss.locator("#part-4-name").wait_for()
    boss.locator("#part-4-name").fill("Adhesive")
    boss.locator("#part-4-minutes").fill("5")
    boss.locator("#part-4-xp").fill("3")
    boss.get_by_role("button", name="Create intake ticket").click()
    # an unknown serial is refused inline until confirmed with a reason
    error = boss.locator("#err-serial")
    error.wait_for()
    assert "Unknown serial number" in error.inner_text()
    assert boss.locator("#in-serial").get_attribute("aria-invalid") == "true"
    shot(boss, "shop-intake-error")
    boss.get_by_label("Create the inventory item for this serial number").check()
    boss.get_by_label("Reason for creating it").fill("Customer walk-in, first visit")
    shot(boss, "shop-intake")
    boss.get_by_role("button", name="Create intake ticket").click()
    boss.wait_for_url("**/shopfloor/")
    ticket = Ticket.objects.get(title="Cracked phone screen")
    number = ticket.display_number
    assert "waits for admin review" in boss.locator("main").inner_text()

    boss.get_by_role("link", name="Review and assign").click()
    card = boss.locator(f"#review-{ticket.pk}")
    assert "not yet approved" in card.inner_text() and "yellow" in card.inner_text()
    card.get_by_label("Technician").select_option(label="tina")
    card.get_by_role("button", name=f"Assign {number}").click()
    boss.locator(f"#rv-{ticket.pk}-errors").wait_for()
    assert "must pass admin review" in boss.locator(f"#rv-{ticket.pk}-errors").inner_text()
    card = boss.locator(f"#review-{ticket.pk}")
    card.get_by_label("Flag colour").select_option("red")
    card.get_by_label("XP override").fill("40")
    card.get_by_role("button", name=f"Approve {number}").click()
    boss.wait_for_load_state("networkidle")
    card = boss.locator(f"#review-{ticket.pk}")
    assert "approved by boss" in card.inner_text() and "40 XP" in card.inner_text()
    card.get_by_label("Technician").select_option(label="tina")
    card.get_by_role("button", name=f"Assign {number}").click()
    boss.wait_for_load_state("networkidle")
    assert "technician tina" in boss.locator(f"#review-{ticket.pk}").inner_text()
    shot(boss, "shop-review")

    page = open_page("tina")
    page.goto("/shopfloor/")
    page.get_by_role("button", name=f"Start work on {number}").click()
    page.wait_for_load_state("networkidle")
    assert "Cracked phone screen" in page.locator("#current").inner_text()
    timer = page.locator("#work-timer")
    first = timer.inner_text()
    page.wait_for_function(
        f"document.getElementById('work-timer').textContent !== '{first}'", timeout=5000
    )
    assert page.locator("#session-state").inner_text() == "Running"
    shot(page, "shop-floor")
    page.get_by_role("button", name="Pause").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#session-state").inner_text() == "Paused"
    budget = page.locator("#pause-budget").inner_text()
    page.wait_for_function(
        f"document.getElementById('pause-budget').textContent !== '{budget}'", timeout=5000
    )
    shot(page, "shop-floor-paused")
    page.get_by_role("button", name="Resume").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#session-state").inner_text() == "Running"
    page.get_by_role("button", name="Stop").click()
    page.wait_for_load_state("networkidle")
    assert "stopped" in page.locator("#session-state").inner_text()
    page.get_by_role("button", name="Send to QC").click()
    page.wait_for_load_state("networkidle")
    shot(page, "shop-floor-stopped")

    inspector = open_page("quinn")
    inspector.goto("/shopfloor/")
    inspector.get_by_role("button", name=f"Pass QC for {number}").click()
    inspector.wait_for_load_state("networkidle")
    assert "tina" in inspector.locator("#leaderboard").inner_text()
    ticket.refresh_from_db()
    assert ticket.state.key == "DONE"
    shot(inspector, "shop-floor-leaderboard")


def test_dashboards_draw_their_charts(boards, servicedesk, open_page):
    from tessera.core.projects.models import Membership, Role

    # the boards manager also works in the service desk: one page shows both APIs' numbers
    sd = servicedesk["project"]
    Membership.objects.create(
        project=sd, user=boards["manager"], role=Role.objects.get(project=sd, name="agent")
    )
    page = open_page("bmanager")
    page.goto("/dashboards/")
    for chart in ("by-state", "by-priority", "per-day", "sd-by-status", "sd-by-priority"):
        assert page.locator(f'[data-chart="{chart}"] svg').is_visible()
    assert page.locator('[data-chart="per-day"] rect.bar').count() == 28
    assert page.locator("#sd-total").inner_text() == "4"
    page.get_by_label("Project").select_option(str(boards["project"].pk))
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(f"**/dashboards/?project={boards['project'].pk}")
    for chart in ("by-state", "company-health", "workload", "kanban-summary"):
        assert page.locator(f'[data-chart="{chart}"] svg').is_visible()
    bars = page.locator('[data-chart="company-health"] rect.bar')
    assert bars.count() == 4  # critical, attention, healthy (0), inactive
    assert bars.first.bounding_box()["width"] > 10
    assert "Server down" in page.locator("#attention").inner_text()
    shot(page, "dashboards")


def test_phone_width_workspace_and_board(desk, make_ticket, open_page):
    make_ticket(desk["project"], desk["customer"], "Phone check")
    page = open_page("agent", width=375)
    page.goto("/tickets/")
    assert page.get_by_role("link", name="Phone check").is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 380, width
    shot(page, "phone-workspace")
    page.goto(f"/projects/{desk['project'].pk}/board/")
    shot(page, "phone-board")


# --- accessibility: labels, visible focus, keyboard board moves, phone width ---------------

A11Y_SCRIPT = """() => {
  const named = el => {
    if (el.getAttribute('aria-label') || el.getAttribute('aria-labelledby') || el.title) return true;
    if (el.tagName === 'BUTTON') return el.textContent.trim().length > 0;
    return el.labels && el.labels.length > 0 && Array.from(el.labels).some(l => l.textContent.trim());
  };
  const controls = Array.from(document.querySelectorAll('input, select, textarea, button'))
    .filter(el => el.type !== 'hidden');
  const ids = Array.from(document.querySelectorAll('[id]')).map(el => el.id);
  const refs = Array.from(document.querySelectorAll('[aria-labelledby], [aria-describedby]'))
    .flatMap(el => ((el.getAttribute('aria-labelledby') || '') + ' ' +
                    (el.getAttribute('aria-describedby') || '')).split(/\\s+/).filter(Boolean));
  return {
    unlabelled: controls.filter(el => !named(el)).map(el => el.outerHTML.slice(0, 120)),
    width: document.documentElement.scrollWidth,
    duplicate_ids: ids.filter((id, i) => ids.indexOf(id) !== i),
    dangling_refs: refs.filter(id => !document.getElementById(id)),
    images_without_alt: Array.from(document.querySelectorAll('img:not([alt])')).length,
    h1: document.querySelectorAll('h1').length,
  };
}"""


def check_page(page, name: str) -> None:
    """Every control has an accessible name, the page fits 375 px, focus is visible."""
    page.wait_for_load_state("networkidle")
    found = page.evaluate(A11Y_SCRIPT)
    assert found["unlabelled"] == [], (name, found["unlabelled"])
    assert found["width"] <= 376, (name, found["width"])
    assert found["duplicate_ids"] == [] and found["dangling_refs"] == [], (name, found)
    assert found["images_without_alt"] == 0 and found["h1"] == 1, (name, found)
    if page.evaluate("document.activeElement === document.body"):  # no autofocus field
        page.keyboard.press("Tab")
        skip = page.evaluate("document.activeElement.className")
        assert skip == "skip", (name, skip)
    for _ in range(3):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement === document.body"):
            break  # past the last control (a short page)
        outline = page.evaluate(
            "(() => { const s = getComputedStyle(document.activeElement);"
            " return [s.outlineStyle, parseFloat(s.outlineWidth)]; })()"
        )
        assert outline[0] != "none" and outline[1] >= 2, (name, outline)
    page.evaluate("document.activeElement.blur(); window.scrollTo(0, 0)")
    shot(page, f"phone-{name}")


def test_every_page_at_phone_width(desk, shop, boards, make_ticket, open_page):
    t = make_ticket(desk["project"], desk["customer"], "Phone width ticket")
    make_ticket(desk["project"], desk["customer"], "A second ticket with a rather long title")
    wss_ticket = shop["ticket"]
    pages = {
        "agent": [
            ("workspace", "/tickets/"),
            ("ticket", f"/tickets/{t.pk}/"),
            ("ticket-new", "/tickets/new/"),
            ("projects", "/projects/"),
            ("board", f"/projects/{desk['project'].pk}/board/"),
            ("dashboards", "/dashboards/"),
            ("password", "/password/"),
        ],
        "carol": [
            ("portal", "/portal/"),
            ("portal-new", "/portal/new/"),
            ("portal-ticket", f"/portal/tickets/{t.pk}/"),
        ],
        "boss": [
            ("shop-floor", "/shopfloor/"),
            ("shop-intake", "/shopfloor/intake/"),
            ("shop-review", "/shopfloor/review/"),
            ("shop-ticket", f"/tickets/{wss_ticket.pk}/"),
        ],
        "bmanager": [("boards-dashboards", f"/dashboards/?project={boards['project'].pk}")],
    }
    for username, urls in pages.items():
        page = open_page(username, width=375, height=800)
        for name, url in urls:
            page.goto(url)
            check_page(page, name)
        page.context.close()


def test_login_page_at_phone_width(desk, browser, live_server):
    ctx = browser.new_context(viewport={"width": 375, "height": 800}, base_url=live_server.url)
    page = ctx.new_page()
    page.goto("/login/")
    check_page(page, "login")
    ctx.close()


def test_board_keyboard_alternative(desk, make_ticket, open_page):
    from tessera.core.projects.models import BoardColumn

    p = desk["project"]
    a = make_ticket(p, desk["customer"], "First card")
    b = make_ticket(p, desk["customer"], "Second card")
    doing = BoardColumn.objects.get(project=p, state__key="in_progress")
    resolved = BoardColumn.objects.get(project=p, state__key="resolved")
    page = open_page("agent")
    page.goto(f"/projects/{p.pk}/board/")
    page.wait_for_function("document.getElementById('board').dataset.ready")
    todo_cards = "ol.cards[data-column] >> nth=0 >> li.kcard"
    assert [c.get_attribute("data-ticket") for c in page.locator(todo_cards).all()] == [
        str(a.pk),
        str(b.pk),
    ]
    # reorder within the column by keyboard: focus B's menu, choose "Up one place", Move
    menu = page.get_by_label(f"Move {b.display_number} to")
    menu.focus()
    menu.select_option("up")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").startswith("Move")
    page.keyboard.press("Enter")
    page.wait_for_function("document.getElementById('board-message').textContent.includes('Moved')")
    page.reload()
    page.wait_for_function("document.getElementById('board').dataset.ready")
    assert [c.get_attribute("data-ticket") for c in page.locator(todo_cards).all()] == [
        str(b.pk),
        str(a.pk),
    ]
    # to another column by keyboard
    menu = page.get_by_label(f"Move {a.display_number} to")
    menu.focus()
    menu.select_option(str(doing.pk))
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "document.getElementById('board-message').textContent.includes('In progress')"
    )
    assert _column_of(page, a.pk) == str(doing.pk)
    # focus stays on the moved card's menu
    assert page.evaluate("document.activeElement.id") == f"mv-{a.pk}"
    # a refused keyboard move is announced and the card goes back
    menu = page.get_by_label(f"Move {b.display_number} to")
    menu.focus()
    menu.select_option(str(resolved.pk))
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "document.getElementById('board-message').textContent.includes('refused')"
    )
    assert page.locator("#board-message").get_attribute("role") == "alert"
    todo = BoardColumn.objects.get(project=p, state__key="todo")
    assert _column_of(page, b.pk) == str(todo.pk)
    page.reload()
    page.wait_for_function("document.getElementById('board').dataset.ready")
    assert _column_of(page, a.pk) == str(doing.pk) and _column_of(page, b.pk) == str(todo.pk)
    shot(page, "kanban-board-keyboard")
