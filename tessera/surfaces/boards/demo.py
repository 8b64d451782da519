"""Demo for document 003: one project with four roles, a company, columns and tickets."""

from __future__ import annotations

from tessera.core.contacts.services import contact_create, tag_add_contact, tag_create
from tessera.core.demo.builder import DemoBuilder
from tessera.core.organizations.models import Company
from tessera.core.projects.models import BoardColumn
from tessera.core.tickets.services import ticket_create

TICKETS = [
    ("Fix login page error", "Users getting 500 error when logging in", "bug", 4, 1),
    ("Implement user authentication", "Add JWT-based authentication to the API", "task", 3, 0),
    ("Homepage is slow on mobile", "Homepage is slow to load for mobile users", "bug", 3, 2),
    ("Quarterly printer maintenance", "Service all office printers at the Nikora HQ", "task", 2, 3),
    ("New onboarding flow", "Story: as a new client I can set up my account alone", "story", 3, 0),
]


def load(demo: DemoBuilder) -> None:
    sa = demo.user(
        "bd_super", surface="boards", role="superadmin", first_name="Sofia", last_name="Owner"
    )
    admin = demo.user(
        "bd_admin", surface="boards", role="admin", first_name="John", last_name="Smith"
    )
    u1 = demo.user("bd_user1", surface="boards", role="user", first_name="Client", last_name="One")
    u2 = demo.user("bd_user2", surface="boards", role="user", first_name="Client", last_name="Two")
    manager = demo.user(
        "bd_manager", surface="boards", role="manager", first_name="Maria", last_name="Manager"
    )
    project = demo.project(
        template="boards",
        key="DEMO",
        name="Demo Project",
        owner=sa,
        description="Demo project for testing",
    )
    for user, role in [
        (sa, "superadmin"),
        (admin, "admin"),
        (u1, "user"),
        (u2, "user"),
        (manager, "manager"),
    ]:
        demo.member(project, user, role)
    company, _ = Company.objects.get_or_create(
        name="Nikora",
        defaults={
            "description": "Nikora supermarket chain",
            "primary_contact_email": "support@nikora.example",
            "phone": "555-1234",
        },
    )
    company.projects.add(project)
    company.admins.add(admin)
    company.users.add(u1)
    if demo.is_new(project):
        columns = list(BoardColumn.objects.filter(project=project).order_by("order"))
        for i, (name, description, type_, priority, col) in enumerate(TICKETS):
            ticket_create(
                actor=[sa, admin, u1][i % 3],
                project=project,
                title=name,
                description=description,
                type=type_,
                priority=priority,
                column=columns[col],
                company=company if i % 2 == 0 else None,
                assignees=[admin] if i % 2 else [],
            )
        tag = tag_create(
            actor=sa, project=project, name="Nikora", description="Nikora supermarket chain tickets"
        )
        contact = contact_create(
            actor=sa,
            project=project,
            name="Giorgi Beridze",
            email="g.beridze@example.com",
            title="IT Manager",
            department="IT Department",
        )
        tag_add_contact(actor=sa, tag=tag, contact=contact, role="Primary Contact")
