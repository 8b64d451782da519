"""The full-text index, per database vendor, kept current by the database itself.

One document per ticket: its number (raw, with the project key, and zero-padded), title,
tag names, description and comment bodies. Triggers on ``tickets_ticket``,
``tickets_comment``, ``tickets_ticket_tags`` and ``tickets_tag`` rebuild a ticket's document
in the writing transaction, so a write is searchable the moment it commits, whichever code
path made it (services, admin, bulk loaders).

* PostgreSQL: ``search_ticketdocument(ticket_id PK (row removed by a delete trigger),
  document tsvector, scope tsvector)``; config ``simple`` (no stemming, no stop words:
  predictable for ticket vocabulary in any language), weights A number/title, B tags,
  C description, D comments. ``scope`` holds the same words qualified by the ticket's
  project and the month it was created in, and the GIN index is on it (since
  ``search.0004`` and ``0005``; "words scoped by project" and "… and by month" below).
* SQLite: an FTS5 table (``rowid`` = ticket id, ``unicode61`` with diacritics folded).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.migrations import RunPython

# Long texts are capped so a huge comment thread cannot overflow a tsvector (1 MB).
TEXT_CAP = 200_000

# A ticket's document (alias ``t``, its project ``p``).
_PG_DOCUMENT = f"""
        setweight(to_tsvector('simple',
            t.number::text || ' ' || p.key || '-' || t.number::text || ' '
            || lpad(t.number::text, 6, '0') || ' ' || coalesce(t.title, '')), 'A')
        || setweight(to_tsvector('simple', coalesce((
            SELECT string_agg(tg.name, ' ') FROM tickets_ticket_tags tt
            JOIN tickets_tag tg ON tg.id = tt.tag_id WHERE tt.ticket_id = t.id), '')), 'B')
        || setweight(to_tsvector('simple', left(coalesce(t.description, ''), {TEXT_CAP})), 'C')
        || setweight(to_tsvector('simple', left(coalesce((
            SELECT string_agg(c.body, ' ') FROM tickets_comment c
            WHERE c.ticket_id = t.id), ''), {TEXT_CAP})), 'D')"""

_PG_TICKET_AND_PROJECT = "FROM tickets_ticket t JOIN projects_project p ON p.id = t.project_id"

PG_REFRESH_SELECT = f"""
    SELECT t.id,{_PG_DOCUMENT}
    {_PG_TICKET_AND_PROJECT}
"""

# Set-based variant for a range of ticket ids (bulk loaders): aggregates tags and comments
# once per range instead of once per ticket.
PG_BULK_INSERT = f"""
    WITH tg AS (
        SELECT tt.ticket_id, string_agg(tg.name, ' ') AS names
        FROM tickets_ticket_tags tt JOIN tickets_tag tg ON tg.id = tt.tag_id
        WHERE tt.ticket_id BETWEEN %(first)s AND %(last)s GROUP BY tt.ticket_id
    ), cm AS (
        SELECT c.ticket_id, string_agg(c.body, ' ') AS bodies FROM tickets_comment c
        WHERE c.ticket_id BETWEEN %(first)s AND %(last)s GROUP BY c.ticket_id
    )
    INSERT INTO search_ticketdocument (ticket_id, document, scope)
    SELECT d.id, d.document, search_scoped(d.project_id, d.created_at, d.document) FROM (
    SELECT t.id, t.project_id, t.created_at,
        setweight(to_tsvector('simple',
            t.number::text || ' ' || p.key || '-' || t.number::text || ' '
            || lpad(t.number::text, 6, '0') || ' ' || coalesce(t.title, '')), 'A')
        || setweight(to_tsvector('simple', coalesce(tg.names, '')), 'B')
        || setweight(to_tsvector('simple', left(coalesce(t.description, ''), {TEXT_CAP})), 'C')
        || setweight(to_tsvector('simple', left(coalesce(cm.bodies, ''), {TEXT_CAP})), 'D')
        AS document
    FROM tickets_ticket t JOIN projects_project p ON p.id = t.project_id
    LEFT JOIN tg ON tg.ticket_id = t.id LEFT JOIN cm ON cm.ticket_id = t.id
    WHERE t.id BETWEEN %(first)s AND %(last)s) d
    ON CONFLICT (ticket_id) DO UPDATE SET document = EXCLUDED.document, scope = EXCLUDED.scope
