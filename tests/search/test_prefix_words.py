"""On PostgreSQL a search term is a prefix expanded to the indexed words it starts
(``search_word``), which must find exactly what the plain prefix term finds — for words
added by any write, in any form the parser produces — and fall back to the prefix term
where the vocabulary cannot help."""

from __future__ import annotations

import pytest
from django.db import connection

from tessera.core.search import selectors
from tessera.core.search.index import reindex_tickets
from tessera.core.tickets.models import Ticket
from tessera.core.tickets.selectors import ticket_search
from tessera.core.tickets.services import comment_add, ticket_create, ticket_update

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the vocabulary is PostgreSQL's; SQLite's FTS5 answers prefixes itself",
    ),
]


@pytest.fixture
def setup(make_project, make_user):
    owner = make_user(is_superuser=True)
    return owner, make_project("servicedesk", "WRDS", owner=owner)


def found(text: str) -> set[int]:
    return set(ticket_search(Ticket.objects.all(), text).values_list("pk", flat=True))


def found_by_plain_prefix(terms: list[str]) -> set[int]:
    query = " & ".join(f"'{t}':*" for t in terms)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ticket_id FROM search_ticketdocument WHERE document @@ %s::tsquery", [query]
        )
        return {row[0] for row in cursor.fetchall()}


def words_starting(prefix: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT word FROM search_word WHERE starts_with(word, %s) ORDER BY word", [prefix]
        )
        return [row[0] for row in cursor.fetchall()]


TEXTS = [
    ("Screen flickers", "The screenshot is attached"),
    ("Screening call", "screen-reader users cannot log-in"),
    ("Mail from screen@example.com", "see https://screens.example.com/path?q=1"),
    ("Unrelated", "Printer on floor 3, error 0x42, version v1.2.3"),
    ("Café ÉCRAN", "naïve ÜBER straße"),
]


def test_expanded_words_find_what_the_prefix_finds(setup):
    owner, project = setup
    for title, description in TEXTS:
        ticket_create(actor=owner, project=project, title=title, description=description)
    for text in ["screen", "scree", "screen log", "log", "reader", "screens", "écr", "über", "caf"]:
        terms = selectors.search_terms(text)
        query = selectors._pg_query(terms)
        assert ":*" not in query, query  # every term expanded to words
        assert found(text) == found_by_plain_prefix(terms), text
    # "example" is no word of its own here (an e-mail address and a host are one lexeme
    # each): no word to expand to, the prefix term stays and finds the same (nothing)
    assert found("exa") == found_by_plain_prefix(["exa"]) == set()
    assert len(found("screen")) == 3
    # numbers stay prefix terms (ticket numbers would fill the vocabulary)
    assert selectors._pg_query(["0x42"]) == "'0x42':*"
    assert found("0x4") == found_by_plain_prefix(["0x4"]) != set()


def test_words_of_every_write_are_added(setup):
    owner, project = setup
    ticket = ticket_create(actor=owner, project=project, title="Keyboard")
    assert words_starting("keyboard") == ["keyboard"]
    ticket_update(actor=owner, ticket=ticket, changes={"title": "Keyboards and xylophones"})
    assert words_starting("xylo") == ["xylophones"]
    comment_add(actor=owner, ticket=Ticket.objects.get(pk=ticket.pk), body="Quuxification done")
    assert words_starting("quux") == ["quuxification"]
    assert found("quuxif") == {ticket.pk}
    assert found("xyl keyb") == {ticket.pk}
    # no number and no punctuation-led lexeme (paths, signed numbers) is kept
    ticket_create(actor=owner, project=project, title="Path /usr/bin 12345 -7")
    assert words_starting("/") == words_starting("1") == words_starting("-") == []


def test_a_prefix_of_many_words_stays_a_prefix_term(setup):
    owner, project = setup
    letters = "abcdefghijklmnopqrstuvwxyz"
    many = [f"zq{a}{b}" for a in letters[:6] for b in letters[:6]]  # 36 words
    assert len(many) > selectors.MAX_PREFIX_WORDS
    ticket = ticket_create(actor=owner, project=project, title=" ".join(many))
    assert selectors._pg_query(["zq"]) == "'zq':*"
    assert found("zq") == {ticket.pk}
    assert selectors._pg_query(["zqa"]).count("|") == 5  # six words: expanded
    assert found("zqa") == {ticket.pk}


def test_words_with_quotes_and_backslashes_are_quoted(setup):
    owner, project = setup
    ticket = ticket_create(actor=owner, project=project, title="Odd words")
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO search_word (word) VALUES (%s), (%s)", ["oddq'uote", "oddb\\slash"]
        )
        cursor.execute(
            # both columns, as search_ticket_refresh writes them
            "UPDATE search_ticketdocument SET document = document || %(w)s::tsvector, "
            "scope = search_scoped(%(p)s, (SELECT created_at FROM tickets_ticket WHERE id = %(t)s), "
            "document || %(w)s::tsvector) WHERE ticket_id = %(t)s",
            {"w": "'oddq''uote' 'oddb\\\\slash'", "p": project.pk, "t": ticket.pk},
        )
    assert "oddb\\\\slash" in selectors._pg_query(["oddb"])
    assert found("oddq") == found("oddb") == {ticket.pk}


def test_bulk_reindex_adds_the_words(setup):
    """``manage.py generate`` writes with the triggers off and reindexes per batch."""
    owner, project = setup
    ticket = ticket_create(actor=owner, project=project, title="Placeholder")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE tickets_ticket SET title = 'Wombatification' WHERE id = %s", [ticket.pk]
        )
        cursor.execute("DELETE FROM search_word WHERE word = 'wombatification'")
    reindex_tickets(first_id=ticket.pk, last_id=ticket.pk)
    assert words_starting("wombat") == ["wombatification"]
    assert found("wombat") == {ticket.pk}


@pytest.mark.django_db(transaction=True)
def test_two_writers_adding_each_others_new_words_never_wait():
    """Two open transactions that each add a new word the other adds next: with a unique
    vocabulary the second insert of each waits for the other (a deadlock; one write fails).
    Nothing may wait here, and each word is offered once."""
    import psycopg

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("server_side_binding", None)
    params.pop("prepare_threshold", None)
    first, second = psycopg.connect(**params), psycopg.connect(**params)
    insert = (
        "INSERT INTO search_ticketdocument (ticket_id, document, scope) "
        "VALUES (%s, to_tsvector('simple', %s), ''::tsvector)"
    )
    try:
        for conn in (first, second):
            conn.execute("SET lock_timeout = '2s'")
        first.execute(insert, [-901, "qqalpha"])
        second.execute(insert, [-902, "qqbeta"])
        first.execute(insert, [-903, "qqbeta"])
        second.execute(insert, [-904, "qqalpha"])
        first.commit()
        second.commit()
        assert selectors._pg_query(["qqalpha", "qqbeta"]) == "('qqalpha') & ('qqbeta')"
    finally:
        first.rollback()
        second.rollback()
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_ticketdocument WHERE ticket_id < 0")
            cursor.execute("DELETE FROM search_word WHERE word IN ('qqalpha', 'qqbeta')")
        first.close()
        second.close()
