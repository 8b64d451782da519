"""Synthetic data at scale for benchmarks: ``manage.py generate --tickets N``.

Set-up (projects from every blueprint, users and memberships, customers, companies,
categories, tags) goes through the core services or plain ``bulk_create``; the bulk of the
rows (tickets, tags, assignees, comments, audit events) is written batch by batch with
PostgreSQL ``COPY`` (multi-row ``executemany`` elsewhere), one transaction per batch.

What must hold, and how:
* numbers stay gap-free per project: each batch advances ``ProjectCounter`` by the number
  of tickets it takes in that project with one ``UPDATE … RETURNING`` inside the batch's
  transaction, so a failed batch gives its numbers back and concurrent creates queue;
* the search index is populated in the same run: the per-row triggers are bypassed for
  speed (``session_replication_role = replica`` on PostgreSQL, dropped and re-created on
  SQLite) and each batch's documents are built in one statement
  (``tessera.core.search.index.reindex_tickets``). On PostgreSQL (outside a caller's
  transaction) that statement runs on a second connection once the batch has committed,
  while the next batch is built and written (``_Indexer``); elsewhere, inside the batch's
  own transaction.
"""

from __future__ import annotations

import json
import random
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

from tessera.core.accounts.models import User
from tessera.core.common import clock
from tessera.core.common.schema import execute_unless_refused
from tessera.core.crm.models import Customer
from tessera.core.organizations.models import Company
from tessera.core.projects.models import (
    BoardColumn,
    Membership,
    Project,
    Role,
    StateCategory,
    WorkflowState,
)
from tessera.core.projects.services import project_create
from tessera.core.tickets import counts
from tessera.core.tickets.models import Category, Tag, Ticket
from tessera.core.workshop.models import InventoryItem, PartSpec, TicketMetrics

from . import ddl
from .index import ensure_triggers, gin_pending_list, reindex_tickets
from .vocabulary import VOCABULARY, comment_text, description_text, title_text

TEMPLATES = ("workshop", "support", "servicedesk", "boards")
KEY_PREFIX = {"workshop": "GW", "support": "GS", "servicedesk": "GD", "boards": "GB"}


@dataclass
class ProjectPlan:
    project: Project
    template: str
    states: list[WorkflowState]
    state_weights: list[float]
    initial_state_id: int
    columns: dict[int, int | None]
    priorities: list[int]
    staff_ids: list[int]
    requester_ids: list[int]
    category_ids: list[int | None]
    tag_ids: list[int]
    customer_ids: list[int | None] = field(default_factory=list)
    company_ids: list[int | None] = field(default_factory=list)


class Progress:
    """A one-line progress bar on stderr: done/total, rate, ETA."""

    def __init__(self, total: int, label: str, stream=None, enabled: bool = True) -> None:
        self.total = max(total, 1)
        self.label = label
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.start = time.monotonic()

    def update(self, done: int) -> None:
        if not self.enabled:
            return
        elapsed = max(time.monotonic() - self.start, 1e-6)
        rate = done / elapsed
        eta = (self.total - done) / rate if rate > 0 else 0.0
        width = 30
        filled = int(width * done / self.total)
        bar = "#" * filled + "." * (width - filled)
        self.stream.write(
            f"\r{self.label} [{bar}] {done}/{self.total} {100 * done / self.total:5.1f}% "
            f"{rate:,.0f}/s ETA {int(eta) // 60}m{int(eta) % 60:02d}s "
        )
        self.stream.flush()

    def finish(self) -> float:
        elapsed = time.monotonic() - self.start
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()
        return elapsed


# -- low-level writers ---------------------------------------------------------------------


def _insert_rows(cursor, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    if connection.vendor == "postgresql":
        cols = ", ".join(columns)
        with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    rows = [tuple(_adapt(v) for v in row) for row in rows]
    if not rows:
        return
    placeholders = ", ".join(["%s"] * len(columns))
    cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})", rows)