"""

# ``search_ticket_refresh`` as 0001 creates it, and as going back from 0004 restores it.
_PG_REFRESH_DOCUMENT = f"""
    CREATE OR REPLACE FUNCTION search_ticket_refresh(tid bigint) RETURNS void
    LANGUAGE sql AS $$
        INSERT INTO search_ticketdocument (ticket_id, document)
        {PG_REFRESH_SELECT} WHERE t.id = tid
        ON CONFLICT (ticket_id) DO UPDATE SET document = EXCLUDED.document
    $$
"""


def _ticket_update_trigger(*moving: str) -> list[str]:
    """The trigger that rebuilds a ticket's document when a column it is made of changes:
    its text, number and project (0001), and ``moving`` (0005: its creation time)."""
    columns = ("title", "description", "number", "project_id", *moving)
    changed = "\n              OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in columns)
    return [
        "DROP TRIGGER IF EXISTS search_ticket_upd ON tickets_ticket",
        f"""
    CREATE TRIGGER search_ticket_upd AFTER UPDATE ON tickets_ticket FOR EACH ROW
        WHEN ({changed})
        EXECUTE FUNCTION search_trg_ticket()
    """,
    ]


PG_FORWARD = [
    """
    CREATE TABLE search_ticketdocument (
        -- no foreign key: Django's flush TRUNCATEs only the tables it knows, and a
        -- reference to tickets_ticket would make that fail; a trigger removes the row.
        ticket_id bigint PRIMARY KEY,
        document tsvector NOT NULL
    )
    """,
    "CREATE INDEX search_ticketdocument_gin ON search_ticketdocument USING gin (document)",
    _PG_REFRESH_DOCUMENT,
    """
    CREATE FUNCTION search_trg_ticket() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM search_ticket_refresh(NEW.id);
        RETURN NULL;
    END $$
    """,
    """
    CREATE FUNCTION search_trg_child() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            PERFORM search_ticket_refresh(OLD.ticket_id);
        END IF;
        IF TG_OP IN ('UPDATE', 'INSERT') AND (TG_OP = 'INSERT' OR NEW.ticket_id <> OLD.ticket_id) THEN
            PERFORM search_ticket_refresh(NEW.ticket_id);
        END IF;
        RETURN NULL;
    END $$
    """,
    """
    CREATE FUNCTION search_trg_tag() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM search_ticket_refresh(tt.ticket_id)
            FROM tickets_ticket_tags tt WHERE tt.tag_id = NEW.id;
        RETURN NULL;
    END $$
    """,
    """
    CREATE FUNCTION search_trg_ticket_del() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM search_ticketdocument WHERE ticket_id = OLD.id;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER search_ticket_del AFTER DELETE ON tickets_ticket
        FOR EACH ROW EXECUTE FUNCTION search_trg_ticket_del()
    """,
    """
    CREATE TRIGGER search_ticket_ins AFTER INSERT ON tickets_ticket
        FOR EACH ROW EXECUTE FUNCTION search_trg_ticket()
    """,
    *_ticket_update_trigger(),
    """
    CREATE TRIGGER search_comment_ins AFTER INSERT ON tickets_comment
        FOR EACH ROW EXECUTE FUNCTION search_trg_child()
    """,
    """
    CREATE TRIGGER search_comment_upd AFTER UPDATE ON tickets_comment FOR EACH ROW
        WHEN (OLD.body IS DISTINCT FROM NEW.body OR OLD.ticket_id IS DISTINCT FROM NEW.ticket_id)
        EXECUTE FUNCTION search_trg_child()
    """,
    """
    CREATE TRIGGER search_comment_del AFTER DELETE ON tickets_comment
        FOR EACH ROW EXECUTE FUNCTION search_trg_child()
    """,
    """
    CREATE TRIGGER search_tags_ins AFTER INSERT ON tickets_ticket_tags
        FOR EACH ROW EXECUTE FUNCTION search_trg_child()
    """,
    """
    CREATE TRIGGER search_tags_del AFTER DELETE ON tickets_ticket_tags
        FOR EACH ROW EXECUTE FUNCTION search_trg_child()
    """,
    """
    CREATE TRIGGER search_tag_rename AFTER UPDATE ON tickets_tag FOR EACH ROW
        WHEN (OLD.name IS DISTINCT FROM NEW.name)
        EXECUTE FUNCTION search_trg_tag()
    """,
    # Tickets that exist before the index does.
    f"INSERT INTO search_ticketdocument (ticket_id, document) {PG_REFRESH_SELECT}",
]

PG_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_ticket_del ON tickets_ticket",
    "DROP FUNCTION IF EXISTS search_trg_ticket_del()",
    "DROP TRIGGER IF EXISTS search_ticket_ins ON tickets_ticket",
    "DROP TRIGGER IF EXISTS search_ticket_upd ON tickets_ticket",
    "DROP TRIGGER IF EXISTS search_comment_ins ON tickets_comment",
    "DROP TRIGGER IF EXISTS search_comment_upd ON tickets_comment",
    "DROP TRIGGER IF EXISTS search_comment_del ON tickets_comment",
    "DROP TRIGGER IF EXISTS search_tags_ins ON tickets_ticket_tags",
    "DROP TRIGGER IF EXISTS search_tags_del ON tickets_ticket_tags",
    "DROP TRIGGER IF EXISTS search_tag_rename ON tickets_tag",
    "DROP FUNCTION IF EXISTS search_trg_tag()",
    "DROP FUNCTION IF EXISTS search_trg_child()",
    "DROP FUNCTION IF EXISTS search_trg_ticket()",
    "DROP FUNCTION IF EXISTS search_ticket_refresh(bigint)",
    "DROP TABLE IF EXISTS search_ticketdocument",
]


def _sqlite_refresh(tid: str) -> str:
    """Statements (for a trigger body) that rebuild the FTS row of ticket ``tid``."""
    return f"""
        DELETE FROM search_ticketdocument WHERE rowid = {tid};
        INSERT INTO search_ticketdocument (rowid, number, title, tags, description, comments)
        {SQLITE_REFRESH_SELECT} WHERE t.id = {tid};
    """


SQLITE_REFRESH_SELECT = f"""
    SELECT t.id,
        t.number || ' ' || p.key || '-' || t.number || ' ' || CASE WHEN t.number < 1000000 THEN substr('000000' || t.number, -6) ELSE t.number END,
        t.title,
        coalesce((SELECT group_concat(tg.name, ' ') FROM tickets_ticket_tags tt
                  JOIN tickets_tag tg ON tg.id = tt.tag_id WHERE tt.ticket_id = t.id), ''),
        substr(coalesce(t.description, ''), 1, {TEXT_CAP}),
        substr(coalesce((SELECT group_concat(c.body, ' ') FROM tickets_comment c
                         WHERE c.ticket_id = t.id), ''), 1, {TEXT_CAP})
    FROM tickets_ticket t JOIN projects_project p ON p.id = t.project_id
