"""Reads of the workshop: tickets with their context, derived session timers, inventory,
the XP ledger, the leaderboard and technician analytics. Every list loads its relations in
a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum

from tessera.core.audit.models import Event
from tessera.core.common import clock
from tessera.core.common.errors import Forbidden, NotFound
from tessera.core.common.ids import MAX_ID
from tessera.core.common.prepared import Prepared
from tessera.core.projects import permissions
from tessera.core.tickets import policy
from tessera.core.tickets.models import Ticket
from tessera.core.tickets.selectors import (
    access_ticket,
    in_states_keyed,
    tickets_visible_to,
)

from . import conf, ticket_rows, timer
from .models import (
    InventoryItem,
    PartSpec,
    SessionState,
    TicketMetrics,
    WorkSession,
    WorkSessionEvent,
    XpTransaction,
)
from .ticket_rows import ROW_COLUMNS, SessionRow

TEMPLATE = "workshop"


def _id(value: Any, message: str) -> int:
    """A database id from a path or query value, or one ``NotFound`` (no overflow errors)."""
    try:
        pk = int(value)
    except (TypeError, ValueError):
        raise NotFound(message)
    if not 0 < pk <= MAX_ID:
        raise NotFound(message)
    return pk


TRANSITION_ACTIONS = ("created", "status_changed")


def workshop_project_ids(actor, perm: str = "view_ticket") -> list[int] | None:
    """Workshop projects where ``actor`` holds ``perm``; None means all (superuser)."""
    return permissions.projects_with_perm(actor, perm, template=TEMPLATE)


def require_workshop_role(actor, perm: str = "view_ticket") -> list[int] | None:
    """Refuse (403) an actor holding ``perm`` in no workshop project."""
    ids = workshop_project_ids(actor, perm)
    if ids is not None and not ids:
        raise Forbidden("You do not have permission to perform this action.")
    return ids


# --- tickets -----------------------------------------------------------------------------


# What a workshop ticket is read with, besides its project and state.
TICKET_JOINS = (
    "created_by",
    "workshop",
    "workshop__inventory_item",
    "workshop__technician",
    "workshop__approved_by",
)


def _ticket_queryset(qs: QuerySet[Ticket]) -> QuerySet[Ticket]:
    # Every ticket of a workshop project came through intake and has its metrics row (the
    # blueprint refuses generic creation), so no "has metrics" join narrows the list: its
    # count is then read from the per-group counts (tickets.counts).
    return qs.select_related("project", "state", *TICKET_JOINS)


def _with_parts_and_sessions(qs: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """For pages that read ``part_specs`` and ``work_sessions`` per ticket (the web's shop
    floor and review); API pages read rows instead (``ticket_rows_complete``)."""
    return qs.prefetch_related(
        Prefetch("part_specs", queryset=PartSpec.objects.order_by("position", "id")),
        Prefetch("work_sessions", queryset=WorkSession.objects.order_by("id")),
    )


TICKET_ORDERINGS = {
    "created_at": ("created_at", "id"),
    "-created_at": ("-created_at", "-id"),
    "updated_at": ("updated_at", "id"),
    "-updated_at": ("-updated_at", "-id"),
    "id": ("id",),
    "-id": ("-id",),
    "xp_amount": ("workshop__xp_amount", "id"),
    "-xp_amount": ("-workshop__xp_amount", "-id"),
    "total_duration": ("workshop__total_duration", "id"),
    "-total_duration": ("-workshop__total_duration", "-id"),
}


def ticket_list(
    *,
    actor,
    state: str | None = None,
    technician_id: int | None = None,
    flag_color: str | None = None,
    serial: str | None = None,
    ordering: str | None = None,
    plain: bool = False,
) -> QuerySet[Ticket]:
    """Workshop tickets the actor may see, filtered and ordered. ``plain``: no joins and no
    prefetches — count it as it is (``tickets.counts`` reads the per-group counts of a query
    without joins) and read a page of it as rows (``ticket_rows_qs``)."""
    require_workshop_role(actor)
    qs = tickets_visible_to(actor, template=TEMPLATE)
    if state:
        qs = in_states_keyed(qs, state)
    if technician_id is not None:
        qs = qs.filter(workshop__technician_id=technician_id)
    if flag_color:
        qs = qs.filter(workshop__flag_color=flag_color)
    if serial:
        qs = qs.filter(workshop__inventory_item__serial_number=serial)
    if not plain:
        qs = _with_parts_and_sessions(_ticket_queryset(qs))
    return qs.order_by(*TICKET_ORDERINGS.get(ordering or "", ("-created_at", "-id")))


def ticket_rows_qs(qs: QuerySet[Ticket]) -> QuerySet:
    """The tickets of ``qs`` as plain rows of ``ticket_rows.ROW_COLUMNS`` (joined in the
    one query, no model instances); complete a page of them with ``ticket_rows_complete``.

    Ordered by a metric (``xp_amount``, ``total_duration``), the metrics are joined as an
    inner join: every workshop ticket has its row (``_ticket_queryset``), so the rows are
    the same, and PostgreSQL may then walk the metric's index and join each ticket by its
    key, the id tie-break being the same column on both sides (1 ms at 1M). Through the
    outer join it sorted every workshop ticket (1.2 s). The count stays on ``qs``."""
    if any(str(term).lstrip("-").startswith("workshop__") for term in qs.query.order_by):
        # joined before the columns' joins: the web processes let PostgreSQL reorder joins
        # within groups of four (``DB_JOIN_COLLAPSE_LIMIT``), and the walk needs this one
        # in the first group
        qs = qs.filter(workshop__isnull=False)
    return qs.values(*ROW_COLUMNS)


def ticket_rows_complete(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Add ``part_specs`` (``ticket_rows.PART_COLUMNS`` dicts, intake order) and
    ``current_session`` (the latest session with its derived timer, or None) to a page of
    rows: one fixed query and, when a ticket has a session, one for the timers — whatever
    the page size."""
    ids = [row["id"] for row in rows]
    parts, latest = ticket_rows.part_specs_and_latest_sessions(ids)
    derived = derive_sessions(latest.values())
    for row in rows:
        session = latest.get(row["id"])
        row["part_specs"] = parts.get(row["id"], [])
        row["current_session"] = (session, derived[session.pk]) if session else None
    return rows


