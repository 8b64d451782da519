"""Reads of the service desk: visible tickets with their relations, the named lists
(mine, unassigned, overdue), statistics by aggregate queries, comments, attachments,
history and the CSV rows of an export."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.db import models
from django.db.models import (
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Cast

from tessera.core.audit.models import Event
from tessera.core.common import clock
from tessera.core.common.prepared import Prepared
from tessera.core.common.rows import row_of
from tessera.core.projects import permissions
from tessera.core.projects.blueprints import get_blueprint
from tessera.core.projects.models import TERMINAL_CATEGORIES, Project, WorkflowState
from tessera.core.tickets.counts import comment_count, resolution_time_mean, ticket_counts_by
from tessera.core.tickets.models import Attachment, Category, Comment, Ticket, TicketAssignment
from tessera.core.tickets.page_relations import assignees_and_tag_names
from tessera.core.tickets.selectors import open_state_q, tickets_visible_to

TEMPLATE = "servicedesk"
BLUEPRINT = get_blueprint(TEMPLATE)
STATUSES: list[str] = [s.key for s in BLUEPRINT.states]
PRIORITIES: dict[int, str] = {v: k for v, (k, _label) in BLUEPRINT.priorities.items()}

# Audit actions a service-desk ticket's history can show (docs/surfaces/servicedesk.md).
HISTORY_ACTIONS = [
    "created",
    "updated",
    "status_changed",
    "assigned",
    "commented",
    "attachment_added",
    "deleted",
    "sla_breached",
]


def servicedesk_projects(actor, perm: str) -> list[Project]:
    """The actor's service-desk projects in which it holds ``perm`` (by id)."""
    ids = permissions.projects_with_perm(actor, perm, template=TEMPLATE)
    qs = Project.objects.filter(template=TEMPLATE).order_by("id")
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return list(qs)


# ---- tickets ---------------------------------------------------------------------------


def overdue_q(now: datetime | None = None) -> Q:
    """Overdue: a due date in the past and a status that is not resolved or closed. Named
    by the states' ids, not a join on their category, so that a count reads the
    ``(state, due_date)`` index alone: a range per open state (35-55 ms for 150,000
    overdue tickets at 1M, against 170-300 ms through the join)."""
    return Q(due_date__lt=now or clock.now()) & open_state_q()


def assigned_to_q(user_id: int) -> Q:
    return Q(Exists(TicketAssignment.objects.filter(ticket=OuterRef("pk"), user_id=user_id)))


def unassigned_q() -> Q:
    """No assignee: a column the assignments' triggers keep, so the per-group counts
    answer how many (``tickets.counts``)."""
    return Q(assignee_count=0)


def tickets_for(actor) -> QuerySet[Ticket]:
    """Service-desk tickets the actor may see (nothing without a service-desk role)."""
    return tickets_visible_to(actor, template=TEMPLATE)