"""

SQLITE_TABLE = """
    CREATE VIRTUAL TABLE search_ticketdocument USING fts5(
        number, title, tags, description, comments,
        tokenize = 'unicode61 remove_diacritics 2'
    )
"""

SQLITE_TRIGGERS = [
    f"""
    CREATE TRIGGER IF NOT EXISTS search_ticket_ins AFTER INSERT ON tickets_ticket BEGIN
        {_sqlite_refresh("NEW.id")}
    END
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS search_ticket_upd AFTER UPDATE ON tickets_ticket
    WHEN OLD.title IS NOT NEW.title OR OLD.description IS NOT NEW.description
         OR OLD.number IS NOT NEW.number OR OLD.project_id IS NOT NEW.project_id
    BEGIN
        {_sqlite_refresh("NEW.id")}
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS search_ticket_del AFTER DELETE ON tickets_ticket BEGIN
        DELETE FROM search_ticketdocument WHERE rowid = OLD.id;
    END
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS search_comment_ins AFTER INSERT ON tickets_comment BEGIN
        {_sqlite_refresh("NEW.ticket_id")}
    END
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS search_comment_upd AFTER UPDATE ON tickets_comment
    WHEN OLD.body IS NOT NEW.body OR OLD.ticket_id IS NOT NEW.ticket_id
    BEGIN
        {_sqlite_refresh("OLD.ticket_id")}
        {_sqlite_refresh("NEW.ticket_id")}
    END
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS search_comment_del AFTER DELETE ON tickets_comment BEGIN
        {_sqlite_refresh("OLD.ticket_id")}
    END
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS search_tags_ins AFTER INSERT ON tickets_ticket_tags BEGIN
        {_sqlite_refresh("NEW.ticket_id")}
    END
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS search_tags_del AFTER DELETE ON tickets_ticket_tags BEGIN
        {_sqlite_refresh("OLD.ticket_id")}
    END
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS search_tag_rename AFTER UPDATE ON tickets_tag
    WHEN OLD.name IS NOT NEW.name
    BEGIN
        DELETE FROM search_ticketdocument WHERE rowid IN
            (SELECT ticket_id FROM tickets_ticket_tags WHERE tag_id = NEW.id);
        INSERT INTO search_ticketdocument (rowid, number, title, tags, description, comments)
        {SQLITE_REFRESH_SELECT}
        WHERE t.id IN (SELECT ticket_id FROM tickets_ticket_tags WHERE tag_id = NEW.id);
    END
    """,
]

SQLITE_BACKFILL = f"""
    INSERT INTO search_ticketdocument (rowid, number, title, tags, description, comments)
    {SQLITE_REFRESH_SELECT}
