"""Reads of tickets: visibility, one way to load by id, search."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection, connections
from django.db.models import BooleanField, IntegerField, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.query import ValuesIterable
from django.db.models.sql.where import WhereNode
from django.utils import timezone

from tessera.core.common.errors import NotFound
from tessera.core.common.ids import MAX_ID
from tessera.core.common.prepared import Prepared
from tessera.core.projects import permissions

from . import policy
from .models import Ticket
from .page_relations import assignees_and_tag_names

NUMBER_RE = re.compile(r"^#?(?:[A-Za-z]+-)?0*(\d{1,12})$")
DISPLAY_NUMBER_RE = re.compile(r"^([A-Za-z][A-Za-z0-9]*)-0*(\d{1,18})$")


def visibility_q(actor, *, template: str | None = None) -> Q | None:
    """A filter for the tickets ``actor`` may see; None means no restriction (superuser).

    Built from the cached memberships: whole projects where the role views all tickets,
    the actor's own tickets where it views its own, company tickets where it views the
    company's, and tickets assigned to the actor in any member project.
    """
    if actor.is_superuser:
        return None
    access = permissions.memberships(actor)
    all_ids, own_ids, company_ids, member_ids = [], [], [], []
    for pid, a in access.items():
        member_ids.append(pid)
        if "view_all_tickets" in a.permissions:
            all_ids.append(pid)
            continue
        if "view_own_ticket" in a.permissions or "view_company_tickets" in a.permissions:
            own_ids.append(pid)
        if "view_company_tickets" in a.permissions:
            company_ids.append(pid)
    q = Q(pk__in=[])
    if all_ids:
        q |= Q(project_id__in=all_ids)
    if own_ids:
        q |= Q(project_id__in=own_ids, created_by_id=actor.pk)
    if company_ids:
        companies = policy._company_ids(actor)
        if companies:
            q |= Q(project_id__in=company_ids, company_id__in=companies)
            users = policy._company_user_ids(actor)
            if users:
                q |= Q(project_id__in=company_ids, company__isnull=True, created_by_id__in=users)
    rest = [pid for pid in member_ids if pid not in all_ids]
    if rest:
        q |= Q(project_id__in=rest, assignments__user_id=actor.pk)
    return q


def projects_of_template(template: str) -> QuerySet:
    from tessera.core.projects.models import Project

    return Project.objects.filter(template=template).values("id")


def open_state_q() -> Q:
    """Tickets in an open state (neither done nor cancelled), named by the states' ids: no
    join of the states, so a count or a grouped read keeps to the ticket table and its
    indexes (``(state, due_date, project)`` for overdue)."""
    from tessera.core.projects.models import TERMINAL_CATEGORIES, WorkflowState

    open_states = WorkflowState.objects.exclude(category__in=TERMINAL_CATEGORIES)
    return Q(state_id__in=open_states.values("pk"))


def in_states_keyed(qs: QuerySet[Ticket], *keys: str) -> QuerySet[Ticket]:
    """Tickets of ``qs`` whose state has one of ``keys``: a subquery on the small states
    table rather than a join, so a list's count can come from ``counts.ticket_count``.
    (State keys repeat across projects; a ticket's state is always its project's own.)"""
    from tessera.core.projects.models import WorkflowState

    return qs.filter(state_id__in_array=WorkflowState.objects.filter(key__in=keys).values("id"))


def created_on_days(
    qs: QuerySet[Ticket], *, first: date | None = None, last: date | None = None
) -> QuerySet[Ticket]:
    """Tickets of ``qs`` created on ``first`` or later and on ``last`` or earlier, days in
    the current time zone (as ``created_at__date`` reads them), as a range of creation
    times: an index on ``created_at`` answers it. ``created_at__date__lte`` cast each row's
    time to a date: a list of the tickets before a day walked every newer ticket first
    (0.4 s at 1M)."""
    zone = timezone.get_current_timezone()
    # the first and the last day there is bound nothing (and would overflow in UTC)
    if first is not None and first > date.min:
        qs = qs.filter(created_at__gte=datetime.combine(first, time.min, tzinfo=zone))
    if last is not None and last < date.max:
        qs = qs.filter(
            created_at__lt=datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone)
        )
    return qs


def in_id_order(qs: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """``qs`` oldest id first: a walk of the primary key. A filter keeping few tickets
    through its own index pages with ``narrow_count_and_page`` instead, since this walk
    would skip nearly the whole table when the few matches are the newest."""
    return qs.order_by("id")


def narrow_count_and_page(
    qs: QuerySet[Ticket], *, offset: int, size: int, cap: int
) -> tuple[int, list[int]] | None:
    """``(count, ids of the page)`` of ``qs`` in id order, in one statement that reads at
    most ``cap + 1`` matches; None when more than ``cap`` match (the caller counts and
    pages the usual way). For a filter that keeps few tickets through its own index (a poll
    for recent changes): the count and the page each read every match through that index,
    and at a million tickets those 43,000 recently changed tickets cost ~10 ms per read,
    half of them checked in the table (recent changes are exactly the pages vacuum has not
    yet marked all-visible). On PostgreSQL one statement counts the matches and takes the
    page's ids by a top-N sort of them, two index-only reads: 3.8 ms at 30,000 matches
    where one aggregate sorting every id took 4.8 (docs/performance.md, "Eighteenth
    round"; the list materialised and read twice cost 14 ms where that aggregate cost 10,
    "Thirteenth round")."""
    inner = qs.order_by().values("pk")[: cap + 1]
    try:
        sql, params = inner.query.get_compiler(inner.db).as_sql()
    except EmptyResultSet:  # the actor sees no ticket at all
        return 0, []
    connection = connections[inner.db]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Two reads of the index-only matches in one statement: the count, and the
            # page by a top-N sort (the capped subquery keeps the planner from walking
            # the primary key for the page instead, past nearly every ticket).
            cursor.execute(
                f"SELECT (SELECT COUNT(*) FROM ({sql}) AS counted), "
                f"ARRAY(SELECT matches.id FROM ({sql}) AS matches(id) "
                "ORDER BY matches.id LIMIT %s OFFSET %s)",
                [*params, *params, size, min(offset, cap + 1)],
            )
            total, page = cursor.fetchone()
            ids = list(page or [])
        else:  # SQLite has no arrays: the list once, counted and paged
            cursor.execute(
                f"WITH matches(id) AS ({sql}) "
                "SELECT counted.n, page.id FROM (SELECT COUNT(*) AS n FROM matches) counted "
                "LEFT JOIN (SELECT id FROM matches ORDER BY id LIMIT %s OFFSET %s) page "
                "ON 1 = 1 ORDER BY page.id",
                [*params, size, offset],
            )
            fetched = cursor.fetchall()
            total = fetched[0][0] if fetched else 0
            ids = [pk for _, pk in fetched if pk is not None]
    if total > cap:
        return None
    return total, ids


# The projects a query of ``tickets_visible_to`` can hold tickets of, kept on the query for
# its full-text search (``ticket_search``): a tuple of ids, a blueprint's name (its
# projects, read only when a search asks), or None (any project). Plain values: a query
# stays picklable.
PROJECT_SCOPE = "tessera_project_scope"


def tickets_visible_to(actor, *, template: str | None = None) -> QuerySet[Ticket]:
    qs = Ticket.objects.all()
    if template is not None:
        # The small projects table as a list of ids, not a join: the ticket query then
        # reads only its own columns, as index-only scans and ``counts.ticket_count`` need.
        qs = qs.filter(project_id__in_array=projects_of_template(template))
    q = visibility_q(actor, template=template)
    if q is not None:
        if "assignments" in str(q):
            qs = qs.filter(pk__in=Ticket.objects.filter(q).values("pk"))
        else:
            qs = qs.filter(q)
    setattr(qs.query, PROJECT_SCOPE, _project_scope(actor, template))
    return qs


def tickets_of_template(template: str) -> QuerySet[Ticket]:
    """Every ticket of ``template``'s projects (the admin's view), its search confined to
    them (``PROJECT_SCOPE``)."""
    qs = Ticket.objects.filter(project_id__in_array=projects_of_template(template))
    setattr(qs.query, PROJECT_SCOPE, template)
    return qs


def _project_scope(actor, template: str | None):
    """What ``visibility_q`` confines ``actor`` to: the member projects (of ``template``),
    or for a superuser the template's projects (read only if a search asks) or any."""
    if actor.is_superuser:
        return template
    return tuple(
        sorted(
            pid
            for pid, access in permissions.memberships(actor).items()
            if template is None or access.template == template
        )
    )


