"""Demo for document 002: two agents, three CRM customers and their tickets."""

from __future__ import annotations

from tessera.core.crm.models import Customer
from tessera.core.demo.builder import DemoBuilder
from tessera.core.tickets.models import Category
from tessera.core.tickets.services import ticket_create

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
        cats = {c.slug: c for c in Category.objects.filter(project=None)}
        bp = project.blueprint
        for i, (subject, description, priority, cat) in enumerate(TICKETS):
            ticket_create(
                actor=a1,
                project=project,
                title=subject,
                description=description,
                priority=bp.priority_value(priority),
                category=cats[cat],
                customer=customers[i % 3],
                assignees=[a1, a2][i % 2 : i % 2 + 1] if i % 3 else [],
            )