"""

SQLITE_FORWARD = [SQLITE_TABLE, *SQLITE_TRIGGERS, SQLITE_BACKFILL]

SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_ticket_ins",
    "DROP TRIGGER IF EXISTS search_ticket_upd",
    "DROP TRIGGER IF EXISTS search_ticket_del",
    "DROP TRIGGER IF EXISTS search_comment_ins",
    "DROP TRIGGER IF EXISTS search_comment_upd",
    "DROP TRIGGER IF EXISTS search_comment_del",
    "DROP TRIGGER IF EXISTS search_tags_ins",
    "DROP TRIGGER IF EXISTS search_tags_del",
    "DROP TRIGGER IF EXISTS search_tag_rename",
    "DROP TABLE IF EXISTS search_ticketdocument",
]


def statements(vendor: str, *, forward: bool) -> list[str]:
    if vendor == "postgresql":
        return PG_FORWARD if forward else PG_BACKWARD
    if vendor == "sqlite":
        return SQLITE_FORWARD if forward else SQLITE_BACKWARD
    return []


# ---- the vocabulary of indexed words (PostgreSQL) -------------------------------------
#
# A prefix term (``'screen':*``) makes GIN read the postings of every word starting with
# ``screen`` into one lossy bitmap and re-check each candidate document: 70 ms for a
# common prefix at 1,000,000 tickets. The same query over the words themselves
# (``'screen' | 'screenshot'``) is answered from exact entries in ~20 ms. ``search_word``
# lists every indexed word a search term can be a prefix of, so the search can expand a
# prefix to its words (``tessera.core.search.selectors``). A trigger on the documents adds
# new words in the writing transaction; words are never removed (a word no document holds
# any more matches nothing). Words that start with a digit or ASCII punctuation are left
# out: a term never starts with punctuation, and a term starting with a digit stays a
# prefix term (ticket numbers would otherwise fill the table).
#
# ``word`` is deliberately not unique. With a unique index, a writer inserting a new word
# waits for any open transaction that inserted the same word, and two writers that each
# hold the other's next new word deadlock (one create fails). Without it nothing waits:
# two transactions seeing the same new word at the same moment may both add it, and the
# search reads distinct words.

# A new word ``w`` worth keeping: not led by a digit or ASCII punctuation, not yet listed.
PG_NEW_WORD = """
    ascii(w) NOT BETWEEN 33 AND 64 AND ascii(w) NOT BETWEEN 91 AND 96
    AND ascii(w) NOT BETWEEN 123 AND 126
    AND NOT EXISTS (SELECT 1 FROM search_word s WHERE s.word = w)
