"""PostgreSQL: the retention policy's deletions and anonymisations, a batch a transaction."""

from __future__ import annotations

from datetime import datetime

from ...models import format_ts
from ..conversations import active_minute
from ..retention import ANONYMISE_TICKETS, for_ids, statements
from .database import Database, rowcount

__all__ = ["PostgresRetention"]

_NO_LIMIT = None  # PostgreSQL's LIMIT NULL: every row
_SQL = statements("$", "ctid")


class PostgresRetention:
    """:class:`~chatdesk.store.RetentionStore` on PostgreSQL."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def count_expired(
        self, *, chats_before: datetime, tickets_before: datetime
    ) -> tuple[int, int]:
        chats, tickets = format_ts(chats_before), format_ts(tickets_before)
        count_chats = await self._db.fetchval(
            f"SELECT count(*) FROM ({_SQL.chats_due}) due",
            "",
            active_minute(chats),
            chats,
            _NO_LIMIT,
        )
        count_tickets = await self._db.fetchval(
            f"SELECT count(*) FROM ({_SQL.tickets_due}) due", tickets, _NO_LIMIT
        )
        return int(count_chats), int(count_tickets)

    async def delete_chats(
        self, before: datetime, *, limit: int, after: str = ""
    ) -> tuple[int, str]:
        cut = format_ts(before)
        minute = active_minute(cut)
        async with self._db.transaction() as conn:
            rows = await conn.fetch(
                _SQL.chats_due + " FOR UPDATE SKIP LOCKED", after, minute, cut, limit
            )
            for sql, key in _SQL.delete_chats:
                column = 0 if key == "id" else 1
                await conn.executemany(sql, [(row[column],) for row in rows])
            visitors = {row[2] for row in rows}
            await conn.executemany(_SQL.delete_visitors, [(v,) for v in visitors])
        return len(rows), (rows[-1][3] if len(rows) == limit else minute)

    async def forget_searches(self, before: datetime, *, limit: int) -> int:
        cut = format_ts(before)
        async with self._db.transaction() as conn:
            changed = 0
            for sql in _SQL.forget_searches:
                changed += rowcount(await conn.execute(sql, cut, limit))
        return changed

    async def anonymise_tickets(self, before: datetime, *, now: datetime, limit: int) -> int:
        cut, stamp = format_ts(before), format_ts(now)
        async with self._db.transaction() as conn:
            ids = [
                row[0]
                for row in await conn.fetch(
                    _SQL.tickets_due + " FOR UPDATE SKIP LOCKED", cut, limit
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