def search_scope(qs: QuerySet[Ticket]) -> list[int] | None:
    """The project ids ``qs`` can hold tickets of (``PROJECT_SCOPE``); None: any project."""
    scope = getattr(qs.query, PROJECT_SCOPE, None)
    if isinstance(scope, str):
        return _PROJECTS_OF_TEMPLATE.rows(scope)
    return None if scope is None else list(scope)


# Every ticket list's default order: newest first, the id breaking ties.
NEWEST_FIRST = ("-created_at", "-id")
# Above this many projects a list keeps the one ordered read (one SELECT per project each
# costs planning time; docs/performance.md).
MAX_MERGED_PROJECTS = 16


_PROJECTS_OF_TEMPLATE = Prepared(
    lambda template: projects_of_template(template).order_by("pk").values_list("pk", flat=True),
    str,
)


def projects_seen_whole(actor, *, template: str) -> list[int] | None:
    """The projects of ``template`` whose every ticket ``actor`` sees, when those are the
    only projects of it where the actor sees tickets at all; None when the actor sees part
    of some project (own, company or assigned tickets) or when it cannot be told cheaply.
    A superuser's are read from the projects table (one small query)."""
    if actor is None or not actor.is_authenticated:
        return None
    if actor.is_superuser:
        return _PROJECTS_OF_TEMPLATE.rows(template)
    access = [a for a in permissions.memberships(actor).values() if a.template == template]
    if not access or any("view_all_tickets" not in a.permissions for a in access):
        return None
    return sorted(a.project_id for a in access)