"""

PG_WORDS_FORWARD = [
    'CREATE TABLE search_word (word text COLLATE "C" NOT NULL)',
    "CREATE INDEX search_word_word ON search_word (word)",
    f"""
    CREATE FUNCTION search_words_add(words text[]) RETURNS void LANGUAGE sql AS $$
        INSERT INTO search_word (word)
        SELECT DISTINCT w FROM unnest(words) w WHERE {PG_NEW_WORD}
    $$
    """,
    """
    CREATE FUNCTION search_trg_document_words() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            PERFORM search_words_add(tsvector_to_array(NEW.document));
        ELSE
            PERFORM search_words_add(ARRAY(
                SELECT unnest(tsvector_to_array(NEW.document))
                EXCEPT SELECT unnest(tsvector_to_array(OLD.document))));
        END IF;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER search_document_words_ins AFTER INSERT ON search_ticketdocument
        FOR EACH ROW EXECUTE FUNCTION search_trg_document_words()
    """,
    """
    CREATE TRIGGER search_document_words_upd AFTER UPDATE ON search_ticketdocument
        FOR EACH ROW WHEN (OLD.document IS DISTINCT FROM NEW.document)
        EXECUTE FUNCTION search_trg_document_words()
    """,
]


def _pg_words_of_documents(where: str) -> str:
    """Set-based: the new words of the documents matching ``where`` (alias ``d``)."""
    return f"""
    INSERT INTO search_word (word)
    SELECT DISTINCT w FROM search_ticketdocument d, unnest(tsvector_to_array(d.document)) w
    WHERE {where} AND {PG_NEW_WORD}
