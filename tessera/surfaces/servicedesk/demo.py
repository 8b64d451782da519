"""Demo for document 002: two agents, three CRM customers and their tickets."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from tessera.core.common import clock
from tessera.core.crm.models import Customer
from tessera.core.demo.builder import DemoBuilder
from tessera.core.servicedesk.services import (
    sd_comment_add,
    sd_ticket_change_status,
    sd_ticket_create,
)
from tessera.core.tickets.models import Category

CATEGORIES = [
    ("technical", "Technical"),
    ("billing", "Billing"),
    ("product", "Product Inquiry"),
    ("feature", "Feature Request"),
    ("bug", "Bug Report"),
    ("general", "General"),
]

CUSTOMERS = [
    ("Acme Corporation", "it@acme.example", "+1 555 0100", "Acme Corp"),
    ("Globex Ltd", "support@globex.example", "+1 555 0101", "Globex"),
    ("Initech", "helpdesk@initech.example", "+1 555 0102", "Initech"),
]

TICKETS = [
    (
        "Cannot login to account",
        "User is experiencing login issues after password reset",
        "high",
        "technical",
    ),
    (
        "Invoice shows wrong VAT",
        "The October invoice applies 20% VAT instead of 7%.",
        "medium",
        "billing",
    ),
    (
        "Pricing for 50 seats",
        "Customer wants to know about pricing for a 50-seat plan.",
        "low",
        "product",
    ),
    (
        "Application crashes on startup",
        "The desktop app crashes right after the splash screen.",
        "urgent",
        "bug",
    ),
    ("Add dark mode", "Several users asked for a dark theme in the web app.", "low", "feature"),
    (
        "Data export times out",
        "Exporting the yearly report times out after 30 seconds.",
        "critical",
        "technical",
    ),
]


def load(demo: DemoBuilder) -> None:
    a1 = demo.user(
        "sd_agent1", surface="servicedesk", role="agent", first_name="Anna", last_name="Agent"
    )
    a2 = demo.user(
        "sd_agent2", surface="servicedesk", role="agent", first_name="Arno", last_name="Agent"
    )
    project = demo.project(template="servicedesk", key="SD", name="Service Desk", owner=a1)
    demo.member(project, a1, "agent")
    demo.member(project, a2, "agent")
    for slug, name in CATEGORIES:
        Category.objects.get_or_create(project=None, slug=slug, defaults={"name": name})
    customers = []
    for name, email, phone, company in CUSTOMERS:
        customer, _ = Customer.objects.get_or_create(
            email=email, defaults={"name": name, "phone": phone, "company": company}
        )
        customers.append(customer)
        demo.customers.append({"id": customer.pk, "name": customer.name, "email": customer.email})
    if demo.is_new(project):
        _seed_tickets(project, a1, a2, customers)


# status, tags, due in days (negative: overdue), a public reply, an internal note
STORY = [
    ("open", "login, authentication, urgent", 2, "We are resetting your session cache.", ""),
    ("pending", "invoice, vat", 5, "", "Waiting for finance to confirm the rate."),
    ("resolved", "pricing", None, "Sent pricing information via email.", ""),
    ("in_progress", "crash, desktop", -1, "", "Reproduced on Windows 11."),
    ("new", "ui, theme", None, "", ""),
    ("closed", "export, performance", -3, "Fixed in release 4.2.", ""),
]


def _seed_tickets(project, a1, a2, customers) -> None:
    """Tickets in every state of the story, through the service-desk services (so the
    history, first-response and resolution metrics are real)."""
    cats = {c.slug: c for c in Category.objects.filter(project=None)}
    bp = project.blueprint
    now = clock.now()
    for i, (subject, description, priority, cat) in enumerate(TICKETS):
        status, tags, due_days, reply, note = STORY[i % len(STORY)]
        ticket = sd_ticket_create(
            actor=a1,
            project=project,
            subject=subject,
            description=description,
            priority=bp.priority_value(priority),
            category=cats[cat],
            customer=customers[i % 3],
            assigned_to=[a1, a2][i % 2] if i % 3 else None,
            due_date=now + timedelta(days=due_days) if due_days is not None else None,
            estimated_hours=Decimal("2.5") if i % 2 else None,
            tags=tags,
        )
        if note:
            sd_comment_add(actor=a2, ticket=ticket, content=note, is_internal=True)
        if reply:
            sd_comment_add(actor=a2, ticket=ticket, content=reply, is_internal=False)
        if status == "closed":
            sd_ticket_change_status(actor=a1, ticket=ticket, status="resolved")
        if status != "new":
            sd_ticket_change_status(actor=a1, ticket=ticket, status=status)