def with_relations(qs: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """Every relation a ticket's list row reads, in a fixed number of queries (the models
    a write service is given; pages and the detail read rows)."""
    return qs.select_related(
        "project", "state", "category", "customer", "created_by"
    ).prefetch_related(
        Prefetch("assignments", queryset=TicketAssignment.objects.select_related("user")),
        "tags",
    )


# The columns a list row shows (``values()`` names); nothing else is read for a page.
ROW_COLUMNS = (
    "id",
    "project_id",
    "project__key",
    "project__template",
    "number",
    "title",
    "description",
    "state__key",
    "state__name",
    "state__category",
    "priority",
    "category__slug",
    "category__name",
    "customer_id",
    "customer__name",
    "created_by_id",
    "created_by__username",
    "created_by__first_name",
    "created_by__last_name",
    "created_at",
    "updated_at",
    "resolved_at",
    "closed_at",
    "first_response_at",
    "due_date",
    "estimated_hours",
    "actual_hours",
    "version",
)


def ticket_rows_qs(qs: QuerySet[Ticket]) -> QuerySet:
    """The tickets of ``qs`` as plain rows of ``ROW_COLUMNS`` (joined in the one query, no
    model instances); complete a page of them with ``ticket_rows_complete``."""
    return qs.values(*ROW_COLUMNS)


# The assignee a row shows (``assignee``): the list reads the names, the detail all of them.
ASSIGNEE_COLUMNS = ("id", "username", "email", "first_name", "last_name")


def ticket_rows_complete(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Add ``assignee`` (the earliest assignment: a dict of ``ASSIGNEE_COLUMNS`` or None)
    and ``tag_names`` (sorted like ``Tag.Meta.ordering``) to a page of rows — one query
    whatever the page size."""
    ids = [row["id"] for row in rows]
    assignees, tag_names = assignees_and_tag_names(ids, *ASSIGNEE_COLUMNS)
    for row in rows:
        row["assignee"] = next(iter(assignees.get(row["id"], ())), None)
        row["tag_names"] = tag_names.get(row["id"], [])
    return rows


def _user_columns(user) -> dict[str, Any] | None:
    return row_of(user, ASSIGNEE_COLUMNS) if user is not None else None


def ticket_row(ticket: Ticket) -> dict[str, Any]:
    """One ticket (with ``with_relations``' joins and prefetches) as the same row."""
    return {
        **row_of(ticket, ROW_COLUMNS),
        "assignee": _user_columns(assigned_user(ticket)),
        "tag_names": [t.name for t in ticket.tags.all()],
    }


# ---- the detail: one ticket and what hangs off it, as rows ------------------------------

# What ``ticket_detail_row`` needs joined to the ticket it is given.
DETAIL_JOINS = ("project", "state", "category", "customer", "created_by")

COMMENT_COLUMNS = (
    "id",
    "ticket_id",
    "author_id",
    "author__username",
    "author__first_name",
    "author__last_name",
    "body",
    "is_internal",
    "created_at",
    "updated_at",
)
ATTACHMENT_COLUMNS = (
    "id",
    "ticket_id",
    "filename",
    "file_size",
    "content_type",
    "description",
    "uploaded_by_id",
    "uploaded_by__username",
    "uploaded_by__first_name",
    "uploaded_by__last_name",
    "uploaded_at",
)
EVENT_COLUMNS = (
    "id",
    "ticket_id",
    "ticket_ref",
    "actor_id",
    "actor__username",
    "actor__first_name",
    "actor__last_name",
    "action",
    "field",
    "old_value",
    "new_value",
    "created_at",
)
CUSTOMER_COLUMNS = ("id", "name", "email", "phone", "company", "created_at", "updated_at")


def comment_row(comment: Comment) -> dict[str, Any]:
    """A comment (``author`` joined) as a row of ``COMMENT_COLUMNS``."""
    return row_of(comment, COMMENT_COLUMNS)


def attachment_row(attachment: Attachment) -> dict[str, Any]:
    """An attachment (``uploaded_by`` joined) as a row of ``ATTACHMENT_COLUMNS``."""
    return row_of(attachment, ATTACHMENT_COLUMNS)


def event_row(event: Event) -> dict[str, Any]:
    """An audit event (``actor`` joined) as a row of ``EVENT_COLUMNS``."""
    return row_of(event, EVENT_COLUMNS)


def ticket_detail_row(ticket: Ticket, *, show_internal: bool) -> dict[str, Any]:
    """Everything the detail shows of a ticket loaded with ``DETAIL_JOINS``: its list row
    (``ticket_rows_complete``), ``customer`` (``CUSTOMER_COLUMNS`` or None), ``created_by``
    (``ASSIGNEE_COLUMNS`` or None), and ``comments`` (internal notes only with
    ``show_internal``), ``attachments`` and ``history`` as rows, oldest first — with its
    ``assignee`` and ``tag_names`` (as ``ticket_rows_complete`` gives them) one query, no
    model instance per comment, attachment or event."""
    row = row_of(ticket, ROW_COLUMNS)
    customer = ticket.customer
    row["customer"] = row_of(customer, CUSTOMER_COLUMNS) if customer is not None else None
    row["created_by"] = _user_columns(ticket.created_by)
    row.update(_detail_relations(ticket.pk, show_internal=show_internal))
    return row


# What hangs off a ticket's detail in one read, compiled once (``common.prepared``): its
# assignments, tags, comments, attachments and history as the parts of one ``UNION ALL``,
# each row tagged with its part and its columns laid out in shared slots. Five reads were
# five round trips and statements of the seven a detail made (docs/performance.md,
# "Eighteenth round").
_PARTS = ("assignee", "tags", "comments", "attachments", "history")
_SLOTS: dict[str, models.Field] = {
    "r_part": models.IntegerField(),
    "r_id": models.BigIntegerField(),
    "r_ticket": models.BigIntegerField(),
    "r_user": models.BigIntegerField(),
    "r_username": models.CharField(),
    "r_first": models.CharField(),
    "r_last": models.CharField(),
    "r_when": models.DateTimeField(),
    "r_when2": models.DateTimeField(),
    "r_text1": models.TextField(),
    "r_text2": models.TextField(),
    "r_str1": models.CharField(),
    "r_str2": models.CharField(),
    "r_str3": models.CharField(),
    "r_int": models.BigIntegerField(),
    "r_bool": models.BooleanField(),
    # the part's order before its id (history: id alone; tags: by name)
    "r_sort": models.DateTimeField(),
    "r_sort_text": models.CharField(),
}
_USER_SLOTS = {"r_username": "username", "r_first": "first_name", "r_last": "last_name"}
# Each part's columns, in the order of its ``*_COLUMNS``, by slot.
_PART_SLOTS: dict[str, dict[str, str]] = {
    "assignee": {
        "id": "r_user",
        "username": "r_username",
        "email": "r_str1",
        "first_name": "r_first",
        "last_name": "r_last",
    },
    "tags": {"name": "r_str1"},
    "comments": {
        "id": "r_id",
        "ticket_id": "r_ticket",
        "author_id": "r_user",
        **{f"author__{col}": slot for slot, col in _USER_SLOTS.items()},
        "body": "r_text1",
        "is_internal": "r_bool",
        "created_at": "r_when",
        "updated_at": "r_when2",
    },
    "attachments": {
        "id": "r_id",
        "ticket_id": "r_ticket",
        "filename": "r_str1",
        "file_size": "r_int",
        "content_type": "r_str2",
        "description": "r_text1",
        "uploaded_by_id": "r_user",
        **{f"uploaded_by__{col}": slot for slot, col in _USER_SLOTS.items()},
        "uploaded_at": "r_when",
    },
    "history": {
        "id": "r_id",
        "ticket_id": "r_ticket",
        "ticket_ref": "r_str1",
        "actor_id": "r_user",
        **{f"actor__{col}": slot for slot, col in _USER_SLOTS.items()},
        "action": "r_str2",
        "field": "r_str3",
        "old_value": "r_text1",
        "new_value": "r_text2",
        "created_at": "r_when",
    },
}
# Each part's own order: a time, a text, then the slot ``r_id`` (the row's id, a tag's id).
_SORT = {
    "assignee": ("assigned_at", None, "id"),
    "tags": (None, "tag__name", "tag_id"),
    "comments": ("created_at", None, "id"),
    "attachments": ("uploaded_at", None, "id"),
    "history": (None, None, "id"),
}
_PART_COLUMNS = {
    "assignee": ASSIGNEE_COLUMNS,
    "tags": ("name",),
    "comments": COMMENT_COLUMNS,
    "attachments": ATTACHMENT_COLUMNS,
    "history": EVENT_COLUMNS,
}
# For each part, (name, index of its slot in a row) in the order of its ``*_COLUMNS``.
_SLOT_NAMES = tuple(_SLOTS)
_PART_READ = {
    part: [(name, _SLOT_NAMES.index(_PART_SLOTS[part][name])) for name in columns]
    for part, columns in _PART_COLUMNS.items()
}


def _part_rows(part: str, queryset: QuerySet, prefix: str = "") -> QuerySet:
    """One part of the union: ``queryset``'s rows laid out in ``_SLOTS`` (its columns
    read through the relation ``prefix`` names, if any)."""
    filled = {slot: F(prefix + name) for name, slot in _PART_SLOTS[part].items()}
    when, text, pk = _SORT[part]
    if when:
        filled["r_sort"] = F(when)
    if text:
        filled["r_sort_text"] = F(text)
    filled["r_id"] = F(pk)
    filled["r_part"] = Value(_PARTS.index(part))
    # a slot the part leaves empty is a NULL of the slot's type (an untyped NULL in two
    # parts would be text to PostgreSQL, which a third part's number could not join)
    slots = {
        slot: ExpressionWrapper(filled[slot], output_field=field)
        if slot in filled
        else Cast(Value(None), output_field=field)
        for slot, field in _SLOTS.items()
    }
    return queryset.order_by().annotate(**slots).values_list(*_SLOTS)


def _lists_read(*, public_only: bool) -> Prepared:
    def build(tid: int):
        comments = Comment.objects.filter(ticket_id=tid)
        if public_only:
            comments = comments.filter(is_internal=False)
        assignments = TicketAssignment.objects.filter(ticket_id=tid)
        tags = Ticket.tags.through.objects.filter(ticket_id=tid)
        return (
            _part_rows("assignee", assignments, prefix="user__")
            .union(
                _part_rows("tags", tags, prefix="tag__"),
                _part_rows("comments", comments),
                _part_rows("attachments", Attachment.objects.filter(ticket_id=tid)),
                _part_rows("history", Event.objects.filter(ticket_id=tid)),
                all=True,
            )
            .order_by("r_part", "r_sort", "r_sort_text", "r_id")
        )

    return Prepared(build, int)


_ALL_LISTS = _lists_read(public_only=False)
_PUBLIC_LISTS = _lists_read(public_only=True)


def _detail_relations(ticket_id: int, *, show_internal: bool) -> dict[str, Any]:
    """A ticket's ``assignee`` (the first assigned, ``ASSIGNEE_COLUMNS``, or None) and
    ``tag_names`` (sorted) as ``ticket_rows_complete`` gives them, and its ``comments``
    (internal notes only with ``show_internal``; oldest first), ``attachments`` (oldest
    first) and ``history`` (in event order) as rows of ``COMMENT_COLUMNS``,
    ``ATTACHMENT_COLUMNS`` and ``EVENT_COLUMNS``: one query."""
    found: dict[str, list[dict[str, Any]]] = {part: [] for part in _PARTS}
    read = _ALL_LISTS if show_internal else _PUBLIC_LISTS
    for row in read.rows(ticket_id):
        part = _PARTS[row[0]]
        found[part].append({name: row[i] for name, i in _PART_READ[part]})
    assignees = found.pop("assignee")
    return {
        "assignee": assignees[0] if assignees else None,
        "tag_names": [tag["name"] for tag in found.pop("tags")],
        **found,
    }


def row_metrics(row: dict[str, Any], now: datetime) -> dict[str, Any]:
    """``ticket_metrics`` of a row."""
    terminal = row["state__category"] in TERMINAL_CATEGORIES
    due = row["due_date"]
    return {
        "response_time_hours": _hours(row["created_at"], row["first_response_at"]),
        "resolution_time_hours": _hours(row["created_at"], row["resolved_at"]),
        "is_overdue": bool(due and due < now and not terminal),
    }


def categories_for(actor) -> QuerySet[Category]:
    """Shared categories plus those of the actor's service-desk projects."""
    ids = [p.pk for p in servicedesk_projects(actor, "view_ticket")]
    if actor.is_superuser:
        return Category.objects.filter(Q(project__isnull=True) | Q(project__template=TEMPLATE))
    return Category.objects.filter(Q(project__isnull=True) | Q(project_id__in=ids))


def category_for_project(project: Project, slug: str) -> Category | None:
    """The project's own category with this slug, else the shared one."""
    found = list(
        Category.objects.filter(
            Q(project=project) | Q(project__isnull=True), slug=slug, is_active=True
        )
    )
    found.sort(key=lambda c: c.project_id is None)
    return found[0] if found else None


def ticket_statistics(*, actor, qs: QuerySet[Ticket]) -> dict[str, Any]:
    """Counts by status, priority and category plus overdue/unassigned/mine and the mean
    resolution time, in a fixed number of queries whatever the number of tickets. The
    counts by status, priority, category and assignee and the mean resolution time come
    from the per-group counts (``tickets.counts``, one GROUP BY over the tickets when the
    list is narrowed by something else, a search say), overdue from the (state, due date)
    index, "mine" from the user's assignments."""
    base = qs.order_by()
    groups = ticket_counts_by(base, ("state_id", "priority", "category_id", "assignee_count"))
    state_keys = dict(
        WorkflowState.objects.filter(pk__in={g[0] for g in groups}).values_list("pk", "key")
    )
    category_slugs = dict(
        Category.objects.filter(pk__in={g[2] for g in groups} - {None}).values_list("pk", "slug")
    )
    by_status = dict.fromkeys(STATUSES, 0)
    by_priority = {name: 0 for name in PRIORITIES.values()}
    by_category = dict.fromkeys(
        categories_for(actor)
        .filter(is_active=True)
        .order_by("slug")
        .values_list("slug", flat=True),
        0,
    )
    unassigned = 0
    for (state_id, priority, category_id, assignees), n in groups.items():
        key = state_keys[state_id]
        by_status[key] = by_status.get(key, 0) + n
        name = PRIORITIES.get(priority, str(priority))
        by_priority[name] = by_priority.get(name, 0) + n
        slug = category_slugs.get(category_id, "uncategorized")
        by_category[slug] = by_category.get(slug, 0) + n
        if not assignees:
            unassigned += n
    mean = resolution_time_mean(base)
    return {
        "total_tickets": sum(groups.values()),
        "by_status": by_status,
        "by_priority": by_priority,
        "by_category": by_category,
        "overdue_count": base.filter(overdue_q()).count(),
        "unassigned_count": unassigned,
        "my_tickets_count": base.filter(assigned_to_q(actor.pk)).count(),
        "avg_resolution_time_hours": round(mean.total_seconds() / 3600, 2)
        if mean is not None
        else None,
    }


# ---- metrics of one ticket -------------------------------------------------------------


def _hours(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return round((end - start).total_seconds() / 3600, 2)


def ticket_metrics(ticket: Ticket, now: datetime | None = None) -> dict[str, Any]:
    """First response time, resolution time (hours) and the overdue flag; no queries."""
    now = now or clock.now()
    terminal = ticket.state.category in TERMINAL_CATEGORIES
    return {
        "response_time_hours": _hours(ticket.created_at, ticket.first_response_at),
        "resolution_time_hours": _hours(ticket.created_at, ticket.resolved_at),
        "is_overdue": bool(ticket.due_date and ticket.due_date < now and not terminal),
    }


def assigned_user(ticket: Ticket):
    """The service desk shows one assignee: the earliest assignment (prefetched)."""
    assignments = list(ticket.assignments.all())
    return assignments[0].user if assignments else None


def tags_text(ticket: Ticket) -> str:
    return ", ".join(t.name for t in ticket.tags.all())


# ---- comments, attachments, history ----------------------------------------------------


def _internal_project_ids(actor) -> list[int] | None:
    if actor.is_superuser:
        return None
    return [
        pid
        for pid, a in permissions.memberships(actor).items()
        if "comment_internal" in a.permissions or "view_all_tickets" in a.permissions
    ]


def comments_for(actor) -> QuerySet[Comment]:
    """Comments on visible tickets; internal notes only where the role may see them."""
    qs = Comment.objects.filter(ticket__in=tickets_for(actor).values("pk"))
    internal = _internal_project_ids(actor)
    if internal is not None:
        qs = qs.filter(Q(is_internal=False) | Q(ticket__project_id__in=internal))
    return qs.select_related("author", "ticket").order_by("created_at", "id")


def comment_count_for(actor, *, is_internal: bool | None = None) -> int:
    """How many comments ``comments_for(actor)`` lists (only internal notes, or only public
    comments, with ``is_internal``): from the groups' kept comment counts when the actor
    sees whole projects, else counted."""
    qs = comments_for(actor)
    if is_internal is not None:
        qs = qs.filter(is_internal=is_internal)
    internal = _internal_project_ids(actor)
    return comment_count(
        tickets_for(actor),
        qs,
        public=is_internal is not True,
        internal=is_internal is not False and (True if internal is None else internal),
    )


def attachments_for(actor) -> QuerySet[Attachment]:
    return (
        Attachment.objects.filter(ticket__in=tickets_for(actor).values("pk"))
        .select_related("uploaded_by", "ticket")
        .order_by("uploaded_at", "id")
    )


def history_for(actor) -> QuerySet[Event]:
    """Events of visible tickets, plus ``deleted`` events of projects whose tickets the
    actor sees in full (the ticket row is gone; ``ticket_ref`` names it).

    A project seen in full is named by its id, not by its tickets: ``ticket IN (every
    visible ticket)`` OR'd with another condition cannot be a join, and PostgreSQL then
    checked each of 3.8 million events against 250,000 ticket ids one by one (more than
    27 minutes at 1M tickets). Only the tickets of projects seen in part (a customer's
    own, say) are listed."""
    full = [p.pk for p in servicedesk_projects(actor, "view_all_tickets")]
    q = Q(project_id__in=full) & (Q(ticket__isnull=False) | Q(action="deleted"))
    seen_in_part = not actor.is_superuser and any(
        a.template == TEMPLATE and "view_all_tickets" not in a.permissions
        for a in permissions.memberships(actor).values()
    )
    if seen_in_part:
        q |= Q(ticket__in=tickets_for(actor).exclude(project_id__in=full).values("pk"))
    return Event.objects.filter(q).select_related("actor").order_by("id")


# ---- CSV export ------------------------------------------------------------------------

CSV_HEADER = [
    "id",
    "ticket_number",
    "subject",
    "status",
    "priority",
    "category",
    "customer",
    "assigned_to",
    "created_by",
    "created_at",
    "updated_at",
    "due_date",
    "resolved_at",
    "closed_at",
    "estimated_hours",
    "actual_hours",
    "tags",
    "is_overdue",
]


def _iso(value: datetime | None) -> str:
    return value.isoformat() if value is not None else ""


def ticket_csv_rows(qs: QuerySet[Ticket], *, chunk_size: int = 500) -> Iterator[list[str]]:
    """The header, then one row per ticket, read in chunks (a fixed number of queries per
    chunk), so an export of any size streams in constant memory."""
    yield CSV_HEADER
    now = clock.now()
    for t in with_relations(qs).iterator(chunk_size=chunk_size):
        user = assigned_user(t)
        yield [
            str(t.pk),
            t.display_number,
            t.title,
            t.state.key,
            PRIORITIES.get(t.priority, str(t.priority)),
            t.category.slug if t.category else "",
            t.customer.name if t.customer else "",
            user.username if user else "",
            t.created_by.username if t.created_by else "",
            _iso(t.created_at),
            _iso(t.updated_at),
            _iso(t.due_date),
            _iso(t.resolved_at),
            _iso(t.closed_at),
            "" if t.estimated_hours is None else str(t.estimated_hours),
            "" if t.actual_hours is None else str(t.actual_hours),
            tags_text(t),
            "true" if ticket_metrics(t, now)["is_overdue"] else "false",
        ]