"""


# Bulk loaders that bypass the triggers, per batch; and the migration's backfill.
PG_WORDS_OF_RANGE = _pg_words_of_documents("d.ticket_id BETWEEN %(first)s AND %(last)s")
PG_WORDS_BACKFILL = _pg_words_of_documents("TRUE")

PG_WORDS_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_document_words_ins ON search_ticketdocument",
    "DROP TRIGGER IF EXISTS search_document_words_upd ON search_ticketdocument",
    "DROP FUNCTION IF EXISTS search_trg_document_words()",
    "DROP FUNCTION IF EXISTS search_words_add(text[])",
    "DROP TABLE IF EXISTS search_word",
]


def word_statements(vendor: str, *, forward: bool) -> list[str]:
    if vendor != "postgresql":
        return []
    return [*PG_WORDS_FORWARD, PG_WORDS_BACKFILL] if forward else PG_WORDS_BACKWARD


def run_statements(statements: Callable[..., list[str]]) -> RunPython:
    """A migration operation that runs ``statements(vendor, forward=...)`` both ways."""

    def forward(apps: Any, schema_editor: Any) -> None:
        for sql in statements(schema_editor.connection.vendor, forward=True):
            schema_editor.execute(sql, params=None)

    def backward(apps: Any, schema_editor: Any) -> None:
        for sql in statements(schema_editor.connection.vendor, forward=False):
            schema_editor.execute(sql, params=None)

    return RunPython(forward, backward)


# ---- GIN without a pending list (PostgreSQL) -------------------------------------------
#
# With ``fastupdate`` (the default) a write appends its entries to the index's pending list,
# and every search scans the whole list (up to 4 MB: a two-word count at 50,000 tickets
# 11 ms with a full list, 7 ms without); the write that overflows it merges all of it
# while its user waits. Written directly, a document costs ~0.1 ms more per write and no
# search or write pays for anyone else's. ``manage.py generate`` turns the list on for its
# batches and merges it at the end (``index.gin_pending_list``).

# The index of the documents' words (migrations 0001 and 0003; replaced by the scoped
# index below in 0004).
DOCUMENT_GIN_INDEX = "search_ticketdocument_gin"


def _gin_written_directly(index: str) -> list[str]:
    return [
        f"ALTER INDEX {index} SET (fastupdate = off)",
        f"SELECT gin_clean_pending_list('{index}'::regclass)",
    ]


def gin_statements(vendor: str, *, forward: bool) -> list[str]:
    if vendor != "postgresql":
        return []
    if forward:
        return _gin_written_directly(DOCUMENT_GIN_INDEX)
    return [f"ALTER INDEX {DOCUMENT_GIN_INDEX} RESET (fastupdate)"]


# ---- words scoped by project (PostgreSQL) ----------------------------------------------
#
# A search reads the GIN postings of its words across every ticket of the installation,
# then drops the matches outside the caller's projects: at 1,000,000 tickets in eight
# projects, a two-word search of the service desk's two projects decoded the postings of
# 23,316 matching documents to keep 8,464 (14.5 ms of its 21 ms count). ``scope`` holds the
# same words qualified by the ticket's project (``5:login``), without positions, and the
# GIN index is built on it: a search asks for its words in the projects it may show
# (``(5:screen | 5:screenshot) & 5:login | (6:screen | 6:screenshot) & 6:login``) and reads
# only their postings (``selectors._match_sql``), so its cost follows the size of the
# caller's projects, not of the installation. ``document`` keeps positions and weights,
# for ranking and the vocabulary.
# A word longer than the scoped lexeme allows (2,046 bytes with its project) is left out of
# ``scope``: no search term is that long (``selectors.MAX_TERM_LENGTH``).

SCOPE_GIN_INDEX = "search_ticketdocument_scope_gin"

PG_SCOPED = """
    CREATE FUNCTION search_scoped(project bigint, document tsvector) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT array_to_tsvector(ARRAY(
            SELECT project::text || ':' || w FROM unnest(tsvector_to_array(document)) w
            WHERE octet_length(w) <= 2000))
    $$
"""

# ``search_ticket_refresh`` as 0004 replaces it (0001's is ``_PG_REFRESH_DOCUMENT``).
_PG_REFRESH_SCOPED = f"""
    CREATE OR REPLACE FUNCTION search_ticket_refresh(tid bigint) RETURNS void
    LANGUAGE sql AS $$
        INSERT INTO search_ticketdocument (ticket_id, document, scope)
        SELECT d.id, d.document, search_scoped(d.project_id, d.document) FROM (
            SELECT t.id, t.project_id,{_PG_DOCUMENT} AS document
            {_PG_TICKET_AND_PROJECT} WHERE t.id = tid) d
        ON CONFLICT (ticket_id) DO UPDATE
            SET document = EXCLUDED.document, scope = EXCLUDED.scope
    $$
