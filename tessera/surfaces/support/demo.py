"""Demo for document 001: users, a skilled moderator and an admin on a support desk."""

from __future__ import annotations

from tessera.core.accounts.services import user_set_skills
from tessera.core.demo.builder import DemoBuilder
from tessera.core.triage.services import support_ticket_create

MODERATOR_SKILLS = {
    "Frontend Development": 5,
    "React": 4,
    "Routing": 4,
    "Authentication": 3,
    "Performance": 4,
    "Mobile": 3,
}
MODERATOR2_SKILLS = {
    "Databases": 5,
    "PostgreSQL": 4,
    "Networking": 3,
    "Email": 4,
    "Data Import/Export": 4,
}

TICKETS = [
    (
        "Cannot access user dashboard",
        "When I try to access my dashboard, I get a 404 error. It started after the recent update.",
    ),
    (
        "Password reset email never arrives",
        "I requested a password reset three times today and no email arrived, not even in spam.",
    ),
    (
        "Export to CSV produces empty file",
        "Exporting my report to CSV downloads a file with only the header row and no data.",
    ),
    (
        "App is very slow on mobile",
        "The mobile site takes more than ten seconds to load any page on my phone.",
    ),
]


def load(demo: DemoBuilder) -> None:
    u1 = demo.user("sup_user1", surface="support", role="user", first_name="Uma", last_name="User")
    u2 = demo.user("sup_user2", surface="support", role="user", first_name="Ulf", last_name="User")
    mod = demo.user(
        "sup_mod",
        surface="support",
        role="moderator",
        first_name="Mia",
        last_name="Moderator",
        skills=sorted(MODERATOR_SKILLS),
    )
    mod2 = demo.user(
        "sup_mod2",
        surface="support",
        role="moderator",
        first_name="Max",
        last_name="Moderator",
        skills=sorted(MODERATOR2_SKILLS),
    )
    admin = demo.user(
        "sup_admin", surface="support", role="admin", first_name="Alan", last_name="Admin"
    )
    project = demo.project(template="support", key="SUP", name="Support Desk", owner=admin)
    for user, role in [
        (u1, "user"),
        (u2, "user"),
        (mod, "moderator"),
        (mod2, "moderator"),
        (admin, "admin"),
    ]:
        demo.member(project, user, role)
    user_set_skills(user=mod, skills=MODERATOR_SKILLS)
    user_set_skills(user=mod2, skills=MODERATOR2_SKILLS)
    if demo.is_new(project):
        for i, (title, description) in enumerate(TICKETS):
            support_ticket_create(
                actor=[u1, u2][i % 2], project=project, title=title, description=description
            )
