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

from django.conf import settings
from django.db import connection
from django.db.models import F, FloatField, QuerySet
from django.db.models.expressions import RawSQL

from tessera.core.common.prepared import Prepared
from tessera.core.tickets.counts import with_count_limit

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


def _pg_query(terms: list[str], words: dict[str, list[str]] | None = None, scope: str = "") -> str:
    """The tsquery text for ``terms``, each term a prefix: as its indexed words
    (``('screen' | 'screenshot')``) where ``words`` lists between one and
    ``MAX_PREFIX_WORDS`` of them, else as a prefix term (``'screen':*``). Exact words are
    found in GIN's entries directly; a prefix reads every posting of every word it starts
    into a lossy bitmap (70 ms against 20 ms for a common prefix at 1,000,000 tickets).
    ``scope`` leads every lexeme: ``{p}:`` for the index of words scoped by project."""
    if words is None:
        words = _pg_words(terms)
    parts = []
    for term in terms:
        found = words.get(term, [])
        if term.isdigit():
            parts.append(_lexeme(scope + term))  # a whole number: exact (see the module)
        elif 0 < len(found) <= MAX_PREFIX_WORDS:
            parts.append("(" + " | ".join(_lexeme(scope + w) for w in found) + ")")
        else:
            parts.append(f"{_lexeme(scope + term)}:*")
    return " & ".join(parts)


def _match_sql(terms: list[str], projects: list[int] | None) -> tuple[str, str, str, str]:
    """(ids subquery, its tsquery or FTS5 query, rank expression over
    ``tickets_ticket.id``, rank query). On PostgreSQL the ids are read from the words
    scoped by project (``ddl``, "words scoped by project"): those of ``projects``, or of
    every project when None. The scoped query is one value, computed once per statement."""
    if connection.vendor == "postgresql":
        words = _pg_words(terms)
        if projects is None:
            projects = _ALL_PROJECTS.rows()
        scoped = _pg_query(terms, words, scope=PROJECT_PLACEHOLDER)
        if len(projects) * scoped.count(PROJECT_PLACEHOLDER) > MAX_SCOPED_LEXEMES:
            # many projects (a superuser's search of a large installation): each term once
            # per project as a prefix, not once per word it expands to
            scoped = _pg_query(terms, {}, scope=PROJECT_PLACEHOLDER)
        ids = "SELECT ticket_id FROM search_ticketdocument WHERE scope @@ %s::tsquery"
        rank = (
            "(SELECT ts_rank('{0.1, 0.3, 0.6, 1.0}', d.document, %s::tsquery) "
            "FROM search_ticketdocument d WHERE d.ticket_id = tickets_ticket.id)"
        )
        # No project: a tsquery that no scoped word can match (a project id is a number).
        either = " | ".join(
            f"({scoped.replace(PROJECT_PLACEHOLDER, f'{int(p)}:')})" for p in projects
        )
        return ids, either or "'{none}'", rank, _pg_query(terms, words)
    query = " AND ".join(f'"{t}"' if t.isdigit() else f'"{t}"*' for t in terms)
    ids = "SELECT rowid FROM search_ticketdocument WHERE search_ticketdocument MATCH %s"
    rank = (
        f"(SELECT -bm25(search_ticketdocument, {SQLITE_WEIGHTS}) FROM search_ticketdocument "
        "WHERE search_ticketdocument MATCH %s AND rowid = tickets_ticket.id)"
    )
    return ids, query, rank, query


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
    if terms:
        ids, match_query, rank_sql, query = _match_sql(terms, projects)
        parts.append(ids)
        params.append(match_query)
    if number is not None:
        # through the projects: one probe of the (project, number) index per project (a
        # number alone would read that whole index: 38 ms at 1M)
        parts.append(
            "SELECT t.id FROM projects_project p JOIN tickets_ticket t "
            "ON t.project_id = p.id AND t.number = %s"
        )
        params.append(number)
    matches = RawSQL(" UNION ".join(parts), params)
    if number is None:
        qs = qs.filter(pk__in=matches)
    else:
        # Text that reads as a ticket number matches few tickets (its digits are an exact
        # term). Their ids are read first, as a list of values (``in_array``): as a join,
        # PostgreSQL guessed thousands of matches for any word its statistics do not list
        # and walked every ticket of the project newest first looking for them (0.7 s at
        # 1M for a ticket's own number).
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