def _adapt(value: Any) -> Any:
    """Python values as Django stores them on databases without COPY (SQLite)."""
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _reserve_ids(cursor, table: str, count: int) -> list[int]:
    """Ids for ``count`` new rows of ``table``; must run in the batch's transaction."""
    if connection.vendor == "postgresql":
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, count],
        )
        return [row[0] for row in cursor.fetchall()]
    # SQLite: the IMMEDIATE transaction holds the writer lock, so max(id) is stable.
    cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
    start = cursor.fetchone()[0] + 1
    return list(range(start, start + count))


def _advance_counter(cursor, project_id: int, count: int) -> int:
    """Take ``count`` numbers in the project; returns the first one."""
    cursor.execute(
        "UPDATE projects_projectcounter SET last_number = last_number + %s "
        "WHERE project_id = %s RETURNING last_number",
        [count, project_id],
    )
    last = cursor.fetchone()[0]
    return last - count + 1


# -- set-up --------------------------------------------------------------------------------


def _role_split(project: Project) -> tuple[list[Role], list[Role]]:
    staff, requesters = [], []
    for role in Role.objects.filter(project=project):
        perms = set(role.permissions)
        if "view_all_tickets" in perms or "be_assigned" in perms:
            staff.append(role)
        else:
            requesters.append(role)
    return staff, requesters or staff


