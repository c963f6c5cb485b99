"""PostgreSQL: the retention policy's deletions and anonymisations, a batch a transaction."""

from __future__ import annotations

import itertools
import re
from datetime import datetime

from ...models import format_ts
from ..conversations import active_minute
from ..retention import (
    ANONYMISE_TICKETS,
    CHATS_DUE,
    DELETE_CHATS,
    DELETE_VISITORS,
    FORGET_SEARCHES,
    TICKETS_DUE,
    for_ids,
)
from .database import Database, rowcount

__all__ = ["PostgresRetention"]

_NO_LIMIT = None  # PostgreSQL's LIMIT NULL: every row


def _numbered(sql: str) -> str:
    """Return ``sql`` with its ``?`` placeholders as ``$1``, ``$2``, …"""
    count = itertools.count(1)
    return re.sub(r"\?", lambda _: f"${next(count)}", sql)


class PostgresRetention:
    """:class:`~chatdesk.store.RetentionStore` on PostgreSQL."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def count_expired(
        self, *, chats_before: datetime, tickets_before: datetime
    ) -> tuple[int, int]:
        chats, tickets = format_ts(chats_before), format_ts(tickets_before)
        count_chats = await self._db.fetchval(
            _numbered(f"SELECT count(*) FROM ({CHATS_DUE}) due"),
            "", active_minute(chats), chats, chats, _NO_LIMIT,
        )  # fmt: skip
        count_tickets = await self._db.fetchval(
            _numbered(f"SELECT count(*) FROM ({TICKETS_DUE}) due"), tickets, _NO_LIMIT
        )
        return int(count_chats), int(count_tickets)

    async def delete_chats(
        self, before: datetime, *, limit: int, after: str = ""
    ) -> tuple[int, str]:
        cut = format_ts(before)
        minute = active_minute(cut)
        async with self._db.transaction() as conn:
            rows = await conn.fetch(
                _numbered(CHATS_DUE + " FOR UPDATE SKIP LOCKED"), after, minute, cut, cut, limit
            )
            for sql, key in DELETE_CHATS:
                column = 0 if key == "id" else 1
                await conn.executemany(_numbered(sql), [(row[column],) for row in rows])
            visitors = {row[2] for row in rows}
            await conn.executemany(_numbered(DELETE_VISITORS), [(v,) for v in visitors])
        return len(rows), (rows[-1][3] if len(rows) == limit else minute)

    async def forget_searches(self, before: datetime, *, limit: int) -> int:
        cut = format_ts(before)
        async with self._db.transaction() as conn:
            changed = 0
            for sql in FORGET_SEARCHES:
                sql = _numbered(sql.format(row="ctid"))
                changed += rowcount(await conn.execute(sql, cut, limit))
        return changed

    async def anonymise_tickets(self, before: datetime, *, now: datetime, limit: int) -> int:
        cut, stamp = format_ts(before), format_ts(now)
        async with self._db.transaction() as conn:
            ids = [
                row[0]
                for row in await conn.fetch(
                    _numbered(TICKETS_DUE + " FOR UPDATE SKIP LOCKED"), cut, limit
                )
            ]
            if ids:
                for statement in ANONYMISE_TICKETS:
                    sql = for_ids(statement, "= ANY($1::text[])", "$2::text")
                    if "$2" in sql:
                        await conn.execute(sql, ids, stamp)
                    else:
                        await conn.execute(sql, ids)
        return len(ids)
