"""More demo tickets, so every project holds a realistic few dozen in varied states.

Runs after the surfaces' own demo modules; adds tickets only to projects this run created
(idempotent), through the same core services the APIs use.
"""

from __future__ import annotations

from tessera.core.accounts.models import User
from tessera.core.crm.models import Customer
from tessera.core.projects.models import BoardColumn, Project
from tessera.core.tickets.models import Category
from tessera.core.tickets.services import comment_add, ticket_create, ticket_transition

from .builder import DemoBuilder

SERVICEDESK = [
    (
        "VPN drops every 20 minutes",
        "Remote staff lose the VPN tunnel about every 20 minutes since Monday.",
        "high",
        "technical",
        "in_progress",
    ),
    (
        "Refund for duplicate charge",
        "The card was charged twice for the November subscription.",
        "medium",
        "billing",
        "open",
    ),
    (
        "Two-factor codes rejected",
        "Codes from the authenticator app are always reported as invalid.",
        "urgent",
        "technical",
        "pending",
    ),
    (
        "Export to Excel misses columns",
        "The Excel export drops the custom fields columns.",
        "medium",
        "bug",
        "resolved",
    ),
    (
        "Bulk user import",
        "Can we import 300 users from a CSV file instead of one by one?",
        "low",
        "feature",
        "closed",
    ),
    (
        "Invoice address change",
        "Please change the invoice address to our new office.",
        "low",
        "billing",
        "new",
    ),
]

BOARDS = [
    ("Migrate mail server", "Move the Nikora mail server to the new data centre.", "task", 4, 1),
    (
        "Printer on floor 3 offline",
        "The shared printer shows offline for everyone on floor 3.",
        "bug",
        3,
        0,
    ),
    (
        "Quarterly backup restore test",
        "Restore last quarter's backup to the staging server and verify.",
        "task",
        2,
        2,
    ),
    (
        "Laptop for new hire",
        "Prepare a laptop and accounts for the new accountant starting Monday.",
        "story",
        3,
        3,
    ),
]

SUPPORT = [
    (
        "Cannot upload profile picture",
        "Uploading a PNG profile picture fails with an error saying the file type is not allowed.",
    ),
    (
        "Two-factor login loop",
        "After entering my two-factor code I am sent back to the login page again and again.",
    ),
    (
        "Invoice PDF is blank",
        "The invoice PDF I downloaded from billing opens as a blank white page in every viewer.",
    ),
]


def load(demo: DemoBuilder) -> None:
    for project in demo.projects:
        if not demo.is_new(project):
            continue
        if project.template == "servicedesk":
            _servicedesk(project)
        elif project.template == "boards":
            _boards(project)
        elif project.template == "support":
            _support(project)


def _servicedesk(project: Project) -> None:
    agent = User.objects.get(username="sd_agent1")
    other = User.objects.get(username="sd_agent2")
    cats = {c.slug: c for c in Category.objects.filter(project=None)}
    customers = list(Customer.objects.order_by("id")[:3])
    bp = project.blueprint
    for i, (subject, description, priority, cat, state) in enumerate(SERVICEDESK):
        ticket = ticket_create(
            actor=agent,
            project=project,
            title=subject,
            description=description,
            priority=bp.priority_value(priority),
            category=cats.get(cat),
            customer=customers[i % len(customers)] if customers else None,
            assignees=[[agent, other][i % 2]],
        )
        comment_add(actor=agent, ticket=ticket, body="Thanks, we are on it.")
        path = {
            "open": ["open"],
            "in_progress": ["open", "in_progress"],
            "pending": ["open", "pending"],
            "resolved": ["open", "resolved"],
            "closed": ["open", "resolved", "closed"],
            "new": [],
        }[state]
        for step in path:
            ticket_transition(actor=agent, ticket=ticket, to_state=step)


def _boards(project: Project) -> None:
    owner = User.objects.get(username="bd_super")
    admin = User.objects.get(username="bd_admin")
    columns = list(BoardColumn.objects.filter(project=project).order_by("order"))
    for i, (name, description, type_, priority, col) in enumerate(BOARDS):
        ticket = ticket_create(
            actor=owner,
            project=project,
            title=name,
            description=description,
            type=type_,
            priority=priority,
            column=columns[min(col, len(columns) - 1)],
            assignees=[admin] if i % 2 == 0 else [],
        )
        comment_add(actor=admin, ticket=ticket, body="Scheduled for this week.")


def _support(project: Project) -> None:
    from tessera.core.triage.services import support_ticket_create

    users = list(User.objects.filter(username__in=["sup_user1", "sup_user2"]).order_by("username"))
    for i, (title, description) in enumerate(SUPPORT):
        support_ticket_create(
            actor=users[i % len(users)], project=project, title=title, description=description
        )
