"""Reads for the web pages. Every page loads its rows in a fixed number of queries.

Visibility always starts from ``tickets_visible_to`` / ``access_ticket``; nothing here decides
who may do what (that is ``tessera.core.projects.permissions`` and ``tickets.policy``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Max, Prefetch, QuerySet

from tessera.core.audit.models import Event
from tessera.core.organizations.models import Company
from tessera.core.projects import permissions
from tessera.core.projects.models import Membership, Project, StateCategory, WorkflowState
from tessera.core.projects.selectors import projects_visible_to
from tessera.core.tickets import policy
from tessera.core.tickets.counts import ticket_counts_by
from tessera.core.tickets.models import Attachment, Comment, Ticket, TicketAssignment
from tessera.core.tickets.selectors import access_ticket, ticket_search, tickets_visible_to

from .models import SavedView

SORTS = {
    "-created": ("-created_at", "-id"),
    "created": ("created_at", "id"),
    "-updated": ("-updated_at", "-id"),
    # Highest first and, within a priority, the longest waiting first: the order a queue
    # is worked in, and the (priority, created_at) index read backwards (newest first
    # within a priority sorted every visible ticket: 0.5 s at 1M).
    "-priority": ("-priority", "created_at", "id"),
    "priority": ("priority", "-created_at", "-id"),
    "title": ("title", "id"),
    "number": ("project_id", "number"),
}
SORT_LABELS = {
    "-created": "Newest first",
    "created": "Oldest first",
    "-updated": "Recently updated",
    "-priority": "Priority, highest first (oldest first within)",
    "priority": "Priority, lowest first",
    "title": "Title A–Z",
    "number": "Number",
}
OPEN_CATEGORIES = (StateCategory.OPEN, StateCategory.ACTIVE)


def is_agent(actor) -> bool:
    """Agents see whole projects; everyone else (requesters) uses the customer portal."""
    if actor.is_superuser:
        return True
    return any("view_all_tickets" in a.permissions for a in permissions.memberships(actor).values())


def has_workshop(actor) -> bool:
    """Whether the actor is a member of any workshop project (the shop floor link)."""
    return projects_visible_to(actor, template="workshop").exists()


def with_rows(qs: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """What a ticket row shows, loaded in three queries whatever the number of rows."""
    return qs.select_related("project", "state", "created_by", "company").prefetch_related(
        Prefetch("assignments", queryset=TicketAssignment.objects.select_related("user")),
        "tags",
    )


def _text(value, limit: int) -> str:
    """A filter form's text without what no database can compare with (NUL, lone
    surrogates: PostgreSQL refuses NUL in text), stripped and cut to ``limit``."""
    text = (value or "").replace("\x00", "").encode("utf-8", "ignore").decode("utf-8")
    return text.strip()[:limit]


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@dataclass
class TicketFilter:
    project: int | None = None
    state: str = ""
    priority: int | None = None
    assignee: str = ""
    q: str = ""
    sort: str = "-created"

    @classmethod
    def from_params(cls, params) -> TicketFilter:
        sort = params.get("sort", "-created")
        assignee = params.get("assignee", "")
        if assignee not in ("", "me", "none") and _int(assignee) is None:
            assignee = ""
        return cls(
            project=_int(params.get("project")),
            state=_text(params.get("state"), 40),
            priority=_int(params.get("priority")),
            assignee=assignee,
            q=_text(params.get("q"), 200),
            sort=sort if sort in SORTS else "-created",
        )


def workspace_tickets(*, actor, flt: TicketFilter) -> QuerySet[Ticket]:
    qs = tickets_visible_to(actor)
    if flt.project is not None:
        qs = qs.filter(project_id=flt.project)
    if flt.state == "open":
        qs = qs.filter(state__category__in=OPEN_CATEGORIES)
    elif flt.state:
        qs = qs.filter(state__key=flt.state)
    if flt.priority is not None:
        qs = qs.filter(priority=flt.priority)
    if flt.assignee == "me":
        qs = qs.filter(pk__in=TicketAssignment.objects.filter(user_id=actor.pk).values("ticket_id"))
    elif flt.assignee == "none":
        qs = qs.exclude(pk__in=TicketAssignment.objects.values("ticket_id"))
    elif flt.assignee:
        qs = qs.filter(
            pk__in=TicketAssignment.objects.filter(user_id=int(flt.assignee)).values("ticket_id")
        )
    qs = ticket_search(qs, flt.q)
    return with_rows(qs.order_by(*SORTS[flt.sort]))


def filter_choices(*, actor) -> dict:
    """Projects, state keys and priorities the filter form offers (two queries)."""
    projects = list(projects_visible_to(actor).order_by("key"))
    states = (
        WorkflowState.objects.filter(project__in=[p.pk for p in projects])
        .values_list("key", "name")
        .order_by("key")
    )
    seen: dict[str, str] = {}
    for key, name in states:
        seen.setdefault(key, name)
    priorities: dict[int, str] = {}
    for p in projects:
        for value, (_k, label) in p.blueprint.priorities.items():
            priorities.setdefault(value, label)
    return {
        "projects": projects,
        "states": sorted(seen.items()),
        "priorities": sorted(priorities.items()),
        "sorts": list(SORT_LABELS.items()),
    }


def companies_of(actor) -> list[Company]:
    return list(Company.objects.filter(users=actor))


def saved_views_of(actor) -> list[SavedView]:
    return list(SavedView.objects.filter(user=actor))


# --- one ticket -------------------------------------------------------------------------


def ticket_for_page(*, actor, ticket_id) -> Ticket:
    """The ticket (or one NotFound) with what its page shows preloaded."""
    qs = Ticket.objects.select_related("project", "state", "created_by", "company", "column")
    return access_ticket(actor=actor, ticket_id=ticket_id, queryset=qs)


@dataclass
class TicketPage:
    ticket: Ticket
    comments: list[Comment]
    attachments: list[Attachment]
    assignees: list
    tags: list
    events: list[Event] = field(default_factory=list)
    can_see_internal: bool = False
    following: bool = False


def ticket_page(*, actor, ticket: Ticket, portal: bool = False) -> TicketPage:
    """The page's rows; the portal never shows internal notes nor the audit timeline."""
    see_internal = not portal and policy.can_see_internal(actor, ticket)
    comments = ticket.comments.select_related("author")
    if not see_internal:
        comments = comments.filter(is_internal=False)
    events: list[Event] = []
    if not portal:
        events_qs = Event.objects.filter(ticket=ticket).select_related("actor").order_by("id")
        if not see_internal:
            events_qs = events_qs.exclude(action="commented", data__is_internal=True)
        events = list(events_qs)
    return TicketPage(
        ticket=ticket,
        comments=list(comments),
        attachments=list(ticket.attachments.select_related("uploaded_by")),
        assignees=[a.user for a in ticket.assignments.select_related("user")],
        tags=list(ticket.tags.all()),
        events=events,
        can_see_internal=see_internal,
        following=ticket.follows.filter(user=actor).exists(),
    )


