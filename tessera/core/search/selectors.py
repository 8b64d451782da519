"""Full-text matching and ranking of tickets over the index in ``tessera.core.search.ddl``.

Query text is never handed to a query parser as typed: it is cut into words (letters and
digits of any script), each word becomes a quoted prefix term, and the terms are AND-ed.
A word of digits only is an exact term: ``42`` finds ticket 42, error 42 or "42 pages",
not the hundreds of numbers that start with 42 (a prefix over every ticket number made a
search for a ticket by its number read thousands of matches: 0.76 s at 1M tickets).
Quotes, operators, parentheses and stray unicode therefore cannot make a query fail; text
with no word in it matches nothing (apart from an exact ticket number).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection, connections
from django.db.models import F, FloatField, Q, QuerySet
from django.db.models.expressions import RawSQL

from tessera.core.common.prepared import Prepared
from tessera.core.search import ddl
from tessera.core.tickets.counts import project_only_where, with_count_limit

WORD_RE = re.compile(r"[^\W_]+")
MAX_TERMS = 16
MAX_TERM_LENGTH = 64

# Stands for the project id in a scoped query's lexemes (``ddl``, "words scoped by
# project"), replaced by each project's; no search term holds braces.
PROJECT_PLACEHOLDER = "{p}:"

# A scoped query repeats its lexemes once per project; above this many lexemes in all, the
# terms stay prefixes (one lexeme per term and project) instead of their expanded words.
MAX_SCOPED_LEXEMES = 4096

# Relative weights: number and title, tags, description, comments.
SQLITE_WEIGHTS = "10.0, 10.0, 4.0, 2.0, 1.0"
EXACT_NUMBER_BONUS = 100.0


def search_terms(text: str) -> list[str]:
    return [w.lower()[:MAX_TERM_LENGTH] for w in WORD_RE.findall(text or "")][:MAX_TERMS]


# A prefix that starts more indexed words than this stays a prefix term (see _pg_query).
MAX_PREFIX_WORDS = 32


def _successor(term: str) -> str | None:
    """The least string greater than every string that starts with ``term`` (in code point
    order, which is the ``C`` collation's order of UTF-8), or None if there is none."""
    code = ord(term[-1]) + 1
    if 0xD800 <= code <= 0xDFFF:
        code = 0xE000
    if code > 0x10FFFF:
        return None
    return term[:-1] + chr(code)


def _lexeme(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("'", "\\'")
    return f"'{escaped}'"


def _pg_words(terms: list[str]) -> dict[str, list[str]]:
    """The indexed words each term is a prefix of (at most ``MAX_PREFIX_WORDS`` + 1 each),
    from the vocabulary (``search_word``, see ``tessera.core.search.ddl``). One query."""
    bounds = [
        (term, upper)
        for term in dict.fromkeys(terms)
        if term[0] not in "0123456789"  # numbers stay prefix terms (see ddl)
        if (upper := _successor(term)) is not None
    ]
    words: dict[str, list[str]] = {}
    if bounds:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT b.lo, w.word FROM unnest(%s::text[], %s::text[]) AS b(lo, hi) "
                "CROSS JOIN LATERAL (SELECT DISTINCT word FROM search_word "
                'WHERE word >= b.lo COLLATE "C" AND word < b.hi COLLATE "C" '
                "ORDER BY word LIMIT %s) w",
                [[lo for lo, _ in bounds], [hi for _, hi in bounds], MAX_PREFIX_WORDS + 1],
            )
            for term, word in cursor.fetchall():
                words.setdefault(term, []).append(word)
    return words


@dataclass(frozen=True)
class MonthlyMatch:
    """How a search's matches are read month by month, newest first
    (``matches_counted``): its tsquery for one month of one project's scoped words
    (``template``: the project where ``PROJECT_PLACEHOLDER`` stands, the month where
    ``MONTH_PLACEHOLDER`` does), and the projects it asks."""

    template: str
    projects: tuple[int, ...]

    @property
    def query(self) -> str:
        """The tsquery of one month (``MONTH_PLACEHOLDER``) of every project."""
        return _per_project(self.template, list(self.projects))


class SearchMatch(RawSQL):
    """The ids of a search's matches, as ``tickets_matching`` filters a ticket query by
    them; ``monthly`` (PostgreSQL): how to read them month by month, or None."""

    def __init__(self, sql: str, params: list, monthly: MonthlyMatch | None = None) -> None:
        super().__init__(sql, params)
        self.monthly = monthly


# Where a month-by-month query (``MonthlyMatch``) has its month, filled in by PostgreSQL.
MONTH_PLACEHOLDER = "{m}"
_ALL_MONTHS = "all"


def _pg_query(
    terms: list[str],
    words: dict[str, list[str]] | None = None,
    scope: str = "",
    months: str | None = None,
) -> str | None:
    """The tsquery text for ``terms``, each term a prefix: as its indexed words
    (``('screen' | 'screenshot')``) where ``words`` lists between one and
    ``MAX_PREFIX_WORDS`` of them, else as a prefix term (``'screen':*``). Exact words are
    found in GIN's entries directly; a prefix reads every posting of every word it starts
    into a lossy bitmap (70 ms against 20 ms for a common prefix at 1,000,000 tickets).
    ``scope`` leads every lexeme: ``{p}:`` for the index of words scoped by project and
    month (``ddl``), where ``months`` says which: ``"all"`` (each word as the prefix of its
    months, ``'{p}:login~':*``) or ``MONTH_PLACEHOLDER`` (``'{p}:login~{m}'``; None when a
    term stays a prefix, which no single month can narrow)."""
    if words is None:
        words = _pg_words(terms)
    month_sep = ddl.SCOPE_MONTH_SEPARATOR

    def word(w: str) -> str:
        if months is None:
            return _lexeme(scope + w)
        if months == _ALL_MONTHS:
            return f"{_lexeme(scope + w + month_sep)}:*"
        return _lexeme(scope + w + month_sep + months)

    parts = []
    for term in terms:
        found = words.get(term, [])
        if term.isdigit():
            parts.append(word(term))  # a whole number: exact (see the module)
        elif 0 < len(found) <= MAX_PREFIX_WORDS:
            parts.append("(" + " | ".join(word(w) for w in found) + ")")
        elif months not in (None, _ALL_MONTHS):
            return None
        else:
            parts.append(f"{_lexeme(scope + term)}:*")
    return " & ".join(parts)


def _per_project(scoped: str, projects: list[int]) -> str:
    """``scoped`` (lexemes led by ``PROJECT_PLACEHOLDER``) asked of each project, OR-ed; a
    tsquery that no scoped word can match when there is no project (an id is a number)."""
    either = " | ".join(f"({scoped.replace(PROJECT_PLACEHOLDER, f'{int(p)}:')})" for p in projects)
    return either or "'{none}'"


def _match_sql(
    terms: list[str], projects: list[int] | None
) -> tuple[str, list, str, str, MonthlyMatch | None]:
    """(ids subquery, its parameters, rank expression over ``tickets_ticket.id``, rank
    query, how to read the matches month by month or None). On PostgreSQL the ids are
    read from the words scoped by project and month (``ddl``): those of ``projects``, or
    of every project when None, in every month: month by month (each month's postings
    found by exact entries, as GIN answers best: 13 ms for the 8,464 matches of a two-word
    search at 1M, where the prefix of every month's entries took 35 ms), or where that
    cannot be, each word as the prefix of its months. The scoped query is one value,
    computed once per statement."""
    if connection.vendor == "postgresql":
        words = _pg_words(terms)
        if projects is None:
            projects = _ALL_PROJECTS.rows()
        scoped = _pg_query(terms, words, scope=PROJECT_PLACEHOLDER, months=_ALL_MONTHS)
        if len(projects) * scoped.count(PROJECT_PLACEHOLDER) > MAX_SCOPED_LEXEMES:
            # many projects (a superuser's search of a large installation): each term once
            # per project as a prefix, not once per word it expands to
            scoped = _pg_query(terms, {}, scope=PROJECT_PLACEHOLDER)
            monthly = None
        else:
            by_month = _pg_query(terms, words, scope=PROJECT_PLACEHOLDER, months=MONTH_PLACEHOLDER)
            monthly = (
                MonthlyMatch(by_month, tuple(projects))
                if by_month is not None and projects
                else None
            )
        if monthly is not None:
            ids, ids_params = _PG_EVERY_MONTH, [list(monthly.projects), monthly.query]
        else:
            ids, ids_params = _IDS_OF_MATCHES, [_per_project(scoped, projects)]
        rank = (
            "(SELECT ts_rank('{0.1, 0.3, 0.6, 1.0}', d.document, %s::tsquery) "
            "FROM search_ticketdocument d WHERE d.ticket_id = tickets_ticket.id)"
        )
        return ids, ids_params, rank, _pg_query(terms, words), monthly
    query = " AND ".join(f'"{t}"' if t.isdigit() else f'"{t}"*' for t in terms)
    ids = "SELECT rowid FROM search_ticketdocument WHERE search_ticketdocument MATCH %s"
    rank = (
        f"(SELECT -bm25(search_ticketdocument, {SQLITE_WEIGHTS}) FROM search_ticketdocument "
        "WHERE search_ticketdocument MATCH %s AND rowid = tickets_ticket.id)"
    )
    return ids, [query], rank, query, None


def _all_project_ids():
    from tessera.core.projects.models import Project

    return Project.objects.order_by("pk").values_list("pk", flat=True)


_ALL_PROJECTS = Prepared(_all_project_ids)


def tickets_matching(
    qs: QuerySet, text: str, *, number: int | None = None, projects: list[int] | None = None
) -> QuerySet:
    """Filter ``qs`` (tickets) to those whose document matches ``text``, or whose number is
    ``number``. ``projects``: the only projects ``qs`` holds tickets of (None: any), whose
    words alone the index reads. Unless the caller already chose an order, best matches
    come first (exact number, then weighted relevance, then newest)."""
    terms = search_terms(text)
    if not terms and number is None:
        return qs.none()
    parts: list[str] = []
    params: list = []
    monthly = None
    if terms:
        ids, ids_params, rank_sql, query, monthly = _match_sql(terms, projects)
        parts.append(ids)
        params.extend(ids_params)
    if number is not None:
        # through the projects: one probe of the (project, number) index per project (a
        # number alone would read that whole index: 38 ms at 1M)
        parts.append(
            "SELECT t.id FROM projects_project p JOIN tickets_ticket t "
            "ON t.project_id = p.id AND t.number = %s"
        )
        params.append(number)
    matches = SearchMatch(" UNION ".join(parts), params, monthly if number is None else None)
    if number is None and monthly is None:
        qs = qs.filter(pk__in=matches)
    else:
        # Text that reads as a ticket number matches few tickets (its digits are an exact
        # term). Their ids are read first, as a list of values (``in_array``): as a join,
        # PostgreSQL guessed thousands of matches for any word its statistics do not list
        # and walked every ticket of the project newest first looking for them (0.7 s at
        # 1M for a ticket's own number). Matches read month by month are read first too:
        # PostgreSQL cannot estimate them (a query per month, months it computes), took
        # millions, and hashed the whole project to find them (0.9-1.2 s at 1M for a
        # board's search by priority). Most searches never read them so: their count
        # narrows the page to ids (``matches_counted``).
        qs = qs.filter(pk__in_array=matches)
    qs = with_count_limit(qs, settings.TESSERA_SEARCH_MAX_RESULTS)
    if qs.query.order_by:
        return qs
    rank_parts: list[str] = []
    rank_params: list = []
    if terms:
        rank_parts.append(f"COALESCE({rank_sql}, 0)")
        rank_params.append(query)
    if number is not None:
        rank_parts.append(
            f"(CASE WHEN tickets_ticket.number = %s THEN {EXACT_NUMBER_BONUS} ELSE 0 END)"
        )
        rank_params.append(number)
    rank = RawSQL(" + ".join(rank_parts), rank_params, output_field=FloatField())
    return qs.annotate(search_rank=rank).order_by(F("search_rank").desc(), "-created_at", "-id")


# ---- reading a search's matches month by month (PostgreSQL) -----------------------------

_NEWEST_FIRST = ("-created_at", "-id")
_IDS_OF_MATCHES = "SELECT ticket_id FROM search_ticketdocument WHERE scope @@ %s::tsquery"

# The months of some projects, newest first: from their newest ticket's to their oldest's
# (two probes of the (project, created_at) index per project). ``{projects}``: the
# projects, as a relation of ``id``.
_PG_MONTHS = """(
        SELECT generate_series(search_month(max(r.hi)), search_month(min(r.lo)), -1) AS month
        FROM {projects} AS p(id) CROSS JOIN LATERAL (
            SELECT (SELECT created_at FROM tickets_ticket WHERE project_id = p.id
                    ORDER BY created_at LIMIT 1) AS lo,
                   (SELECT created_at FROM tickets_ticket WHERE project_id = p.id
                    ORDER BY created_at DESC LIMIT 1) AS hi) AS r
    ) AS m"""

# Each month's matches from the index (GIN reads that month's postings only); ``{query}``:
# the tsquery of one month (``%s`` or an expression), the month where ``{month}`` stands.
_PG_MONTH_BY_MONTH = """{months} CROSS JOIN LATERAL (
        SELECT ticket_id FROM search_ticketdocument
        WHERE scope @@ replace({query}, '{month}', m.month::text)::tsquery
    ) AS d"""

# Every match of some projects, month by month (parameters: the projects, the query).
_PG_EVERY_MONTH_OF = _PG_MONTH_BY_MONTH.format(
    months=_PG_MONTHS.format(projects="unnest(%s::bigint[])"),
    query="%s",
    month=MONTH_PLACEHOLDER,
)
_PG_EVERY_MONTH = f"SELECT d.ticket_id FROM {_PG_EVERY_MONTH_OF}"

# Up to ``limit`` matches of a ticket query, with their months, newest month first, each
# kept if the ticket query holds it (``{kept}``: the condition on ``d.ticket_id``).
_PG_MATCHES_BY_MONTH = """
    {with_}SELECT d.ticket_id, m.month FROM {by_month}
    {kept}LIMIT %s
"""

# A ticket query that narrows by project alone holds every match of the projects it
# admits: those are found by its own WHERE clause, run against the projects asked as if
# they were tickets (as ``tickets.counts`` runs it against the per-group counts), and the
# matches are then not looked up in the ticket table one by one (~3.5 µs each).
_PG_ADMITTED = """WITH admitted AS MATERIALIZED (
        SELECT "tickets_ticket"."project_id" AS id
        FROM unnest(%s::bigint[]) AS "tickets_ticket"("project_id"){where}
    ), asked AS (
        SELECT string_agg('(' || replace(%s, '{project}', a.id::text || ':') || ')', ' | ')
            AS query
        FROM admitted a
    )
    """


def _match_condition(qs: QuerySet) -> tuple[int, SearchMatch] | None:
    """Where ``tickets_matching``'s condition is among ``qs``'s (AND-ed) conditions."""
    where = qs.query.where
    if where.connector != "AND" or where.negated:
        return None
    found = [
        (i, child.rhs)
        for i, child in enumerate(where.children)
        if isinstance(getattr(child, "rhs", None), SearchMatch)
    ]
    return found[0] if len(found) == 1 else None


def _among(ids: list[int]) -> Q:
    """Tickets whose id is one of ``ids``, as one array value: one statement text
    whatever their number (PostgreSQL prepares it once) and no parameter per id."""
    return Q(pk__in_array=RawSQL("SELECT unnest(%s::int[])", [ids]))


# A search whose limit of matches lies in this many months or fewer matches densely: a
# page in another order than newest first walks that order checking each ticket
# (``_walked``); a sparser one reads every match first, then orders them.
DENSE_MONTHS = 6
# A walk checks at most this many tickets per row its page needs (a density of 0.5 %)
# before it gives up and the matches are read first: the order may put the matches last
# (a word of the titles, ordered by title, walked 600,000 tickets: 2.8 s at 1M).
WALK_TICKETS_PER_ROW = 200


def _walked(qs: QuerySet, index: int, monthly: MonthlyMatch, depth: int) -> list[int] | None:
    """The ids of ``qs``'s first ``depth`` matches in its order, found by walking that order
    and checking each ticket in its own month, among the first ``depth ×
    WALK_TICKETS_PER_ROW`` tickets; None when those hold fewer (or the order is not plain
    columns of the ticket table). The walk stops at its last match. Read as ids first, a
    page of a word in 30 % of 250,000 tickets read them all (0.5 s at 1M, against 13 ms
    walking the oldest first); a two-word search in 3 % of them was the other way round
    (44 ms read first, 0.5 s walked by priority before the walk had a bound)."""
    terms = [t for t in qs.query.order_by if isinstance(t, str)]
    if len(terms) != len(qs.query.order_by) or any("__" in t for t in terms):
        return None
    plain = _match_replaced(qs, index, None)
    names = [f"_walk{i}" for i in range(len(terms))]
    walked = (
        plain.annotate(**{n: F(t.lstrip("-")) for n, t in zip(names, terms, strict=True)})
        .values_list("pk", "project_id", "created_at", *names)
        .order_by(*terms)[: depth * WALK_TICKETS_PER_ROW]
    )
    try:
        sql, params = walked.query.sql_with_params()
    except EmptyResultSet:
        return []
    columns = ", ".join(["w_id", "w_project", "w_created", *names])
    order = ", ".join(
        f"{n} DESC" if t.startswith("-") else n for n, t in zip(names, terms, strict=True)
    )
    statement = (
        f"SELECT w_id FROM ({sql}) AS w({columns}) WHERE EXISTS (SELECT 1 FROM "
        "search_ticketdocument d WHERE d.ticket_id = w_id AND d.scope @@ "
        "replace(replace(%s, %s, w_project::text || ':'), %s, search_month(w_created)::text)"
        f"::tsquery) ORDER BY {order} LIMIT %s"
    )
    with connections[qs.db].cursor() as cursor:
        cursor.execute(
            statement,
            [*params, monthly.template, PROJECT_PLACEHOLDER, MONTH_PLACEHOLDER, depth],
        )
        ids = [int(row[0]) for row in cursor.fetchall()]
    return ids if len(ids) == depth else None


def _match_replaced(qs: QuerySet, index: int, condition: Q | None) -> QuerySet:
    """``qs`` with its search condition (at ``index``) replaced by ``condition``."""
    qs = qs.all()
    del qs.query.where.children[index]
    return qs.filter(condition) if condition is not None else qs


def _matches_by_month(
    qs: QuerySet, index: int, monthly: MonthlyMatch, limit: int
) -> list[tuple[int, int]] | None:
    """Up to ``limit`` (ticket id, month) of ``qs``'s matches, every match of a month
    before any of an older month; None if PostgreSQL did not read the months in order."""
    tickets = _match_replaced(qs.order_by(), index, None).values("pk")
    try:
        by_project = project_only_where(tickets)
        if by_project is None:
            tickets_sql, tickets_params = tickets.query.sql_with_params()
    except EmptyResultSet:
        return []
    if by_project is not None:
        where, where_params = by_project
        sql = _PG_MATCHES_BY_MONTH.format(
            with_=_PG_ADMITTED.format(
                where=f" WHERE {where}" if where else "", project=PROJECT_PLACEHOLDER
            ),
            by_month=_PG_MONTH_BY_MONTH.format(
                months=_PG_MONTHS.format(projects="admitted"),
                query="(SELECT query FROM asked)",
                month=MONTH_PLACEHOLDER,
            ),
            kept="",
        )
        params = [list(monthly.projects), *where_params, monthly.template, limit]
    else:
        sql = _PG_MATCHES_BY_MONTH.format(
            with_="",
            by_month=_PG_EVERY_MONTH_OF,
            kept=f"WHERE d.ticket_id IN ({tickets_sql}) ",
        )
        params = [list(monthly.projects), monthly.query, *tickets_params, limit]
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        rows = [(int(tid), int(month)) for tid, month in cursor.fetchall()]
    if any(later[1] > earlier[1] for earlier, later in zip(rows, rows[1:], strict=False)):
        return None
    return rows


def matches_counted(qs: QuerySet, limit: int, depth: int | None) -> tuple[QuerySet, int] | None:
    """A search's tickets (``qs``, filtered by ``tickets_matching``) counted up to
    ``limit`` month by month, and narrowed to what its page reads; None where the matches
    cannot be read by month (SQLite, a term kept a prefix, very many projects, a ticket
    number). Fewer matches than ``limit``: ``qs`` reads those ids. At the limit, newest
    first: ``qs`` reads the matches of the newest months that hold its first ``depth``
    (page × page size; None: any page up to the limit), by id where they are all known,
    else from the index; in another order, by walking that order (``_walked``)."""
    found = _match_condition(qs)
    if found is None or found[1].monthly is None or connections[qs.db].vendor != "postgresql":
        return None
    index, match = found
    rows = _matches_by_month(qs, index, match.monthly, limit)
    if rows is None:
        return None
    if len(rows) < limit:
        return _match_replaced(qs, index, _among([tid for tid, _ in rows])), len(rows)
    if tuple(qs.query.order_by) != _NEWEST_FIRST:
        # best matches first, an order no index gives (a surface that orders a search
        # itself keeps the rank annotated but unused)
        ranked = any("search_rank" in str(term) for term in qs.query.order_by)
        if not ranked and depth and len({m for _, m in rows}) <= DENSE_MONTHS:
            walked = _walked(qs, index, match.monthly, min(depth, limit))
            if walked is not None:
                return _match_replaced(qs, index, _among(walked)), limit
        return qs, limit  # sparse: every match read first, then ordered (``in_array``)
    last = rows[-1][1]
    if depth and depth <= len(rows) and (month := rows[depth - 1][1]) != last:
        # the page's tickets are among the matches of complete months, all read
        return _match_replaced(qs, index, _among([tid for tid, m in rows if m >= month])), limit
    months = sorted({m for _, m in rows}, reverse=True)
    query = " | ".join(
        f"({match.monthly.query.replace(MONTH_PLACEHOLDER, str(m))})" for m in months
    )
    if query.count("'") // 2 > MAX_SCOPED_LEXEMES:
        return qs, limit
    return _match_replaced(qs, index, Q(pk__in=SearchMatch(_IDS_OF_MATCHES, [query]))), limit
