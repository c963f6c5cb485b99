"""SQLite: the senders the desk blocks."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from ...models import BlockedSender, format_ts
from ..blocks import BLOCK, HIT, LIST_BLOCKED, UNBLOCK, blocked_row, matching_sql, sender_keys
from .worker import SqliteWorker

__all__ = ["SqliteBlocks"]


class SqliteBlocks:
    """:class:`~chatdesk.store.BlockStore` on SQLite."""

    def __init__(self, worker: SqliteWorker) -> None:
        self._worker = worker

    async def block(self, entry: BlockedSender) -> bool:
        sql = BLOCK.format(p="?")
        args = (entry.pattern, format_ts(entry.created_at), entry.note, entry.created_by,
                entry.hits, format_ts(entry.last_hit) if entry.last_hit else None)  # fmt: skip
        return bool(await self._worker.run(lambda conn: conn.execute(sql, args).rowcount))

    async def unblock(self, pattern: str) -> bool:
        sql = UNBLOCK.format(p="?")
        return bool(await self._worker.run(lambda conn: conn.execute(sql, (pattern,)).rowcount))

    async def list_blocked(self) -> list[BlockedSender]:
        rows = await self._worker.run(lambda conn: conn.execute(LIST_BLOCKED).fetchall())
        return [blocked_row(row) for row in rows]

    async def matching(self, address: str, now: datetime | None = None) -> BlockedSender | None:
        keys = sender_keys(address)
        if not keys:
            return None
        sql = matching_sql(keys, "?")

        def find(conn: sqlite3.Connection) -> BlockedSender | None:
            row = conn.execute(sql, keys).fetchone()
            if row is None:
                return None
            if now is not None:
                conn.execute(HIT.format(p="?"), (row[0], format_ts(now)))
            return blocked_row(row)

        return await self._worker.run(find)
