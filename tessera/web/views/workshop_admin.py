"""Workshop intake and admin review in the browser (document 000's ``POST /tickets/``,
``manual-metrics`` and ``assign``). The form fields are translated to the arguments of
``tessera.core.workshop.services``; every rule (roles, unknown serials, colours, ranges,
approval before assignment) is the core's, and its errors show beside the fields."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tessera.core.common.errors import Forbidden, NotFound, TesseraError, ValidationFailed
from tessera.core.projects.models import Membership
from tessera.core.tickets.counts import ticket_count
from tessera.core.workshop import selectors as ws
from tessera.core.workshop import services as wss
from tessera.core.workshop.models import FlagColor

from .common import error_messages, page_errors

WHOLE = re.compile(r"-?[0-9]{1,12}")  # ASCII digits only ("²".isdigit() is True)
PART_ROWS = 3
MAX_ROWS = wss.MAX_PARTS
REVIEW_STATES = ("NEW", "ASSIGNED")
# The review page shows this many tickets, oldest first, and how many more wait (every
# waiting ticket of a large workshop overflowed the query's parameters: a 500).
REVIEW_SIZE = 25
DENIED = "You do not have permission to perform this action."


# --- intake --------------------------------------------------------------------------------


@dataclass
class PartRow:
    index: int
    name: str = ""
    color: str = FlagColor.GREEN
    minutes: str = ""
    xp: str = ""

    @property
    def blank(self) -> bool:
        return not (self.name.strip() or self.minutes.strip() or self.xp.strip())


@dataclass
class IntakeForm:
    project: str = ""
    serial_number: str = ""
    item_name: str = ""
    title: str = ""
    description: str = ""
    confirm_create: bool = False
    create_reason: str = ""
    parts: list[PartRow] = field(default_factory=list)

    @classmethod
    def from_post(cls, data) -> IntakeForm:
        try:
            count = int(str(data.get("part_rows", PART_ROWS))[:4])
        except (TypeError, ValueError):
            count = PART_ROWS
        count = max(1, min(count, MAX_ROWS))
        parts = [
            PartRow(
                index=i + 1,
                name=data.get(f"part-{i + 1}-name", "")[:200],
                color=data.get(f"part-{i + 1}-color", FlagColor.GREEN)[:10],
                minutes=data.get(f"part-{i + 1}-minutes", "")[:12],
                xp=data.get(f"part-{i + 1}-xp", "")[:12],
            )
            for i in range(count)
        ]
        return cls(
            project=data.get("project", "")[:20],
            serial_number=data.get("serial_number", "")[:100],
            item_name=data.get("item_name", "")[:200],
            title=data.get("title", "")[:255],
            description=data.get("description", "")[:10_000],
            confirm_create=data.get("confirm_create") == "on",
            create_reason=data.get("create_reason", "")[:1000],
            parts=parts,
        )

    def part_inputs(self) -> list[wss.PartInput]:
        """The non-blank rows as the core's ``PartInput`` (whole numbers only; an empty
        number is 0). Raises ``ValidationFailed`` on ``part_specs`` otherwise."""
        out = []
        for row in self.parts:
            if row.blank:
                continue
            numbers = []
            for label, raw in (("planned minutes", row.minutes), ("XP", row.xp)):
                raw = raw.strip() or "0"
                if not WHOLE.fullmatch(raw):
                    raise ValidationFailed(
                        "Part numbers",
                        fields={
                            "part_specs": [f"Part {row.index}: {label} must be a whole number."]
                        },
                    )
                numbers.append(int(raw))
            out.append(wss.PartInput(row.name, row.color, numbers[0], numbers[1]))
        return out


def _intake_projects(actor) -> list:
    from tessera.core.projects.models import Project

    ids = ws.require_workshop_role(actor, "add_ticket")
    qs = Project.objects.filter(template=ws.TEMPLATE).order_by("key")
    return list(qs if ids is None else qs.filter(pk__in=ids))


def _render_intake(request, form: IntakeForm, *, error: TesseraError | None = None, status=200):
    fields = dict(error.fields) if error is not None else {}
    general = [] if error is None or fields else error_messages(error)
    unknown_serial = any("Unknown serial" in str(m) for m in fields.get("serial_number", []))
    if unknown_serial:  # the core words it for API clients; say it in the form's terms
        fields["serial_number"] = [
            "Unknown serial number. To create the inventory item, tick “Create the inventory "
            "item for this serial number” and give a reason."
        ]
    return render(
        request,
        "web/shop_intake.html",
        {
            "form": form,
            "projects": _intake_projects(request.user),
            "colors": FlagColor.choices,
            "field_errors": {k: [str(m) for m in v] for k, v in fields.items()},
            "errors": general,
            "show_new_item": unknown_serial or form.confirm_create,
        },
        status=status,
    )


@login_required
@page_errors
def intake(request: HttpRequest) -> HttpResponse:
    """``GET`` the form; ``POST`` creates through ``workshop_ticket_create``. ``add_row``
    re-renders with one more part row (works without JavaScript)."""
    if request.method != "POST":
        _intake_projects(request.user)  # 403 without add_ticket in a workshop project
        return _render_intake(request, IntakeForm(parts=[PartRow(i + 1) for i in range(PART_ROWS)]))
    form = IntakeForm.from_post(request.POST)
    if "add_row" in request.POST:
        _intake_projects(request.user)
        if len(form.parts) < MAX_ROWS:
            form.parts.append(PartRow(len(form.parts) + 1))
        return _render_intake(request, form)
    try:
        project = ws.intake_project(actor=request.user, project_id=form.project or None)
        ticket = wss.workshop_ticket_create(
            actor=request.user,
            project=project,
            serial_number=form.serial_number,
            parts=form.part_inputs(),
            title=form.title,
            description=form.description,
            item_name=form.item_name,
            confirm_create=form.confirm_create,
            create_reason=form.create_reason,
        )
    except (NotFound, Forbidden):
        raise
    except TesseraError as exc:
        return _render_intake(request, form, error=exc, status=exc.status)
    messages.success(
        request, f"{ticket.display_number} created; it waits for admin review before assignment."
    )
    return redirect("web:shopfloor")


# --- admin review and assignment -----------------------------------------------------------


def _review_project_ids(actor) -> list[int] | None:
    """Workshop projects where the actor reviews or assigns (None: all); 403 if none."""
    review = ws.workshop_project_ids(actor, "review_ticket")
    assign = ws.workshop_project_ids(actor, "assign_ticket")
    if review is None or assign is None:
        return None
    ids = sorted(set(review) | set(assign))
    if not ids:
        raise Forbidden(DENIED)
    return ids


def _review_context(actor) -> dict:
    ids = _review_project_ids(actor)
    tickets = ws.ticket_list(actor=actor, ordering="created_at").filter(
        state__key__in=REVIEW_STATES
    )
    if ids is not None:
        tickets = tickets.filter(project_id__in=ids)
    waiting = tickets
    tickets = list(waiting[:REVIEW_SIZE])  # the oldest first
    hidden = ticket_count(waiting) - len(tickets) if len(tickets) == REVIEW_SIZE else 0
    project_ids = {t.project_id for t in tickets}
    technicians: dict[int, list] = {pk: [] for pk in project_ids}
    for m in (
        Membership.objects.filter(project_id__in=project_ids, user__is_active=True)
        .select_related("user", "role")
        .order_by("user__username")
    ):
        if "be_assigned" in (m.role.permissions or []):
            technicians[m.project_id].append(m.user)
    return {
        "tickets": [{"ticket": t, "technicians": technicians[t.project_id]} for t in tickets],
        "hidden": hidden,
        "colors": FlagColor.choices,
    }


@login_required
@page_errors
def review(request: HttpRequest, *, errors: dict | None = None, status: int = 200) -> HttpResponse:
    context = _review_context(request.user)
    context["errors"] = errors or {}
    return render(request, "web/shop_review.html", context, status=status)


def _review_action(request: HttpRequest, ticket_id: int, call) -> HttpResponse:
    ticket = ws.access_workshop_ticket(actor=request.user, ticket_id=ticket_id)
    try:
        call(ticket)
    except NotFound:
        raise
    except TesseraError as exc:
        return review(request, errors={ticket.pk: error_messages(exc)}, status=exc.status)
    return redirect("web:shop-review")


def _optional_int(raw: str, field_name: str) -> int | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    if not WHOLE.fullmatch(raw):
        raise ValidationFailed("Number", fields={field_name: ["Enter a whole number."]})
    return int(raw)


@login_required
@require_POST
@page_errors
def review_approve(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """Admin review: optional flag colour / XP override, and the approval."""

    def call(ticket):
        wss.workshop_metrics_override(
            actor=request.user,
            ticket=ticket,
            flag_color=request.POST.get("flag_color") or None,
            xp_amount=_optional_int(request.POST.get("xp_amount", ""), "xp_amount"),
        )

    return _review_action(request, ticket_id, call)


@login_required
@require_POST
@page_errors
def review_assign(request: HttpRequest, ticket_id: int) -> HttpResponse:
    def call(ticket):
        raw = request.POST.get("technician", "")
        technician = ws.user_by_id(int(raw)) if re.fullmatch(r"[0-9]{1,18}", raw) else None
        wss.workshop_ticket_assign(actor=request.user, ticket=ticket, technician=technician)

    return _review_action(request, ticket_id, call)