# The row a detail and every write's answer read, compiled once (``common.prepared``): built
# and compiled per request it was ~1.5 ms of a workshop detail's 8 (stop 25's machine).
_ROW_BY_ID = Prepared(
    lambda pk: (
        Ticket.objects.filter(project__template=TEMPLATE, pk=pk)
        .order_by("pk")
        .values_list(*ROW_COLUMNS, "company_id")[:1]
    ),
    int,
)


def access_workshop_ticket_row(*, actor, ticket_id: Any) -> dict[str, Any]:
    """``access_workshop_ticket`` as a completed row (``ticket_rows_complete``): the same
    403 without a workshop role, the same one ``NotFound`` for a ticket the actor may not
    see (``policy.can_view``, given the row's ids), the same queries."""
    require_workshop_role(actor)
    found = _ROW_BY_ID.dicts(_id(ticket_id, "Ticket not found"))
    row = found[0] if found else None
    if row is None or not policy.can_view(actor, _ticket_ids_only(row)):
        raise NotFound("Ticket not found")
    return ticket_rows_complete([row])[0]


def _ticket_ids_only(row: dict[str, Any]) -> Ticket:
    """A ticket holding only the ids ``policy.can_view`` reads (its assignee check goes
    through the instance's ``assignments``); every other field is deferred."""
    names = [f.attname for f in Ticket._meta.concrete_fields if f.attname in _CAN_VIEW_IDS]
    return Ticket.from_db(Ticket.objects.db, names, [row[name] for name in names])


_CAN_VIEW_IDS = ("id", "project_id", "created_by_id", "company_id")


def access_workshop_ticket(*, actor, ticket_id: Any) -> Ticket:
    """A workshop ticket the actor may see with its context, or one ``NotFound``. Its part
    specs and sessions are not prefetched (a rendered ticket is read as a row:
    ``access_workshop_ticket_row``)."""
    require_workshop_role(actor)
    ticket = access_ticket(
        actor=actor,
        ticket_id=_id(ticket_id, "Ticket not found"),
        template=TEMPLATE,
        joins=TICKET_JOINS,
    )
    return ticket