# A project id no project has: compiled into a merged page's part once, then replaced by
# each project's id in that part's parameters.
_ANY_PROJECT = -9_123_456_789_012


class _NewestFirstByProject:
    """A newest-first ticket list whose slice ``[start:stop]`` is read as one newest-first
    ``SELECT ... LIMIT stop`` per project, joined by ``UNION ALL`` under one ``ORDER BY
    ... LIMIT``: PostgreSQL merges the per-project reads (Merge Append).
    Made by ``newest_first_by_project``; sliced by a paginator (count it apart)."""

    def __init__(self, rows: QuerySet, project_ids: list[int], state_key: str | None) -> None:
        self.rows = rows
        self.project_ids = project_ids
        self.state_key = state_key

    def __getitem__(self, key: slice) -> list:
        if not isinstance(key, slice) or key.stop is None or key.step is not None:
            raise TypeError("a page is a slice [start:stop]")
        start, stop = key.start or 0, key.stop
        if stop <= start:
            return []
        page = self._compiled_once(start, stop)
        if page is not None:
            return page
        first, *rest = (self._part(pid)[:stop] for pid in self.project_ids)
        return list(first.union(*rest, all=True).order_by(*NEWEST_FIRST)[start:stop])

    def _part(self, project_id: int) -> QuerySet:
        """The rows of one project. With ``state_key``: the rows' filters (the blueprint's
        projects, the actor's view of them, the state key) are the project's state alone,
        named by id: PostgreSQL walks the ``(state, -created_at)`` index for it. With the
        redundant filters kept (``= ANY`` of ids it learns only when running) it guessed
        ~27 matches at 50,000 tickets and sorted all 3,647 instead, or at 1M walked the
        project's newest tickets past every other state's (docs/performance.md,
        "Eighteenth round")."""
        if self.state_key is None:
            return self.rows.filter(project_id=project_id)
        from tessera.core.projects.models import WorkflowState

        part = self.rows.all()
        part.query.where = WhereNode()
        state = WorkflowState.objects.filter(project_id=project_id, key=self.state_key)
        return part.filter(project_id=project_id, state_id=Subquery(state.values("id")[:1]))

    def _compiled_once(self, start: int, stop: int) -> list[dict[str, Any]] | None:
        """The page as ``union()`` of the parts would read it, with the part compiled once
        and its SQL repeated with each project's id (compiling costs ~0.5 ms per part).
        None unless the rows are ``values()`` rows and the placeholder id is told apart
        from every other parameter: then the caller builds the ``union()``."""
        part = self._part(_ANY_PROJECT)[:stop]
        query = part.query
        if part._iterable_class is not ValuesIterable:
            return None
        names = list(getattr(query, "selected", None) or ()) or [
            *query.extra_select,
            *query.values_select,
            *query.annotation_select,
        ]
        compiler = query.get_compiler(part.db)
        sql, params = compiler.as_sql()
        marks = [i for i, value in enumerate(params) if value == _ANY_PROJECT]
        expected = 2 if self.state_key is not None else 1
        if len(marks) != expected or "created_at" not in names or "id" not in names:
            return None
        merged_params: list[Any] = []
        for pid in self.project_ids:
            own = list(params)
            for mark in marks:
                own[mark] = pid
            merged_params += own
        created_at, pk = names.index("created_at") + 1, names.index("id") + 1
        merged = " UNION ALL ".join([f"({sql})"] * len(self.project_ids)) + (
            f" ORDER BY {created_at} DESC, {pk} DESC LIMIT {stop - start} OFFSET {start}"
        )
        with connections[part.db].cursor() as cursor:
            cursor.execute(merged, merged_params)
            fetched = cursor.fetchall()
        rows = compiler.results_iter(results=[fetched])
        return [dict(zip(names, row, strict=True)) for row in rows]


