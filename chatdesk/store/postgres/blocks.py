"""PostgreSQL: the senders the desk blocks."""

from __future__ import annotations

from datetime import datetime

from ...models import BlockedSender, format_ts
from ..blocks import BLOCK, HIT, LIST_BLOCKED, UNBLOCK, blocked_row, matching_sql, sender_keys
from .database import Database

__all__ = ["PostgresBlocks"]


class PostgresBlocks:
    """:class:`~chatdesk.store.BlockStore` on PostgreSQL."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def block(self, entry: BlockedSender) -> bool:
        last = format_ts(entry.last_hit) if entry.last_hit else None
        args = (entry.pattern, format_ts(entry.created_at), entry.note, entry.created_by,
                entry.hits, last)  # fmt: skip
        return bool(await self._db.execute(BLOCK.format(p="$"), *args))

    async def unblock(self, pattern: str) -> bool:
        return bool(await self._db.execute(UNBLOCK.format(p="$"), pattern))

    async def list_blocked(self) -> list[BlockedSender]:
        return [blocked_row(row) for row in await self._db.fetch(LIST_BLOCKED)]

    async def matching(self, address: str, now: datetime | None = None) -> BlockedSender | None:
        keys = sender_keys(address)
        if not keys:
            return None
        row = await self._db.fetchrow(matching_sql(keys, "$"), *keys)
        if row is None:
            return None
        if now is not None:
            await self._db.execute(HIT.format(p="$"), row[0], format_ts(now))
        return blocked_row(row)
