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

from tessera.core.tickets.counts import with_count_limit

WORD_RE = re.compile(r"[^\W_]+")
MAX_TERMS = 16
MAX_TERM_LENGTH = 64

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


def _pg_query(terms: list[str]) -> str:
    """The tsquery text for ``terms``, each term a prefix: as its indexed words
    (``('screen' | 'screenshot')``) where the vocabulary (``search_word``, see
    ``tessera.core.search.ddl``) lists between one and ``MAX_PREFIX_WORDS`` of them, else as a
    prefix term (``'screen':*``). Exact words are found in GIN's entries directly; a prefix
    reads every posting of every word it starts into a lossy bitmap (70 ms against 20 ms for
    a common prefix at 1,000,000 tickets). One query for all terms."""
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
    parts = []
    for term in terms:
        found = words.get(term, [])
        if term.isdigit():
            parts.append(_lexeme(term))  # a whole number: exact (see the module)
        elif 0 < len(found) <= MAX_PREFIX_WORDS:
            parts.append("(" + " | ".join(_lexeme(w) for w in found) + ")")
        else:
            parts.append(f"{_lexeme(term)}:*")
    return " & ".join(parts)


def _match_sql(terms: list[str]) -> tuple[str, str, str]:
    """(ids subquery, rank expression over ``tickets_ticket.id``, query parameter)."""
    if connection.vendor == "postgresql":
        query = _pg_query(terms)
        ids = "SELECT ticket_id FROM search_ticketdocument WHERE document @@ %s::tsquery"
        rank = (
            "(SELECT ts_rank('{0.1, 0.3, 0.6, 1.0}', d.document, %s::tsquery) "
            "FROM search_ticketdocument d WHERE d.ticket_id = tickets_ticket.id)"
        )
        return ids, rank, query
    query = " AND ".join(f'"{t}"' if t.isdigit() else f'"{t}"*' for t in terms)
    ids = "SELECT rowid FROM search_ticketdocument WHERE search_ticketdocument MATCH %s"
    rank = (
        f"(SELECT -bm25(search_ticketdocument, {SQLITE_WEIGHTS}) FROM search_ticketdocument "
        "WHERE search_ticketdocument MATCH %s AND rowid = tickets_ticket.id)"
    )
    return ids, rank, query


def tickets_matching(qs: QuerySet, text: str, *, number: int | None = None) -> QuerySet:
    """Filter ``qs`` (tickets) to those whose document matches ``text``, or whose number is
    ``number``. Unless the caller already chose an order, best matches come first
    (exact number, then weighted relevance, then newest)."""
    terms = search_terms(text)
    if not terms and number is None:
        return qs.none()
    parts: list[str] = []
    params: list = []
    if terms:
        ids, rank_sql, query = _match_sql(terms)
        parts.append(ids)
        params.append(query)
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
