"""Group commit for PostgreSQL: concurrent message appends share one round trip and commit."""

from __future__ import annotations

import asyncio

import asyncpg

from ..conversations import answered_by_people
from ..rows import CONVERSATION_COLUMNS, MESSAGE_COLUMNS, MESSAGE_READ, MESSAGES_FROM
from .database import Connection, Database, Record

__all__ = ["APPEND", "FIND_RETRY", "AppendBatcher"]

# One statement per message: the conversation's row lock (taken by the UPDATE) orders
# concurrent appends, and the UPDATE re-reads last_seq once it has the lock. The retry check
# reads the statement's snapshot; a twin committed meanwhile makes the INSERT hit the unique
# index on client ids, which undoes the statement. It always returns one row: the
# conversation after the append, or NULLs (a retry, or no such conversation). The inbox's
# minute mostly keeps its value, which leaves its index alone (a HOT update).
APPEND = f"""
WITH conv AS (
    UPDATE conversations SET last_seq = last_seq + 1, updated_at = GREATEST(updated_at, $5),
        active_minute = GREATEST(active_minute, substr($5, 1, 16)),
        answered_seq = {answered_by_people("$3")}
    WHERE id = $1 AND NOT EXISTS (
        SELECT 1 FROM messages
        WHERE conv = conversations.num AND author = $3 AND client_id = $6
    )
    RETURNING {CONVERSATION_COLUMNS}, num
), inserted AS (
    INSERT INTO messages ({MESSAGE_COLUMNS})
    SELECT $2::text, conv.num, conv.last_seq, $3, $4::text, $5, $6, $7::text FROM conv
)
SELECT conv.* FROM (SELECT 1) AS one LEFT JOIN conv ON true
"""
FIND_RETRY = (
    f"SELECT {MESSAGE_READ} FROM {MESSAGES_FROM}"
    " WHERE c.id = $1 AND m.author = $2 AND m.client_id = $3"
)

#: Most appends sent in one round trip (and committed together).
MAX_BATCH = 256

Args = tuple[str, str, str, str, str, str | None, str | None]


class AppendBatcher:
    """Run :data:`APPEND` for every caller waiting, a batch at a time per connection.

    Like the SQLite worker's group commit: the appends that arrive while a batch is in flight
    go together in the next one, as one pipelined transaction (one commit, one WAL flush)
    instead of a round trip and a commit each. Callers are answered once their batch has
    committed. Within a batch the appends are sorted by conversation (keeping their order
    within one), so two batches lock conversations in the same order: no deadlock.
    """

    def __init__(self, db: Database, *, parallel: int) -> None:
        self._db = db
        self._parallel = parallel
        self._pending: list[tuple[Args, asyncio.Future[Record]]] = []
        self._running = 0

    async def append(self, args: Args) -> Record:
        """Run one append (``args`` as :data:`APPEND` takes them); return its row."""
        future: asyncio.Future[Record] = asyncio.get_running_loop().create_future()
        self._pending.append((args, future))
        if self._running < self._parallel:
            self._running += 1
            asyncio.get_running_loop().create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        try:
            while self._pending:
                batch, self._pending = self._pending[:MAX_BATCH], self._pending[MAX_BATCH:]
                batch.sort(key=lambda item: item[0][0])  # stable: order within a conversation
                await self._run(batch)
        finally:
            self._running -= 1

    async def _run(self, batch: list[tuple[Args, asyncio.Future[Record]]]) -> None:
        try:
            async with self._db.connection() as conn:
                try:
                    rows = await conn.fetchmany(APPEND, [args for args, _ in batch])
                except asyncpg.UniqueViolationError:
                    # A retry raced its twin: the batch was undone; each on its own, where
                    # the one that hits the index is told so.
                    rows = None
                if rows is None:
                    for args, future in batch:
                        await self._one(conn, args, future)
                    return
        except Exception as exc:  # the database failed: every caller of the batch hears it
            for _, future in batch:
                if not future.done():
                    future.set_exception(exc)
            return
        for (_, future), row in zip(batch, rows, strict=True):
            if not future.done():
                future.set_result(row)

    @staticmethod
    async def _one(conn: Connection, args: Args, future: asyncio.Future[Record]) -> None:
        try:
            row = await conn.fetchrow(APPEND, *args)
        except asyncpg.UniqueViolationError as exc:
            if not future.done():
                future.set_exception(exc)
            return
        if not future.done():
            assert row is not None  # the statement always returns one row
            future.set_result(row)
