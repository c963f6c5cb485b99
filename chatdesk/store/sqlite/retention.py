"""SQLite: the retention policy's deletions and anonymisations, a batch a transaction."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from ...models import format_ts
from ..conversations import active_minute
from ..retention import ANONYMISE_TICKETS, for_ids, statements
from .worker import SqliteWorker

__all__ = ["SqliteRetention"]

_NO_LIMIT = -1  # SQLite's LIMIT -1: every row
_SQL = statements("?", "rowid")


class SqliteRetention:
    """:class:`~chatdesk.store.RetentionStore` on SQLite."""

    def __init__(self, worker: SqliteWorker) -> None:
        self._worker = worker

    async def count_expired(
        self, *, chats_before: datetime, tickets_before: datetime
    ) -> tuple[int, int]:
        chats, tickets = format_ts(chats_before), format_ts(tickets_before)

        def job(conn: sqlite3.Connection) -> tuple[int, int]:
            due = ("", active_minute(chats), chats, _NO_LIMIT)
            (count_chats,) = conn.execute(
                f"SELECT count(*) FROM ({_SQL.chats_due})", due
            ).fetchone()
            (count_tickets,) = conn.execute(
                f"SELECT count(*) FROM ({_SQL.tickets_due})", (tickets, _NO_LIMIT)
            ).fetchone()
            return int(count_chats), int(count_tickets)

        return await self._worker.run(job)

    async def delete_chats(
        self, before: datetime, *, limit: int, after: str = ""
    ) -> tuple[int, str]:
        cut = format_ts(before)
        minute = active_minute(cut)

        def job(conn: sqlite3.Connection) -> tuple[int, str]:
            rows = conn.execute(_SQL.chats_due, (after, minute, cut, limit)).fetchall()
            for sql, key in _SQL.delete_chats:
                conn.executemany(sql, [(row[0] if key == "id" else row[1],) for row in rows])
            conn.executemany(_SQL.delete_visitors, [(v,) for v in {row[2] for row in rows}])
            return len(rows), (rows[-1][3] if len(rows) == limit else minute)

        return await self._worker.run(job)

    async def forget_searches(self, before: datetime, *, limit: int) -> int:
        cut = format_ts(before)

        def job(conn: sqlite3.Connection) -> int:
            return sum(conn.execute(sql, (cut, limit)).rowcount for sql in _SQL.forget_searches)

        return await self._worker.run(job)

    async def anonymise_tickets(self, before: datetime, *, now: datetime, limit: int) -> int:
        cut, stamp = format_ts(before), format_ts(now)

        def job(conn: sqlite3.Connection) -> int:
            ids = [row[0] for row in conn.execute(_SQL.tickets_due, (cut, limit))]
            for statement in ANONYMISE_TICKETS:
                sql = for_ids(statement, "= :id", ":now")
                conn.executemany(sql, [{"id": i, "now": stamp} for i in ids])
            return len(ids)

        return await self._worker.run(job)
