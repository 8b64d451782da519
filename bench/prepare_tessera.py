"""Run inside Tessera's venv after ``generate``: a bench superuser, its JWT and API token,
and the ids the scenarios need. Prints one JSON object."""

from __future__ import annotations

import json
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from rest_framework_simplejwt.tokens import RefreshToken  # noqa: E402

from tessera.core.accounts.models import User  # noqa: E402
from tessera.core.accounts.services import api_token_create  # noqa: E402
from tessera.core.projects.models import BoardColumn, Project  # noqa: E402
from tessera.core.tickets.models import Ticket  # noqa: E402

PASSWORD = "bench-Password-1"

user = User.objects.filter(username="bench").first()
if user is None:
    user = User.objects.create_superuser("bench", "bench@bench.test", PASSWORD)
_, raw_token = api_token_create(name="bench", user=user)
projects = {}
for template in ("workshop", "support", "servicedesk", "boards"):
    project = Project.objects.filter(template=template).order_by("id").first()
    if project is None:
        continue
    ticket = Ticket.objects.filter(project=project).order_by("-id").first()
    column = BoardColumn.objects.filter(project=project).order_by("order").first()
    projects[template] = {
        "id": project.pk,
        "key": project.key,
        "ticket_id": ticket.pk if ticket else None,
        "ticket_public_id": str(ticket.public_id) if ticket else None,
        "ticket_number": ticket.number if ticket else None,
        "column_id": column.pk if column else None,
    }
print(
    json.dumps(
        {
            "username": "bench",
            "email": "bench@bench.test",
            "password": PASSWORD,
            "jwt": str(RefreshToken.for_user(user).access_token),
            "api_token": raw_token,
            "projects": projects,
            "tickets": Ticket.objects.count(),
        }
    )
)
