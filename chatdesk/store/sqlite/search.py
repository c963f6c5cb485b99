"""SQLite: the tickets' full-text index (FTS5, accent-insensitive) and ticket lists."""

from __future__ import annotations

import json
import re
import sqlite3

from ...models import TicketPage, TicketQuery, format_ts
from .rows import TICKET_COLUMNS, ticket_row
from .worker import SqliteWorker

__all__ = ["SqliteTicketQueries", "match_expression", "reindex"]

_WORD = re.compile(r"\w+")
#: The next target's due time: the first response's until answered, then the resolution's.
DUE = (
    "CASE WHEN t.first_response_at IS NULL AND t.due_at IS NOT NULL THEN t.due_at"
    " ELSE t.resolution_due END"
)
_ORDER = {
    "due": f"({DUE}) IS NULL, {DUE}, t.number",
    "updated": "t.updated_at DESC, t.number DESC",
    "created": "t.created_at DESC, t.number DESC",
    "number": "t.number",
}
_T = ", ".join(f"t.{c.strip()}" for c in TICKET_COLUMNS.split(","))


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
        where: list[str] = []
        params: list[object] = []
        if query.statuses:
            where.append(f"t.status IN ({', '.join('?' * len(query.statuses))})")
            params += [s.value for s in query.statuses]
        if query.types:
            where.append(f"t.type IN ({', '.join('?' * len(query.types))})")
            params += [t.value for t in query.types]
        if query.exclude_types:
            where.append(f"t.type NOT IN ({', '.join('?' * len(query.exclude_types))})")
            params += [t.value for t in query.exclude_types]
        for column, value in (
            ("department", query.department),
            ("operator_id", query.operator_id),
            ("requester_id", query.requester_id),
            ("organisation_id", query.organisation_id),
        ):
            if value is not None:
                where.append(f"t.{column} = ?")
                params.append(value)
        if query.unassigned:
            where.append("t.operator_id IS NULL")
        if query.due_before is not None:
            where.append(f"t.status IN ('new', 'open', 'pending', 'on_hold') AND ({DUE}) < ?")
            params.append(format_ts(query.due_before))
        match = match_expression(query.q) if query.q else None
        if query.q and match is None:
            return TicketPage([], 0)
        if match is not None:
            where.append(
                "t.id IN (SELECT ticket_id FROM ticket_search WHERE ticket_search MATCH ?)"
            )
            params.append(match)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        per_page = max(1, min(query.per_page, 100))
        offset = (max(1, query.page) - 1) * per_page

        def job(conn: sqlite3.Connection) -> TicketPage:
            (total,) = conn.execute(f"SELECT COUNT(*) FROM tickets t {clause}", params).fetchone()
            rows = conn.execute(
                f"SELECT {_T} FROM tickets t {clause} ORDER BY {_ORDER[query.sort]}"
                " LIMIT ? OFFSET ?",
                (*params, per_page, offset),
            ).fetchall()
            return TicketPage([ticket_row(r) for r in rows], int(total))

        return await self._worker.run(job)