def ticket_transitions(*, ticket: Ticket) -> QuerySet[Event]:
    """The append-only workflow transitions: the creation (initial state) and every state
    change the core recorded for the ticket, oldest first."""
    return (
        Event.objects.filter(ticket=ticket, action__in=TRANSITION_ACTIONS)
        .select_related("actor")
        .order_by("id")
    )


def had_rework(ticket_id: int) -> bool:
    return Event.objects.filter(
        ticket_id=ticket_id, action="status_changed", new_value="REWORK"
    ).exists()


# --- work sessions -------------------------------------------------------------------------


def session_history(*, ticket: Ticket) -> QuerySet[WorkSessionEvent]:
    return (
        WorkSessionEvent.objects.filter(ticket=ticket).select_related("actor").order_by("at", "id")
    )


def _evs(rows: Iterable[tuple[str, datetime]]) -> list[timer.Ev]:
    return [timer.Ev(kind, at) for kind, at in rows]


def derive_sessions(
    sessions: Iterable[WorkSession | SessionRow], *, now: datetime | None = None
) -> dict[int, timer.Derived]:
    """Derived state/active seconds of each session at ``now`` in one query: its own events
    plus, for paused ones, the technician's other pauses that can touch the budget."""
    sessions = list(sessions)
    if not sessions:
        return {}
    now = now or clock.now()
    limit = conf.pause_limit_seconds()
    tz = conf.timezone()
    q = Q(session_id__in=[s.pk for s in sessions])
    paused = [s for s in sessions if s.state == SessionState.PAUSED]
    if paused:
        since = min(timer.local_day_bounds(s.started_at, tz)[0] for s in paused)
        q |= Q(session__technician_id__in={s.technician_id for s in paused}) & (
            Q(session__stopped_at__isnull=True) | Q(session__stopped_at__gte=since)
        )
    by_session: dict[int, list[timer.Ev]] = defaultdict(list)
    tech_of: dict[int, int] = {}
    rows = (
        WorkSessionEvent.objects.filter(q)
        .order_by("at", "id")
        .values_list("session_id", "session__technician_id", "kind", "at")
    )
    for session_id, tech_id, kind, at in rows:
        by_session[session_id].append(timer.Ev(kind, at))
        tech_of[session_id] = tech_id
    pauses_by_tech: dict[int, list[tuple[int, timer.Interval]]] = defaultdict(list)
    for session_id, evs in by_session.items():
        for interval in timer.pause_intervals(evs):
            pauses_by_tech[tech_of[session_id]].append((session_id, interval))
    out = {}
    for s in sessions:
        others = [i for sid, i in pauses_by_tech.get(s.technician_id, []) if sid != s.pk]
        out[s.pk] = timer.derive(
            by_session.get(s.pk, []), other_pauses=others, limit_seconds=limit, tz=tz, now=now
        )
    return out


def technician_pauses(*, technician_id: int, now: datetime) -> list[timer.Interval]:
    """Every pause interval of the technician that may overlap the local day of ``now``."""
    tz = conf.timezone()
    since = timer.local_day_bounds(now, tz)[0] - timedelta(days=1)
    rows = (
        WorkSessionEvent.objects.filter(session__technician_id=technician_id)
        .filter(Q(session__stopped_at__isnull=True) | Q(session__stopped_at__gte=since))
        .order_by("at", "id")
        .values_list("session_id", "kind", "at")
    )
    by_session: dict[int, list[timer.Ev]] = defaultdict(list)
    for session_id, kind, at in rows:
        by_session[session_id].append(timer.Ev(kind, at))
    return [i for evs in by_session.values() for i in timer.pause_intervals(evs)]


def current_sessions(tickets: Iterable[Ticket]) -> dict[int, tuple[WorkSession, timer.Derived]]:
    """The latest work session of each ticket (prefetched) with its derived timer."""
    latest: dict[int, WorkSession] = {}
    for t in tickets:
        sessions = list(t.work_sessions.all())
        if sessions:
            latest[t.pk] = sessions[-1]
    derived = derive_sessions(latest.values())
    return {tid: (s, derived[s.pk]) for tid, s in latest.items()}


# --- inventory -----------------------------------------------------------------------------

