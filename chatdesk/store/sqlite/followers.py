"""SQLite: the operators who follow tickets."""

from __future__ import annotations

from datetime import datetime

from ...models import format_ts
from ..followers import FOLLOW, FOLLOWERS, UNFOLLOW
from .worker import SqliteWorker

__all__ = ["SqliteFollowers"]


class SqliteFollowers:
    """:class:`~chatdesk.store.FollowerStore` on SQLite."""

    def __init__(self, worker: SqliteWorker) -> None:
        self._worker = worker

    async def follow(self, ticket_id: str, operator_id: str, now: datetime) -> bool:
        sql, args = FOLLOW.format(p="?"), (ticket_id, operator_id, format_ts(now))
        return bool(await self._worker.run(lambda conn: conn.execute(sql, args).rowcount))

    async def unfollow(self, ticket_id: str, operator_id: str) -> bool:
        sql = UNFOLLOW.format(p="?")
        changed = await self._worker.run(
            lambda conn: conn.execute(sql, (ticket_id, operator_id)).rowcount
        )
        return bool(changed)

    async def followers(self, ticket_id: str) -> list[str]:
        sql = FOLLOWERS.format(p="?")
        rows = await self._worker.run(lambda conn: conn.execute(sql, (ticket_id,)).fetchall())
        return [row[0] for row in rows]