def build_setup(
    *, run: str, projects_per_template: int, users: int, rng: random.Random, say: Callable
) -> list[ProjectPlan]:
    password = make_password("generated-Password-1")
    admin = User.objects.create(
        username=f"gen_{run}_admin",
        email=f"gen_{run}_admin@generated.test",
        password=password,
        is_staff=True,
        first_name="Generator",
        last_name="Admin",
    )
    first_names = VOCABULARY["first_names"]
    last_names = VOCABULARY["last_names"]
    people = User.objects.bulk_create(
        [
            User(
                username=f"gen_{run}_{i}",
                email=f"gen_{run}_{i}@generated.test",
                password=password,
                first_name=rng.choice(first_names),
                last_name=rng.choice(last_names),
            )
            for i in range(users)
        ],
        batch_size=1000,
    )
    if connection.vendor != "postgresql":  # ids are returned on PostgreSQL and SQLite ≥ 3.35
        people = list(User.objects.filter(username__startswith=f"gen_{run}_").exclude(pk=admin.pk))
    customers = Customer.objects.bulk_create(
        [
            Customer(
                name=f"{rng.choice(first_names)} {rng.choice(last_names)}",
                email=f"customer_{run}_{i}@generated.test",
                company=rng.choice(VOCABULARY["companies"]),
            )
            for i in range(max(users, 50))
        ],
        batch_size=1000,
    )
    companies = [
        Company.objects.create(name=f"{name} ({run})", description="Generated client")
        for name in VOCABULARY["companies"][:8]
    ]
    plans: list[ProjectPlan] = []
    for template in TEMPLATES:
        for i in range(projects_per_template):
            key = f"{KEY_PREFIX[template]}{run.upper()}{i + 1}"[:20]
            project = project_create(
                actor=admin,
                template=template,
                key=key,
                name=f"{VOCABULARY['project_names'][template]} {i + 1}",
                description=f"Generated {template} project",
            )
            say(f"project {project.key} ({template})")
            staff_roles, requester_roles = _role_split(project)
            members = rng.sample(people, k=min(len(people), max(10, len(people) // 3)))
            cut = max(2, len(members) // 3)
            staff_users, requester_users = members[:cut], members[cut:] or members[:cut]
            Membership.objects.bulk_create(
                [
                    Membership(project=project, user=u, role=rng.choice(staff_roles))
                    for u in staff_users
                ]
                + [
                    Membership(project=project, user=u, role=rng.choice(requester_roles))
                    for u in requester_users
                    if u not in staff_users
                ]
            )
            states = list(WorkflowState.objects.filter(project=project).order_by("order"))
            weights = [
                {
                    StateCategory.OPEN: 3.0,
                    StateCategory.ACTIVE: 2.0,
                    StateCategory.DONE: 4.0,
                    StateCategory.CANCELLED: 0.5,
                }.get(s.category, 1.0)
                for s in states
            ]
            columns: dict[int, int | None] = {s.pk: None for s in states}
            for column in BoardColumn.objects.filter(project=project).order_by("-order"):
                columns[column.state_id] = column.pk
            categories: list[int | None] = [None]
            if template in ("support", "servicedesk"):
                categories = [
                    Category.objects.create(project=project, slug=slug, name=slug.title()).pk
                    for slug in VOCABULARY["categories"]
                ]
            tags = [
                Tag.objects.create(project=project, name=name).pk
                for name in rng.sample(VOCABULARY["tags"], k=12)
            ]
            plan = ProjectPlan(
                project=project,
                template=template,
                states=states,
                state_weights=weights,
                initial_state_id=next(s.pk for s in states if s.is_initial),
                columns=columns,
                priorities=sorted(project.blueprint.priorities) or [2],
                staff_ids=[u.pk for u in staff_users],
                requester_ids=[u.pk for u in requester_users],
                category_ids=categories,
                tag_ids=tags,
            )
            if template == "servicedesk":
                plan.customer_ids = [
                    c.pk for c in rng.sample(customers, k=min(200, len(customers)))
                ]
            if template == "boards":
                project.companies.add(*companies)
                plan.company_ids = [c.pk for c in companies] + [None]
            plans.append(plan)
    return plans


# -- the bulk of the rows ------------------------------------------------------------------

TICKET_COLUMNS = (
    "id", "project_id", "number", "public_id", "title", "description", "state_id", "column_id",
    "rank", "priority", "category_id", "type", "created_by_id", "customer_id", "company_id",
    "location", "department", "urgency", "importance", "due_date", "start_date",
    "estimated_hours", "actual_hours", "first_response_at", "resolved_at", "closed_at",
    "sla_breach_notified_at", "created_at", "updated_at", "version", "assignee_count",
)  # fmt: skip
COMMENT_COLUMNS = ("ticket_id", "author_id", "body", "is_internal", "created_at", "updated_at")
EVENT_COLUMNS = (
    "project_id", "ticket_id", "ticket_ref", "actor_id", "action", "field", "old_value",
    "new_value", "data", "created_at",
)  # fmt: skip


ITEM_COLUMNS = (
    "id", "serial_number", "name", "state", "created_by_id", "creation_confirmed",
    "creation_reason", "archived_at", "created_at", "updated_at",
)  # fmt: skip
METRICS_COLUMNS = (
    "ticket_id", "inventory_item_id", "flag_color", "xp_amount", "total_duration",
    "approved_by_id", "approved_at", "technician_id", "item_created", "done_at",
    "active_seconds_at_done", "holds_item", "holds_technician",
)  # fmt: skip
PART_COLUMNS = ("ticket_id", "position", "name", "color", "planned_minutes", "xp")
COLOURS = ("green", "yellow", "red")
PART_NAMES = ("Battery", "Screen", "Keyboard", "Fan", "SSD", "Hinge", "Power board", "Camera")


def _workshop_rows(
    *, ticket_id: int, state: WorkflowState, done: bool, created, last, staff: int, rng
) -> tuple[tuple, tuple, list[tuple]]:
    """Document 000's rows for a workshop ticket (as intake writes them): its own inventory
    item, the metrics row and 1–3 part specs. Without them the workshop API does not list
    the ticket (docs/surfaces/workshop.md), and a benchmark would measure empty pages."""
    parts = [
        (ticket_id, pos, rng.choice(PART_NAMES), rng.choice(COLOURS), rng.randint(10, 240),
         rng.randint(0, 50))
        for pos in range(rng.randint(1, 3))
    ]  # fmt: skip
    worst = max((COLOURS.index(p[3]) for p in parts), default=0)
    reviewed = state.key != "NEW"
    item = (
        ticket_id, f"GEN-{ticket_id:09d}", f"{rng.choice(PART_NAMES)} unit {ticket_id}",
        "ready" if done else "in_service", staff, False, "", None, created, last,
    )  # fmt: skip
    metrics = (
        ticket_id, ticket_id, COLOURS[worst], sum(p[5] for p in parts),
        sum(p[4] for p in parts) * 60, staff if reviewed else None,
        created if reviewed else None, staff if reviewed else None, False,
        last if done else None, None, not done, False,
    )  # fmt: skip
    return item, metrics, parts


def _check_columns(model, columns: Sequence[str]) -> None:
    missing = [
        f.column
        for f in model._meta.concrete_fields
        if f.column not in columns and not f.null and not f.has_default()
    ]
    if missing:
        raise RuntimeError(f"generate: {model._meta.db_table} columns not filled: {missing}")


def _check_ticket_columns() -> None:
    """Fail loudly if the Ticket model gained a NOT NULL column this writer does not fill."""
    missing = [
        f.column
        for f in Ticket._meta.concrete_fields
        if f.column not in TICKET_COLUMNS and not f.null and not f.has_default()
    ]
    if missing:
        raise RuntimeError(f"generate: tickets_ticket columns not filled: {missing}")
    _check_columns(InventoryItem, ITEM_COLUMNS)
    _check_columns(TicketMetrics, METRICS_COLUMNS)
    _check_columns(PartSpec, ("id", *PART_COLUMNS))


def _write_batch(
    *,
    plans: list[ProjectPlan],
    size: int,
    comments_per_ticket: int,
    moment_start,
    step: timedelta,
    offset: int,
    rng: random.Random,
    triggers_off: bool,
    index: bool = True,
) -> tuple[int, int, int, tuple[int, int]]:
    """Write ``size`` tickets with their children in one transaction; returns
    (tickets, comments, events) written and the tickets' first and last id.
    ``triggers_off``: the assignments' triggers do not count a ticket's assignees, so its
    row carries the number itself. ``index``: build the tickets' search documents in the
    same transaction (else the caller builds them once it has committed)."""
    extra_cols = [
        f.column
        for f in Ticket._meta.concrete_fields
        if f.column not in TICKET_COLUMNS and f.has_default()
    ]
    extra_defaults = [
        f.get_default() for f in Ticket._meta.concrete_fields if f.column in extra_cols
    ]
    ticket_columns = [*TICKET_COLUMNS, *extra_cols]
    with transaction.atomic(), connection.cursor() as cursor:
        picks = [rng.randrange(len(plans)) for _ in range(size)]
        per_project: dict[int, int] = {}
        for p in picks:
            per_project[p] = per_project.get(p, 0) + 1
        next_number = {
            p: _advance_counter(cursor, plans[p].project.pk, n) for p, n in per_project.items()
        }
        ids = _reserve_ids(cursor, "tickets_ticket", size)
        tickets, tag_rows, assign_rows, comment_rows, event_rows = [], [], [], [], []
        items, metrics, parts = [], [], []
        for i, (ticket_id, p) in enumerate(zip(ids, picks, strict=True)):
            plan = plans[p]
            number = next_number[p]
            next_number[p] = number + 1
            template = plan.template
            created = moment_start + step * (offset + i)
            state = rng.choices(plan.states, weights=plan.state_weights)[0]
            done = state.category == StateCategory.DONE
            cancelled = state.category == StateCategory.CANCELLED
            title = title_text(template, rng)
            requester = rng.choice(plan.requester_ids)
            staff = rng.choice(plan.staff_ids)
            n_comments = rng.randint(0, 2 * comments_per_ticket) if comments_per_ticket else 0
            assigned = rng.random() < 0.7
            last = created + timedelta(hours=rng.randint(1, 72) * max(n_comments, 1))
            tickets.append(
                (
                    ticket_id, plan.project.pk, number, uuid.uuid4(), title,
                    description_text(template, rng), state.pk, plan.columns.get(state.pk),
                    float(number), rng.choice(plan.priorities), rng.choice(plan.category_ids),
                    rng.choice(VOCABULARY["types"][template]), requester,
                    rng.choice(plan.customer_ids) if plan.customer_ids else None,
                    rng.choice(plan.company_ids) if plan.company_ids else None,
                    "", "", "", "", created + timedelta(days=rng.randint(1, 30)), None, None,
                    None, created + timedelta(hours=1) if n_comments else None,
                    last if done else None, last if done or cancelled else None, None,
                    created, last, 1 + n_comments, int(assigned and triggers_off),
                    *extra_defaults,
                )
            )  # fmt: skip
            ref = plan.project.blueprint.format_number(plan.project.key, number)
            event_rows.append(
                (plan.project.pk, ticket_id, ref, requester, "created", "", "", title,
                 json.dumps({"state": plan.states[0].key}), created)
            )  # fmt: skip
            if state.pk != plan.initial_state_id:
                event_rows.append(
                    (plan.project.pk, ticket_id, ref, staff, "status_changed", "status",
                     plan.states[0].key, state.key, "{}", last)
                )  # fmt: skip
            if template == "workshop":
                item, metric, part_rows = _workshop_rows(
                    ticket_id=ticket_id, state=state, done=done, created=created, last=last,
                    staff=staff, rng=rng,
                )  # fmt: skip
                items.append(item)
                metrics.append(metric)
                parts.extend(part_rows)
            for tag_id in rng.sample(plan.tag_ids, k=rng.choice((0, 1, 1, 2, 3))):
                tag_rows.append((ticket_id, tag_id))
            if assigned:
                assign_rows.append((ticket_id, staff, created))
            for c in range(n_comments):
                author = staff if c % 2 == 0 else requester
                at = created + timedelta(hours=c + 1)
                body = comment_text(template, rng)
                internal = author == staff and rng.random() < 0.2
                comment_rows.append((ticket_id, author, body, internal, at, at))
                event_rows.append(
                    (plan.project.pk, ticket_id, ref, author, "commented", "comment", "",
                     body[:200], json.dumps({"is_internal": internal}), at)
                )  # fmt: skip
        _insert_rows(cursor, "tickets_ticket", ticket_columns, tickets)
        _insert_rows(cursor, "tickets_ticket_tags", ("ticket_id", "tag_id"), tag_rows)
        _insert_rows(
            cursor, "tickets_ticketassignment", ("ticket_id", "user_id", "assigned_at"), assign_rows
        )
        _insert_rows(cursor, "tickets_comment", COMMENT_COLUMNS, comment_rows)
        _insert_rows(cursor, "audit_event", EVENT_COLUMNS, event_rows)
        if items:  # items take ids from their own sequence (later intakes must not collide)
            item_ids = _reserve_ids(cursor, InventoryItem._meta.db_table, len(items))
            items = [(iid, *row[1:]) for iid, row in zip(item_ids, items, strict=True)]
            metrics = [(m[0], iid, *m[2:]) for iid, m in zip(item_ids, metrics, strict=True)]
            _insert_rows(cursor, InventoryItem._meta.db_table, ITEM_COLUMNS, items)
            _insert_rows(cursor, TicketMetrics._meta.db_table, METRICS_COLUMNS, metrics)
            _insert_rows(cursor, PartSpec._meta.db_table, PART_COLUMNS, parts)
        if index:
            reindex_tickets(first_id=ids[0], last_id=ids[-1])
    return size, len(comment_rows), len(event_rows), (ids[0], ids[-1])


class _Indexer:
    """Builds each committed batch's search documents on a connection of its own, one
    batch at a time, while the caller builds and writes the next batch: at 100,000 tickets
    the documents took 47 % of a serial run and building the rows in Python 25 %, one
    after the other on a machine with two cores (docs/performance.md, "Nineteenth round").
    The connection bypasses the per-row triggers as the writing one does. A failed build
    is raised at the next ``submit`` or at ``close``."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="generate-index")
        self._pending: Future | None = None
        self._bypassing: bool | None = None  # None: not asked yet on this connection

    def submit(self, first_id: int, last_id: int) -> None:
        self.wait()
        self._pending = self._pool.submit(self._build, first_id, last_id)

    def wait(self) -> None:
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.result()

    def close(self) -> None:
        try:
            self.wait()
        finally:
            self._pool.submit(self._close_connection).result()
            self._pool.shutdown()

    def _build(self, first_id: int, last_id: int) -> None:
        if self._bypassing is None:  # refused (not a superuser): triggers on, still correct
            self._bypassing = _bypass_triggers(True)
        with transaction.atomic():
            reindex_tickets(first_id=first_id, last_id=last_id)

    def _close_connection(self) -> None:
        try:
            if self._bypassing:
                _bypass_triggers(False)
        finally:
            connection.close()  # this thread's own


def _bypass_triggers(enable_bypass: bool) -> bool:
    """Per-row index triggers off for this session (they are replaced by per-batch reindex)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # JIT compiles for ~1 s on every large batch statement: never worth it here.
            cursor.execute("SET jit = off")
            # A larger GIN pending list: fewer, bigger merges while the index grows.
            cursor.execute("SET gin_pending_list_limit = '64MB'")
            # A literal: SET takes no bound parameter (server-side binding refuses it). Not a
            # superuser: the triggers stay on (slower, still correct).
            role = "replica" if enable_bypass else "origin"
            return execute_unless_refused([f"SET session_replication_role = {role}"])
        if connection.vendor == "sqlite":
            if enable_bypass:
                for sql in ddl.SQLITE_BACKWARD[:-1]:
                    cursor.execute(sql)
                counts.uninstall()  # as PostgreSQL's replica role does: all of them
            else:
                ensure_triggers()
                counts.install()
            return True
    return False


def generate(
    *,
    tickets: int,
    comments_per_ticket: int = 2,
    batch_size: int = 5000,
    projects_per_template: int = 2,
    users: int = 200,
    seed: int | None = None,
    progress: bool = True,
    say: Callable[[str], None] = lambda text: None,
) -> dict[str, Any]:
    """Create ``tickets`` tickets (and everything around them); returns counts and timings."""
    _check_ticket_columns()
    rng = random.Random(seed)
    run = uuid.uuid4().hex[:5]
    started = time.monotonic()
    with transaction.atomic():
        plans = build_setup(
            run=run, projects_per_template=projects_per_template, users=users, rng=rng, say=say
        )
    setup_seconds = time.monotonic() - started
    # Tickets are spread over the last three years, oldest first.
    now = clock.now()
    span = timedelta(days=3 * 365)
    step = span / max(tickets, 1)
    moment_start = now - span
    bar = Progress(tickets, "tickets", enabled=progress)
    done = comments = events = 0
    triggers_off = _bypass_triggers(True)
    gin_pending_list(True)  # batched GIN merges (the session's list limit is 64 MB)
    # A second connection sees a batch only once it has committed: not inside a caller's
    # transaction (a test's), and SQLite takes one writer at a time.
    indexer = (
        _Indexer() if connection.vendor == "postgresql" and connection.get_autocommit() else None
    )
    try:
        while done < tickets:
            size = min(batch_size, tickets - done)
            t, c, e, (first_id, last_id) = _write_batch(
                plans=plans,
                size=size,
                comments_per_ticket=comments_per_ticket,
                moment_start=moment_start,
                step=step,
                offset=done,
                rng=rng,
                triggers_off=triggers_off,
                index=indexer is None,
            )
            if indexer is not None:
                indexer.submit(first_id, last_id)
            done += t
            comments += c
            events += e
            bar.update(done)
    finally:
        try:
            if indexer is not None:
                indexer.close()  # raises the last batch's failed build, after the clean-up
        finally:
            _bypass_triggers(False)
            gin_pending_list(False)  # merge what is pending; writes go to the index directly
            counts.rebuild()  # the per-row count triggers were bypassed with the others
    load_seconds = bar.finish()
    if connection.vendor == "postgresql" and connection.get_autocommit():
        # What autovacuum does to a table in steady use, at once and for every table written:
        # statistics (with none on the assignments the planner expected 70,000 rows for a
        # page's 20 tickets and started parallel workers: 7 ms instead of 0.3 ms) and the
        # visibility map (without it the feed's updated_since count visited 30,000 heap
        # pages instead of reading the index alone: 12 ms instead of 3.5 ms). ~5 s at 1M.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
    return {
        "run": run,
        "projects": [p.project.key for p in plans],
        "tickets": done,
        "comments": comments,
        "events": events,
        "setup_seconds": round(setup_seconds, 2),
        "load_seconds": round(load_seconds, 2),
        "tickets_per_second": round(done / load_seconds, 1) if load_seconds else None,
        "vendor": connection.vendor,
    }