"""

PG_SCOPE_FORWARD = [
    PG_SCOPED,
    # The documents' index goes first: the backfill below then rewrites only the table.
    f"DROP INDEX IF EXISTS {DOCUMENT_GIN_INDEX}",
    "ALTER TABLE search_ticketdocument ADD COLUMN scope tsvector",
    _PG_REFRESH_SCOPED,
    """
    UPDATE search_ticketdocument d SET scope = search_scoped(t.project_id, d.document)
    FROM tickets_ticket t WHERE t.id = d.ticket_id
    """,
    "DELETE FROM search_ticketdocument WHERE scope IS NULL",  # no ticket any more
    "ALTER TABLE search_ticketdocument ALTER COLUMN scope SET NOT NULL",
    f"""CREATE INDEX {SCOPE_GIN_INDEX} ON search_ticketdocument USING gin (scope)
        WITH (fastupdate = off)""",
    "ANALYZE search_ticketdocument",
]

PG_SCOPE_BACKWARD = [
    f"DROP INDEX IF EXISTS {SCOPE_GIN_INDEX}",
    _PG_REFRESH_DOCUMENT,
    "ALTER TABLE search_ticketdocument DROP COLUMN scope",
    f"""CREATE INDEX {DOCUMENT_GIN_INDEX} ON search_ticketdocument USING gin (document)
        WITH (fastupdate = off)""",
    "DROP FUNCTION IF EXISTS search_scoped(bigint, tsvector)",
]


def scope_statements(vendor: str, *, forward: bool) -> list[str]:
    if vendor != "postgresql":
        return []
    return PG_SCOPE_FORWARD if forward else PG_SCOPE_BACKWARD


# The normal state of the GIN index searches read (``index.gin_pending_list``).
PG_GIN_FORWARD = _gin_written_directly(SCOPE_GIN_INDEX)


# ---- words scoped by project and by month (PostgreSQL) ---------------------------------
#
# Scoped by project alone, a search still read the postings of its words in every ticket
# of the caller's projects before it could count its first 1,000 matches or know its
# newest 20: at 1,000,000 tickets the service desk's two-word count decoded 8,464 matches
# (7 ms in the index, 11–18 ms in all), and its page walked the project's tickets newest
# first, checking each one's document, past every newer ticket that did not match (a
# burst of 2,700 alike tickets made that walk 4 → 18 ms). Since ``search.0005`` each word
# of ``scope`` also carries the month its ticket was created in (``5:login~24322``: project
# 5, word ``login``, month 24322 = 2026-11 counted from year 0, in UTC). A search then
# reads month by month, newest first, and stops at its limit (``selectors.MonthlyMatch``,
# ``tickets.counts.with_matches_counted``): the postings of a few months, and a page read
# by id from the newest months' matches. A search that needs every month reads them month
# by month too, without a limit (``selectors._PG_EVERY_MONTH``); only one that cannot be
# asked month by month asks for each word as a prefix of its months (``'5:login~':*``).
# Moving a ticket to another project or changing its creation time rewrites its words.

SCOPE_MONTH_SEPARATOR = "~"

PG_MONTH = """
    CREATE FUNCTION search_month(created timestamptz) RETURNS int
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT (extract(year FROM created AT TIME ZONE 'UTC') * 12
                + extract(month FROM created AT TIME ZONE 'UTC') - 1)::int
    $$
"""

PG_SCOPED_MONTHLY = f"""
    CREATE FUNCTION search_scoped(project bigint, created timestamptz, document tsvector)
    RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT array_to_tsvector(ARRAY(
            SELECT project::text || ':' || w || '{SCOPE_MONTH_SEPARATOR}' || search_month(created)
            FROM unnest(tsvector_to_array(document)) w
            WHERE octet_length(w) <= 2000))
    $$
"""

_PG_REFRESH_MONTHLY = f"""
    CREATE OR REPLACE FUNCTION search_ticket_refresh(tid bigint) RETURNS void
    LANGUAGE sql AS $$
        INSERT INTO search_ticketdocument (ticket_id, document, scope)
        SELECT d.id, d.document, search_scoped(d.project_id, d.created_at, d.document) FROM (
            SELECT t.id, t.project_id, t.created_at,{_PG_DOCUMENT} AS document
            {_PG_TICKET_AND_PROJECT} WHERE t.id = tid) d
        ON CONFLICT (ticket_id) DO UPDATE
            SET document = EXCLUDED.document, scope = EXCLUDED.scope
    $$
