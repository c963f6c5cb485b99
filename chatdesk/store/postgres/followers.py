"""PostgreSQL: the operators who follow tickets."""

from __future__ import annotations

from datetime import datetime

from ...models import format_ts
from ..followers import FOLLOW, FOLLOWERS, UNFOLLOW
from .database import Database

__all__ = ["PostgresFollowers"]


class PostgresFollowers:
    """:class:`~chatdesk.store.FollowerStore` on PostgreSQL."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def follow(self, ticket_id: str, operator_id: str, now: datetime) -> bool:
        sql = FOLLOW.format(p="$")
        return bool(await self._db.execute(sql, ticket_id, operator_id, format_ts(now)))

    async def unfollow(self, ticket_id: str, operator_id: str) -> bool:
        return bool(await self._db.execute(UNFOLLOW.format(p="$"), ticket_id, operator_id))

    async def followers(self, ticket_id: str) -> list[str]:
        rows = await self._db.fetch(FOLLOWERS.format(p="$"), ticket_id)
        return [row[0] for row in rows]