def assignable_members(project: Project) -> list:
    """Members whose role may be assigned (``be_assigned``), for the assign form."""
    rows = Membership.objects.filter(project=project).select_related("user", "role")
    return [m.user for m in rows if "be_assigned" in (m.role.permissions or [])]


def attachment_for_download(*, actor, attachment_id) -> Attachment:
    """The attachment if its ticket is visible to the actor, else one NotFound."""
    from tessera.core.common.errors import NotFound

    pk = _int(attachment_id)
    attachment = Attachment.objects.filter(pk=pk).first() if pk is not None else None
    if attachment is None:
        raise NotFound("File not found")
    access_ticket(actor=actor, ticket_id=attachment.ticket_id)
    return attachment


# --- kanban board ----------------------------------------------------------------------


# A column shows this many cards at first, more on request, at most the maximum: a
# project of 125,000 cards rendered whole took seconds (and its ids overflowed a query's
# parameters); the count in a column's header is always the whole column's.
BOARD_CARDS = 50
BOARD_CARDS_MAX = 200


@dataclass
class BoardColumnView:
    column: object
    cards: list[Ticket]
    count: int = 0  # every card of the column the actor sees, not only those shown

    @property
    def hidden(self) -> int:
        return max(0, self.count - len(self.cards))

    @property
    def over_limit(self) -> bool:
        limit = self.column.wip_limit
        return bool(limit) and self.count > limit


def _board_tickets(actor, project: Project) -> QuerySet[Ticket]:
    return tickets_visible_to(actor).filter(project=project, column__isnull=False)


def board(*, actor, project: Project, limit: int = BOARD_CARDS) -> list[BoardColumnView]:
    """The project's columns, each with its first ``limit`` cards by rank and its count:
    one query per column for its cards' ids (an index walk, whatever the column holds),
    one for the counts, three for the cards' rows."""
    from tessera.core.projects.selectors import columns_of

    limit = max(1, min(limit, BOARD_CARDS_MAX))
    columns = list(columns_of(project.pk).select_related("state").order_by("order", "id"))
    base = _board_tickets(actor, project).order_by("rank", "id")
    shown = {
        c.pk: list(base.filter(column_id=c.pk).values_list("pk", flat=True)[:limit])
        for c in columns
    }
    ids = [pk for column_ids in shown.values() for pk in column_ids]
    cards = {t.pk: t for t in with_rows(Ticket.objects.filter(pk__in=ids))} if ids else {}
    counts = column_counts(actor=actor, project=project)
    return [
        BoardColumnView(
            column=c,
            cards=[cards[pk] for pk in shown[c.pk] if pk in cards],
            count=counts.get(c.pk, 0),
        )
        for c in columns
    ]


def column_counts(*, actor, project: Project) -> dict[int, int]:
    """Cards per column the actor sees (columns without any left out), from the kept
    per-group counts when the actor sees the whole project."""
    counts = ticket_counts_by(_board_tickets(actor, project), ("column_id",))
    return {column_id: n for (column_id,), n in counts.items()}


def rank_between(*, project: Project, column_id: int, before_id, after_id) -> float:
    """A rank placing a card after ``before_id`` and before ``after_id`` in the column."""
    ids = [i for i in (_int(before_id), _int(after_id)) if i is not None]
    ranks = dict(Ticket.objects.filter(project=project, pk__in=ids).values_list("pk", "rank"))
    before = ranks.get(_int(before_id)) if before_id else None
    after = ranks.get(_int(after_id)) if after_id else None
    if before is not None and after is not None:
        return (before + after) / 2
    if before is not None:
        return before + 1024
    if after is not None:
        return after - 1024
    top = Ticket.objects.filter(project=project, column_id=column_id).aggregate(m=Max("rank"))["m"]
    return (top or 0) + 1024
