"""PostgreSQL: the tickets' full-text index (a tsvector of folded words) and ticket lists.

The words are cut and folded here, in Python, not by a text-search configuration: the same
words on every server whatever its locale, extensions or the role's rights (``unaccent``
needs ``CREATE`` on the database; ``lower()`` and the parser's idea of a letter follow the
database's ``LC_CTYPE``). A word is a run of letters and digits (``\\w`` without ``_``, as
SQLite's ``unicode61`` tokenizer cuts them); folding casefolds it and drops its accents.
The index holds each ticket's distinct words (``array_to_tsvector``: no parsing on the
server) and a search ANDs its words as prefixes (``'word':*``), answered from a GIN index.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

import asyncpg

from ...models import Ticket, TicketPage, TicketQuery
from ..rows import ticket_row
from ..ticketlists import FOLLOW_UP, ORDER, PER_PAGE_MAX, TICKET_COLUMNS_T, ticket_filters
from .database import Connection, Database

__all__ = [
    "PostgresTicketQueries",
    "fold",
    "index_words",
    "query_words",
    "rebuild_index",
    "reindex",
]

_WORD = re.compile(r"[^\W_]+")
#: A word longer than this is indexed (and searched) by its beginning: PostgreSQL refuses
#: lexemes over 2 kB, and nobody types more of a word than this to find it.
WORD_MAX = 64
#: A ticket's words stop here (a tsvector holds at most 1 MB): past it, the earliest
#: texts (subject, fields, description, first messages) are the ones found.
INDEX_BYTES_MAX = 512 * 1024
#: Words of a search used at most (as on SQLite).
QUERY_WORDS_MAX = 20

# The ticket's texts in the order they count: subject, field values, description, thread.
_TEXTS = """
SELECT t.id, t.subject, t.fields, t.description,
    ARRAY(SELECT m.text FROM ticket_messages m WHERE m.ticket_id = t.id ORDER BY m.ts, m.rowid)
FROM tickets t
"""
_UPSERT = """
INSERT INTO ticket_search (ticket_id, words) VALUES ($1, array_to_tsvector($2::text[]))
ON CONFLICT (ticket_id) DO UPDATE SET words = excluded.words
"""
#: Tickets rebuilt per round trip by :func:`rebuild_index`.
_BATCH = 500


def fold(text: str) -> str:
    """Return ``text`` casefolded and without accents (``Übergröße`` → ``ubergrosse``)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _words(text: str) -> list[str]:
    return [w[:WORD_MAX] for w in _WORD.findall(fold(text))]


def index_words(texts: Iterable[str]) -> list[str]:
    """Return the distinct folded words of ``texts``, in order of first appearance, until
    :data:`INDEX_BYTES_MAX`."""
    found: dict[str, None] = {}
    size = 0
    for text in texts:
        for word in _words(text):
            if word not in found:
                size += len(word.encode()) + 8  # a lexeme's bytes plus its entry
                if size > INDEX_BYTES_MAX:
                    return list(found)
                found[word] = None
    return list(found)


def query_words(q: str) -> list[str]:
    """Return the folded words of a search (at most :data:`QUERY_WORDS_MAX`)."""
    return _words(q)[:QUERY_WORDS_MAX]


def _tsquery(words: list[str]) -> str:
    # A word holds letters and digits only: quoted, nothing in it is tsquery syntax.
    return " & ".join(f"'{w}':*" for w in words)


def _ticket_texts(subject: str, fields: str, description: str, thread: list[str]) -> list[str]:
    values = json.loads(fields) if fields else {}
    return [subject, *map(str, values.values()), description, *thread]


async def reindex(conn: Connection, ticket_id: str) -> None:
    """Rewrite the ticket's words from its subject, field values, description and messages
    (inside the caller's transaction, which holds the ticket's row lock: two writers of one
    ticket take turns, and the second reads what the first wrote)."""
    row = await conn.fetchrow(f"{_TEXTS} WHERE t.id = $1", ticket_id)
    if row is not None:
        await conn.execute(_UPSERT, ticket_id, index_words(_ticket_texts(*row[1:])))


async def rebuild_index(conn: Connection | asyncpg.Connection[Any]) -> int:
    """Rebuild every ticket's words (inside the caller's transaction: after a migration
    or a copy); return how many tickets it indexed."""
    count = 0
    batch: list[tuple[str, list[str]]] = []
    async for row in conn.cursor(_TEXTS):
        batch.append((row[0], index_words(_ticket_texts(*row[1:]))))
        if len(batch) == _BATCH:
            await conn.executemany(_UPSERT, batch)
            count, batch = count + len(batch), []
    if batch:
        await conn.executemany(_UPSERT, batch)
    return count + len(batch)


class PostgresTicketQueries:
    """:class:`~chatdesk.store.TicketQueries` on PostgreSQL."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def search_tickets(self, query: TicketQuery) -> TicketPage:
        params: list[object] = []

        def mark(value: object) -> str:
            params.append(value)
            return f"${len(params)}"

        where = ticket_filters(query, mark)
        if query.q:
            words = query_words(query.q)
            if not words:
                return TicketPage([], 0)
            where.append(
                "t.id IN (SELECT ticket_id FROM ticket_search"
                f" WHERE words @@ {mark(_tsquery(words))}::tsquery)"
            )
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        filters = list(params)
        per_page = max(1, min(query.per_page, PER_PAGE_MAX))
        offset = (max(1, query.page) - 1) * per_page
        # The total rides along with the page (counted before LIMIT): one statement.
        rows = await self._db.fetch(
            f"SELECT {TICKET_COLUMNS_T}, COUNT(*) OVER () FROM tickets t {clause}"
            f" ORDER BY {ORDER[query.sort]} LIMIT {mark(per_page)} OFFSET {mark(offset)}",
            *params,
        )
        if rows:
            total = rows[0][-1]
        else:  # past the last page, or nothing matches
            total = await self._db.fetchval(f"SELECT COUNT(*) FROM tickets t {clause}", *filters)
        return TicketPage([ticket_row(r) for r in rows], int(total))

    async def find_follow_up(
        self, ticket_id: str, requester_id: str, client_id: str
    ) -> Ticket | None:
        sql = FOLLOW_UP.format(p="$", columns=TICKET_COLUMNS_T)
        row = await self._db.fetchrow(sql, ticket_id, requester_id, client_id)
        return None if row is None else ticket_row(row)