INVENTORY_ORDERINGS = {
    "id": ("id",),
    "-id": ("-id",),
    "serial_number": ("serial_number",),
    "-serial_number": ("-serial_number",),
    "created_at": ("created_at", "id"),
    "-created_at": ("-created_at", "-id"),
    "updated_at": ("updated_at", "id"),
    "-updated_at": ("-updated_at", "-id"),
}


def inventory_list(
    *,
    actor,
    state: str | None = None,
    serial: str | None = None,
    search: str | None = None,
    ordering: str | None = None,
) -> QuerySet[InventoryItem]:
    qs = _items_visible(actor)
    if state:
        qs = qs.filter(state=state)
    if serial:
        qs = qs.filter(serial_number=serial)
    if search:
        qs = qs.filter(Q(serial_number__icontains=search) | Q(name__icontains=search))
    return qs.order_by(*INVENTORY_ORDERINGS.get(ordering or "", ("id",)))


def _items_visible(actor) -> QuerySet[InventoryItem]:
    """Items serviced in one of the actor's workshop projects (or never serviced yet), with
    ``active_ticket_id`` — shown only when that ticket is in one of those projects.

    Serial numbers are unique across the shop, but an item only another project has worked
    on is that project's business: 404 here, like its tickets."""
    ids = require_workshop_role(actor)
    tickets = TicketMetrics.objects.filter(inventory_item=OuterRef("pk"))
    active = tickets.filter(holds_item=True)
    qs = InventoryItem.objects.select_related("created_by")
    if ids is not None:
        qs = qs.filter(Exists(tickets.filter(ticket__project_id__in=ids)) | ~Exists(tickets))
        active = active.filter(ticket__project_id__in=ids)
    return qs.annotate(active_ticket_id=Subquery(active.values("ticket_id")[:1]))


def access_inventory_item(*, actor, item_id: Any) -> InventoryItem:
    pk = _id(item_id, "Inventory item not found")
    item = _items_visible(actor).filter(pk=pk).first()
    if item is None:
        raise NotFound("Inventory item not found")
    return item


# --- XP ------------------------------------------------------------------------------------


def _xp_visible(actor) -> QuerySet[XpTransaction]:
    ids = require_workshop_role(actor)
    qs = XpTransaction.objects.all()
    if ids is not None:
        qs = qs.filter(ticket__project_id__in=ids)
    return qs


XP_ORDERINGS = {
    "at": ("created_at", "id"),
    "-at": ("-created_at", "-id"),
    "created_at": ("created_at", "id"),
    "-created_at": ("-created_at", "-id"),
    "amount": ("amount", "id"),
    "-amount": ("-amount", "-id"),
}


def xp_transactions(
    *,
    actor,
    user_id: int | None = None,
    ticket_id: int | None = None,
    kind: str | None = None,
    ordering: str | None = None,
) -> QuerySet[XpTransaction]:
    qs = _xp_visible(actor).select_related("user", "ticket", "ticket__project")
    if user_id is not None:
        qs = qs.filter(user_id=user_id)
    if ticket_id is not None:
        qs = qs.filter(ticket_id=ticket_id)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by(*XP_ORDERINGS.get(ordering or "", ("-created_at", "-id")))


def xp_leaderboard(
    *, actor, since: datetime | None = None, until: datetime | None = None
) -> QuerySet:
    """Total XP per user, highest first (ties by user id), one aggregate query."""
    qs = _xp_visible(actor).filter(user__isnull=False)
    if since is not None:
        qs = qs.filter(created_at__gte=since)
    if until is not None:
        qs = qs.filter(created_at__lt=until)
    return (
        qs.values("user_id", "user__username", "user__first_name", "user__last_name")
        .annotate(total_xp=Sum("amount"), transactions=Count("id"))
        .order_by("-total_xp", "user_id")
    )


# --- analytics -----------------------------------------------------------------------------