def newest_first_by_project(
    rows: QuerySet, *, actor, template: str, spread: bool, state_key: str | None = None
) -> QuerySet | Any:
    """``rows`` (a query of tickets of ``template`` that ``actor`` sees, narrowed further or
    not, as models or ``values()`` rows holding ``id`` and ``created_at``), to be sliced
    into a page: the same rows in the same order, read one project at a time.

    PostgreSQL 15 serves ``project_id = ANY(...) ORDER BY created_at DESC, id DESC LIMIT n``
    by walking the global ``created_at`` index and dropping every other project's ticket on
    the way: a quiet surface reads past all the tickets other surfaces created since its
    own newest (3,655 rows for the workshop list after a bench round). One ``SELECT``
    per project walks ``(project, -created_at, -id)`` for at most offset + n entries each.
    SQLite refuses ``LIMIT`` inside a compound ``SELECT``: there, the embedded engine
    for small installations, ``rows`` stays one read.

    Each project's read walks its tickets until it has offset + n matches, or to the end
    of the project: a filter matching few tickets of one project (a technician's, the
    actor's own, a search) could read the whole of it, where the one ordered read would
    stop at the first 20 matches elsewhere. So ``rows`` is returned as it is unless
    ``spread`` (the caller's word that ``rows`` is narrowed by nothing but the actor's
    visibility and filters every project of the blueprint matches alike: a state key, a
    priority), it is ordered newest first, and the actor sees the whole of 2 to
    ``MAX_MERGED_PROJECTS`` projects and nothing else of ``template``
    (``projects_seen_whole``; a partial view is a narrowing filter too). Count ``rows``
    apart (the merged list has no ``count()``).

    ``state_key``: the caller's word that ``rows`` is narrowed by nothing but the actor's
    visibility and that one state key (``in_states_keyed``); each project's part then reads
    that project's state alone (``_NewestFirstByProject._part``)."""
    if (
        not spread
        or tuple(rows.query.order_by) != NEWEST_FIRST
        or not connection.features.supports_slicing_ordering_in_compound
    ):
        return rows
    project_ids = projects_seen_whole(actor, template=template)
    if project_ids is None or not 2 <= len(project_ids) <= MAX_MERGED_PROJECTS:
        return rows
    return _NewestFirstByProject(rows, project_ids, state_key)


def tickets_by_display_number(qs: QuerySet[Ticket], text: str) -> list[Ticket]:
    """Tickets of ``qs`` whose display number is ``text`` ("DEMO-12", "TKT-000001"), or
    whose ``<project key>-<number>`` is; case-insensitive, oldest project first.

    A number format without ``{key}`` (the service desk's ``TKT-000001``) repeats in every
    project of that blueprint, hence a list; at most one ticket per project.
    """
    from tessera.core.projects.blueprints import BLUEPRINTS

    match = DISPLAY_NUMBER_RE.match((text or "").strip())
    if not match:
        return []
    prefix, number = match.group(1).upper(), int(match.group(2))
    keyless = [bp.key for bp in BLUEPRINTS.values() if "{key}" not in bp.number_format]
    rows = (
        qs.filter(number=number)
        .filter(Q(project__key=prefix) | Q(project__template__in=keyless))
        .select_related("project")
        .order_by("project_id")
    )
    wanted = (text or "").strip().upper()
    return [
        t for t in rows if t.display_number.upper() == wanted or t.project.key.upper() == prefix
    ]