"""


def _rescope(expression: str) -> list[str]:
    """Rewrite every document's ``scope`` (the GIN index dropped first, built after)."""
    return [
        f"DROP INDEX IF EXISTS {SCOPE_GIN_INDEX}",
        f"""
    UPDATE search_ticketdocument d SET scope = {expression}
    FROM tickets_ticket t WHERE t.id = d.ticket_id
    """,
        f"""CREATE INDEX {SCOPE_GIN_INDEX} ON search_ticketdocument USING gin (scope)
        WITH (fastupdate = off)""",
        "ANALYZE search_ticketdocument",
    ]


PG_MONTH_FORWARD = [
    PG_MONTH,
    PG_SCOPED_MONTHLY,
    _PG_REFRESH_MONTHLY,
    *_ticket_update_trigger("created_at"),
    *_rescope("search_scoped(t.project_id, t.created_at, d.document)"),
    "DROP FUNCTION search_scoped(bigint, tsvector)",
]

PG_MONTH_BACKWARD = [
    PG_SCOPED,
    _PG_REFRESH_SCOPED,
    *_ticket_update_trigger(),
    *_rescope("search_scoped(t.project_id, d.document)"),
    "DROP FUNCTION search_scoped(bigint, timestamptz, tsvector)",
    "DROP FUNCTION search_month(timestamptz)",
]


def month_statements(vendor: str, *, forward: bool) -> list[str]:
    if vendor != "postgresql":
        return []
    return PG_MONTH_FORWARD if forward else PG_MONTH_BACKWARD


# ---- plpgsql, so a write's plans are kept (PostgreSQL) ------------------------------------
#
# A SQL-language function that is not inlined is parsed and planned again at every call:
# PostgreSQL 15 keeps its plan only for the statement that called it. ``search_ticket_refresh``
# (an INSERT … SELECT with two subqueries) was planned at every ticket insert, comment and
# tag change, and ``search_scoped`` (its sub-SELECT keeps it from being inlined) at every
# document it scoped. A plpgsql function keeps each statement's plan for the connection.
# Since ``search.0006`` both are plpgsql with the same statements: 300 ticket inserts at
# 1,000,000 tickets took 2.8–3.4 ms each, now 1.7–1.8 ms (docs/performance.md,
# "Sixteenth round"). ``search_month`` stays SQL: it is inlined where it is called.

PG_SCOPED_PLPGSQL = f"""
    CREATE OR REPLACE FUNCTION search_scoped(project bigint, created timestamptz, document tsvector)
    RETURNS tsvector LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
    BEGIN
        RETURN array_to_tsvector(ARRAY(
            SELECT project::text || ':' || w || '{SCOPE_MONTH_SEPARATOR}' || search_month(created)
            FROM unnest(tsvector_to_array(document)) w
            WHERE octet_length(w) <= 2000));
    END $$
"""

_PG_REFRESH_PLPGSQL = f"""
    CREATE OR REPLACE FUNCTION search_ticket_refresh(tid bigint) RETURNS void
    LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO search_ticketdocument (ticket_id, document, scope)
        SELECT d.id, d.document, search_scoped(d.project_id, d.created_at, d.document) FROM (
            SELECT t.id, t.project_id, t.created_at,{_PG_DOCUMENT} AS document
            {_PG_TICKET_AND_PROJECT} WHERE t.id = tid) d
        ON CONFLICT (ticket_id) DO UPDATE
            SET document = EXCLUDED.document, scope = EXCLUDED.scope;
    END $$
"""


def plpgsql_statements(vendor: str, *, forward: bool) -> list[str]:
    if vendor != "postgresql":
        return []
    if forward:
        return [PG_SCOPED_PLPGSQL, _PG_REFRESH_PLPGSQL]
    return [
        PG_SCOPED_MONTHLY.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1),
        _PG_REFRESH_MONTHLY,
    ]
