"""SQLite: the tickets' full-text index (FTS5, accent-insensitive) and ticket lists."""

from __future__ import annotations

import json
import re
import sqlite3

from ...models import Ticket, TicketPage, TicketQuery
from ..rows import ticket_row
from ..ticketlists import FOLLOW_UP, ORDER, PER_PAGE_MAX, TICKET_COLUMNS_T, ticket_filters
from .worker import SqliteWorker

__all__ = ["SqliteTicketQueries", "match_expression", "reindex"]

_WORD = re.compile(r"\w+")


def reindex(conn: sqlite3.Connection, ticket_id: str) -> None:
    """Rewrite the ticket's row of the index from its subject, description, messages and
    field values (inside the caller's transaction)."""
    conn.execute("DELETE FROM ticket_search WHERE ticket_id = ?", (ticket_id,))
    row = conn.execute(
        "SELECT subject, description, fields FROM tickets WHERE id = ?", (ticket_id,)
    ).fetchone()
    if row is None:
        return
    texts = [
        r[0]
        for r in conn.execute("SELECT text FROM ticket_messages WHERE ticket_id = ?", (ticket_id,))
    ]
    values = json.loads(row[2]) if row[2] else {}
    conn.execute(
        "INSERT INTO ticket_search (ticket_id, subject, body, fields) VALUES (?, ?, ?, ?)",
        (ticket_id, row[0], "\n".join([row[1], *texts]), " ".join(map(str, values.values()))),
    )


def match_expression(q: str) -> str | None:
    """Return an FTS5 query where every word of ``q`` must match as a prefix (words are
    quoted: nothing the user types is FTS syntax), or None if ``q`` has no word."""
    words = _WORD.findall(q)
    return " ".join(f'"{w}"*' for w in words[:20]) or None


class SqliteTicketQueries:
    """:class:`~chatdesk.store.TicketQueries` on SQLite."""

    def __init__(self, worker: SqliteWorker) -> None:
        self._worker = worker

    async def search_tickets(self, query: TicketQuery) -> TicketPage:
        params: list[object] = []

        def mark(value: object) -> str:
            params.append(value)
            return "?"

        where = ticket_filters(query, mark)
        match = match_expression(query.q) if query.q else None
        if query.q and match is None:
            return TicketPage([], 0)
        if match is not None:
            where.append(
                "t.id IN (SELECT ticket_id FROM ticket_search WHERE ticket_search MATCH"
                f" {mark(match)})"
            )
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        per_page = max(1, min(query.per_page, PER_PAGE_MAX))
        offset = (max(1, query.page) - 1) * per_page

        def job(conn: sqlite3.Connection) -> TicketPage:
            (total,) = conn.execute(f"SELECT COUNT(*) FROM tickets t {clause}", params).fetchone()
            rows = conn.execute(
                f"SELECT {TICKET_COLUMNS_T} FROM tickets t {clause} ORDER BY {ORDER[query.sort]}"
                " LIMIT ? OFFSET ?",
                (*params, per_page, offset),
            ).fetchall()
            return TicketPage([ticket_row(r) for r in rows], int(total))

        return await self._worker.run(job)

    async def find_follow_up(
        self, ticket_id: str, requester_id: str, client_id: str
    ) -> Ticket | None:
        sql, args = (
            FOLLOW_UP.format(p="?", columns=TICKET_COLUMNS_T),
            (ticket_id, requester_id, client_id),
        )
        row = await self._worker.run(lambda conn: conn.execute(sql, args).fetchone())
        return None if row is None else ticket_row(row)