def technician_analytics(*, actor) -> list[dict[str, Any]]:
    """Per technician: tickets done, first-pass yield, and the medians of active and
    planned seconds over their done tickets — all computed by one SQL statement (window
    functions for the medians; SQLite ≥ 3.25 and PostgreSQL)."""
    ids = require_workshop_role(actor)
    metrics = TicketMetrics._meta.db_table
    tickets = Ticket._meta.db_table
    events = Event._meta.db_table
    users = TicketMetrics._meta.get_field("technician").related_model._meta.db_table
    params: list[Any] = []
    project_filter = ""
    if ids is not None:
        project_filter = f"AND t.project_id IN ({', '.join(['%s'] * len(ids))})"
        params.extend(ids)
    sql = f"""
        WITH done AS (
            SELECT m.technician_id AS tech,
                   m.active_seconds_at_done AS active,
                   m.total_duration AS planned,
                   CASE WHEN EXISTS (
                       SELECT 1 FROM {events} e
                       WHERE e.ticket_id = m.ticket_id AND e.action = 'status_changed'
                         AND e.new_value = 'REWORK'
                   ) THEN 0 ELSE 1 END AS first_pass
            FROM {metrics} m JOIN {tickets} t ON t.id = m.ticket_id
            WHERE m.done_at IS NOT NULL AND m.technician_id IS NOT NULL {project_filter}
        ),
        ranked_active AS (
            SELECT tech, active AS v,
                   ROW_NUMBER() OVER (PARTITION BY tech ORDER BY active) AS rn,
                   COUNT(*) OVER (PARTITION BY tech) AS n
            FROM done WHERE active IS NOT NULL
        ),
        ranked_planned AS (
            SELECT tech, planned AS v,
                   ROW_NUMBER() OVER (PARTITION BY tech ORDER BY planned) AS rn,
                   COUNT(*) OVER (PARTITION BY tech) AS n
            FROM done
        ),
        med_active AS (
            SELECT tech, AVG(v * 1.0) AS median FROM ranked_active
            WHERE rn IN ((n + 1) / 2, (n + 2) / 2) GROUP BY tech
        ),
        med_planned AS (
            SELECT tech, AVG(v * 1.0) AS median FROM ranked_planned
            WHERE rn IN ((n + 1) / 2, (n + 2) / 2) GROUP BY tech
        ),
        totals AS (
            SELECT tech, COUNT(*) AS done_count, SUM(first_pass) AS first_pass_count,
                   SUM(CASE WHEN active IS NOT NULL AND active <= planned THEN 1 ELSE 0 END)
                       AS within_plan
            FROM done GROUP BY tech
        )
        SELECT u.id, u.username, u.first_name, u.last_name, totals.done_count,
               totals.first_pass_count, totals.within_plan, med_active.median,
               med_planned.median
        FROM totals
        JOIN {users} u ON u.id = totals.tech
        LEFT JOIN med_active ON med_active.tech = totals.tech
        LEFT JOIN med_planned ON med_planned.tech = totals.tech
        ORDER BY totals.done_count DESC, u.id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    out = []
    for uid, username, first, last, done, first_pass, within, med_active, med_planned in rows:
        done = int(done)
        out.append(
            {
                "technician": {
                    "id": uid,
                    "username": username,
                    "full_name": f"{first} {last}".strip() or username,
                },
                "tickets_done": done,
                "first_pass_count": int(first_pass or 0),
                "first_pass_yield": round(int(first_pass or 0) / done, 4) if done else None,
                "tickets_within_plan": int(within or 0),
                "median_active_seconds": None if med_active is None else float(med_active),
                "median_planned_seconds": None if med_planned is None else float(med_planned),
            }
        )
    return out


def intake_project(*, actor, project_id: Any = None):
    """The workshop project an intake goes to: the given one, or the actor's only one."""
    from tessera.core.common.errors import ValidationFailed
    from tessera.core.projects.models import Project

    ids = require_workshop_role(actor, "add_ticket")
    qs = Project.objects.filter(template=TEMPLATE).order_by("id")
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    if project_id not in (None, ""):
        try:
            pk = _id(project_id, "")
        except NotFound:
            pk = None
        project = qs.filter(pk=pk).first() if pk is not None else None
        if project is None:
            raise ValidationFailed(
                "Project", fields={"project_id": ["Not a workshop project you may add tickets to."]}
            )
        return project
    projects = list(qs[:2])
    if len(projects) == 1:
        return projects[0]
    message = "No workshop project exists." if not projects else "Choose a project (project_id)."
    raise ValidationFailed("Project", fields={"project_id": [message]})


def user_by_id(user_id: int):
    """A user by id or None (the assign service refuses None as not a technician)."""
    from tessera.core.accounts.models import User

    return User.objects.filter(pk=user_id).first()
