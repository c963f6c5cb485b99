"""PostgreSQL: the retention policy's deletions and anonymisations, a batch a transaction."""

from __future__ import annotations

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
_CHATS_DUE = CHATS_DUE.format(p="$")
_TICKETS_DUE = TICKETS_DUE.format(p="$")
_DELETE_CHATS = [(sql.format(p="$"), key) for sql, key in DELETE_CHATS]
_DELETE_VISITORS = DELETE_VISITORS.format(p="$")
_FORGET_SEARCHES = [sql.format(p="$", row="ctid") for sql in FORGET_SEARCHES]


class PostgresRetention:
    """:class:`~chatdesk.store.RetentionStore` on PostgreSQL."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def count_expired(
        self, *, chats_before: datetime, tickets_before: datetime
    ) -> tuple[int, int]:
        chats, tickets = format_ts(chats_before), format_ts(tickets_before)
        count_chats = await self._db.fetchval(
            f"SELECT count(*) FROM ({_CHATS_DUE}) due", "", active_minute(chats), chats, _NO_LIMIT
        )
        count_tickets = await self._db.fetchval(
            f"SELECT count(*) FROM ({_TICKETS_DUE}) due", tickets, _NO_LIMIT
        )
        return int(count_chats), int(count_tickets)

    async def delete_chats(
        self, before: datetime, *, limit: int, after: str = ""
    ) -> tuple[int, str]:
        cut = format_ts(before)
        minute = active_minute(cut)
        async with self._db.transaction() as conn:
            rows = await conn.fetch(
                _CHATS_DUE + " FOR UPDATE SKIP LOCKED", after, minute, cut, limit
            )
            for sql, key in _DELETE_CHATS:
                column = 0 if key == "id" else 1
                await conn.executemany(sql, [(row[column],) for row in rows])
            visitors = {row[2] for row in rows}
            await conn.executemany(_DELETE_VISITORS, [(v,) for v in visitors])
        return len(rows), (rows[-1][3] if len(rows) == limit else minute)

    async def forget_searches(self, before: datetime, *, limit: int) -> int:
        cut = format_ts(before)
        async with self._db.transaction() as conn:
            changed = 0
            for sql in _FORGET_SEARCHES:
                changed += rowcount(await conn.execute(sql, cut, limit))
        return changed

    async def anonymise_tickets(self, before: datetime, *, now: datetime, limit: int) -> int:
        cut, stamp = format_ts(before), format_ts(now)
        async with self._db.transaction() as conn:
            ids = [
                row[0]
                for row in await conn.fetch(_TICKETS_DUE + " FOR UPDATE SKIP LOCKED", cut, limit)
            ]
            if ids:
                for statement in ANONYMISE_TICKETS:
                    sql = for_ids(statement, "= ANY($1::text[])", "$2::text")
                    if "$2" in sql:
                        await conn.execute(sql, ids, stamp)
                    else:
                        await conn.execute(sql, ids)
        return len(ids)