@lru_cache(maxsize=2)
def _number_owner_sql(vendor: str) -> str:
    """The id of the oldest project of the selected ticket's blueprint, built once per
    process (a ``Subquery`` expression costs ~0.2 ms of Python per query to build)."""
    from tessera.core.projects.models import Project

    q = connection.ops.quote_name
    meta = Project._meta
    table, pk, template = (
        q(meta.db_table),
        q(meta.pk.column),
        q(meta.get_field("template").column),
    )
    ticket_project = f"{q(Ticket._meta.db_table)}.{q(Ticket._meta.get_field('project').column)}"
    return (
        f"(SELECT MIN(owner.{pk}) FROM {table} owner WHERE owner.{template} = "
        f"(SELECT own.{template} FROM {table} own WHERE own.{pk} = {ticket_project}))"
    )


def with_unique_numbers(qs: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """Annotate ``number_owner_id``: the oldest project of the ticket's blueprint, the one
    project whose tickets keep a key-less display number (``TKT-000001``) in
    ``unique_number``. A correlated subquery on the small projects table, no extra query.
    """
    sql = _number_owner_sql(connection.vendor)
    return qs.annotate(number_owner_id=RawSQL(sql, (), output_field=IntegerField()))


def unique_number(ticket: Ticket) -> str:
    """A ticket number unique across the instance (``ticket`` from ``with_unique_numbers``).

    The display number, unless the blueprint's format has no ``{key}`` and the project is
    not the oldest of its blueprint: then ``<project key>-<number>`` (``SDB-1``), which
    ``tickets_by_display_number`` resolves for every project. With one service-desk project
    nothing changes (``TKT-000001``).
    """
    project = ticket.project
    return unique_number_of(
        template=project.template,
        key=project.key,
        number=ticket.number,
        is_number_owner=ticket.project_id == getattr(ticket, "number_owner_id", ticket.project_id),
    )


def unique_number_of(*, template: str, key: str, number: int, is_number_owner: bool) -> str:
    """``unique_number`` from plain values (a row of ``values()``)."""
    from tessera.core.projects.blueprints import get_blueprint

    blueprint = get_blueprint(template)
    if "{key}" in blueprint.number_format or is_number_owner:
        return blueprint.format_number(key, number)
    return f"{key}-{number}"


# ``access_ticket``'s read of one ticket by id, per (template, joins), compiled once: at 1M
# building and compiling that queryset took 1.6–2.5 ms, running it 0.5 ms (stop 25's machine;
# docs/performance.md, "Sixteenth round"). Every surface's detail, write and create answer
# reads its ticket this way.
_BY_ID: dict[tuple[str | None, tuple[str, ...]], Prepared] = {}


def _ticket_by_id(template: str | None, joins: tuple[str, ...]) -> Prepared:
    key = (template, joins)
    loader = _BY_ID.get(key)
    if loader is None:

        def build(pk: int) -> QuerySet[Ticket]:
            qs = Ticket.objects.select_related("project", "state", *joins)
            if template is not None:
                qs = qs.filter(project__template=template)
            return qs.filter(pk=pk).order_by("pk")[:1]

        loader = _BY_ID.setdefault(key, Prepared(build, int))
    return loader


def access_ticket(
    *,
    actor,
    ticket_id=None,
    public_id=None,
    number: str | None = None,
    template: str | None = None,
    queryset: QuerySet[Ticket] | None = None,
    joins: tuple[str, ...] = (),
) -> Ticket:
    """Load one ticket the actor may see, or raise one ``NotFound`` (ids cannot be probed).

    By ``ticket_id`` without a ``queryset`` the ticket comes with its project, state and
    ``joins`` (``select_related`` names) from a query compiled once per process."""
    if queryset is not None and joins:
        raise ValueError("joins are for the compiled read; a queryset carries its own")
    try:
        if ticket_id is not None and queryset is None:
            pk = int(ticket_id)
            ticket = _ticket_by_id(template, joins).first(pk) if 0 < pk <= MAX_ID else None
        else:
            qs = (queryset if queryset is not None else Ticket.objects.all()).select_related(
                "project", "state"
            )
            if template is not None:
                qs = qs.filter(project__template=template)
            if ticket_id is not None:
                ticket = qs.filter(pk=int(ticket_id)).first()
            elif public_id is not None:
                ticket = qs.filter(public_id=uuid.UUID(str(public_id))).first()
            elif number is not None:
                candidates = tickets_by_display_number(qs, number)
                ticket = next((t for t in candidates if policy.can_view(actor, t)), None)
            else:
                ticket = None
    except (TypeError, ValueError):
        ticket = None
    if ticket is None or not policy.can_view(actor, ticket):
        raise NotFound("Ticket not found")
    return ticket


def ticket_search(qs: QuerySet[Ticket], text: str) -> QuerySet[Ticket]:
    """Every surface's ``search`` goes through here (full-text index: see docs/performance.md)."""
    text = (text or "").strip()
    if not text:
        return qs
    from tessera.core.search.selectors import tickets_matching

    match = NUMBER_RE.match(text)
    return tickets_matching(
        qs, text, number=int(match.group(1)) if match else None, projects=search_scope(qs)
    )


# The columns of a kanban card (``values()`` names), read in the page's one query.
CARD_COLUMNS = (
    "id",
    "title",
    "description",
    "type",
    "state__key",
    "priority",
    "urgency",
    "importance",
    "project_id",
    "project__key",
    "column_id",
    "column__name",
    "company_id",
    "due_date",
    "start_date",
    "created_at",
    "updated_at",
    "version",
)


@lru_cache(maxsize=2)
def _card_annotations_sql(vendor: str) -> tuple[str, str]:
    """``comments_count`` and ``following`` of the ticket row being selected, as SQL built
    once per process from the models' metadata: as ``Subquery``/``Exists`` expressions the
    two cost ~1 ms of Python per page to build and compile (docs/performance.md)."""
    from .models import Comment, TicketFollower

    q = connection.ops.quote_name
    ticket_pk = f"{q(Ticket._meta.db_table)}.{q(Ticket._meta.pk.column)}"
    c_meta, f_meta = Comment._meta, TicketFollower._meta
    c = q(c_meta.db_table)
    f = q(f_meta.db_table)
    comments = (
        f"(SELECT COUNT(*) FROM {c} WHERE {c}.{q(c_meta.get_field('ticket').column)} = "
        f"{ticket_pk} AND NOT {c}.{q(c_meta.get_field('is_internal').column)})"
    )
    following = (
        f"EXISTS(SELECT 1 FROM {f} WHERE {f}.{q(f_meta.get_field('ticket').column)} = "
        f"{ticket_pk} AND {f}.{q(f_meta.get_field('user').column)} = %s)"
    )
    return comments, following


def with_card_fields(qs: QuerySet[Ticket], *, actor) -> QuerySet[dict[str, Any]]:
    """A page of kanban cards as plain rows: ``CARD_COLUMNS`` (project, state and column
    joined), ``comments_count`` (public comments) and ``following`` (the actor's), in one
    query. Complete the page with ``with_card_relations`` (assignee ids and tag names)."""
    return _with_card_annotations(qs, actor.pk).values(*CARD_COLUMNS, *_CARD_ANNOTATIONS)


_CARD_ANNOTATIONS = ("comments_count", "following")


def _with_card_annotations(qs: QuerySet[Ticket], actor_id: int) -> QuerySet[Ticket]:
    comments, following = _card_annotations_sql(connection.vendor)
    return qs.annotate(
        comments_count=RawSQL(comments, (), output_field=IntegerField()),
        following=RawSQL(following, (actor_id,), output_field=BooleanField()),
    )


# One card by id, compiled once (``common.prepared``): a card's detail and every write's
# answer read it.
_CARD_BY_ID = Prepared(
    lambda pk, actor_id: _with_card_annotations(Ticket.objects.filter(pk=pk), actor_id).values_list(
        *CARD_COLUMNS, *_CARD_ANNOTATIONS
    ),
    int,
    int,
)


def card_row(ticket_id: int, *, actor) -> dict[str, Any]:
    """One ticket's card row as ``with_card_fields`` gives it (``DoesNotExist`` when no
    ticket has the id); complete it with ``with_card_relations``."""
    found = _CARD_BY_ID.dicts(ticket_id, actor.pk)
    if not found:
        raise Ticket.DoesNotExist
    return found[0]


def with_card_relations(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Add ``assignee_ids`` and ``tag_names`` to each card row of a page: one query."""
    assignees, tags = assignees_and_tag_names([row["id"] for row in rows])
    for row in rows:
        row["assignee_ids"] = assignees.get(row["id"], [])
        row["tag_names"] = tags.get(row["id"], [])
    return rows
