"""Create a ticket (agent workspace and customer portal share this view)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from tessera.core.common.errors import TesseraError, ValidationFailed
from tessera.core.organizations.models import Company
from tessera.core.projects import permissions
from tessera.core.projects.models import Project
from tessera.core.projects.selectors import projects_visible_to
from tessera.core.tickets import services
from tessera.core.triage.services import support_ticket_create

from .. import selectors
from .common import error_messages


def _projects(actor) -> list[Project]:
    """Projects the actor may file a plain ticket in. Workshop tickets need an inventory
    item and parts (``workshop_ticket_create``): they are filed on the intake page."""
    ids = permissions.projects_with_perm(actor, "add_ticket")
    qs = projects_visible_to(actor).exclude(template="workshop").order_by("key")
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return list(qs)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _create(request: HttpRequest, projects: list[Project], companies: list[Company]):
    post = request.POST
    project = next((p for p in projects if p.pk == _int(post.get("project"))), None)
    if project is None:
        raise ValidationFailed("Choose a project", fields={"project": ["Choose a project."]})
    priority = _int(post.get("priority"))
    if post.get("priority") and priority not in project.blueprint.priorities:
        raise ValidationFailed(
            "Invalid priority", fields={"priority": ["Choose a valid priority."]}
        )
    company = next((c for c in companies if c.pk == _int(post.get("company"))), None)
    with transaction.atomic():
        # A support desk's tickets go through triage (document 001's pipeline).
        create = support_ticket_create if project.template == "support" else services.ticket_create
        ticket = create(
            actor=request.user,
            project=project,
            title=post.get("title", ""),
            description=post.get("description", ""),
            priority=priority,
            company=company,
        )
        upload = request.FILES.get("file")
        if upload is not None:
            services.attachment_add(actor=request.user, ticket=ticket, upload=upload)
    return ticket


@login_required
def ticket_new(request: HttpRequest, *, portal: bool = False) -> HttpResponse:
    projects = _projects(request.user)
    companies = selectors.companies_of(request.user) if portal else []
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        try:
            ticket = _create(request, projects, companies)
        except TesseraError as exc:
            errors, status = error_messages(exc), exc.status
        else:
            name = "web:portal-ticket" if portal else "web:ticket"
            return redirect(reverse(name, args=[ticket.pk]))
    selected = next(
        (
            p
            for p in projects
            if p.pk == _int(request.POST.get("project") or request.GET.get("project"))
        ),
        projects[0] if projects else None,
    )
    context = {
        "projects": projects,
        "selected": selected,
        "priorities": sorted(selected.blueprint.priorities.items()) if selected else [],
        "default_priority": selected.blueprint.default_priority if selected else None,
        "companies": companies,
        "errors": errors,
        "form": request.POST,
        "portal": portal,
        "workshop_intake": not portal
        and permissions.projects_with_perm(request.user, "add_ticket", template="workshop") != [],
    }
    if request.htmx and request.htmx.target == "priority-field":
        return render(request, "web/partials/priority_field.html", context)
    return render(request, "web/ticket_new.html", context, status=status)


def portal_ticket_new(request: HttpRequest) -> HttpResponse:
    return ticket_new(request, portal=True)
