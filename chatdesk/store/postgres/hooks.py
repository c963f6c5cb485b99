"""PostgreSQL: the webhooks' feed (written by triggers) and deliveries."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from ...models import format_ts
from ...models.hooks import HookDelivery, HookFeedItem, HookState
from ..hookrows import (
    DELIVERY_COLUMNS,
    HOOK_FEED_COLUMNS,
    counts,
    delivery_row,
    delivery_values,
    feed_row,
)
from .database import Database, rowcount

__all__ = ["PostgresHooks"]

#: The type of each of :data:`DELIVERY_COLUMNS` (inserted as one array a column).
_TYPES = ("text",) * 6 + ("bigint", "text", "int") + ("text",) * 4
_INSERT = (
    f"INSERT INTO hook_deliveries ({DELIVERY_COLUMNS}) SELECT * FROM unnest("
    + ", ".join(f"${i}::{t}[]" for i, t in enumerate(_TYPES, 1))
    + ") ON CONFLICT DO NOTHING"
)
# Due deliveries not claimed by a live sender; rows another claim holds are skipped.
_CLAIM = f"""
    WITH due AS (
        SELECT id FROM hook_deliveries
        WHERE state = 'queued' AND next_attempt_at <= $1
            AND (claimed_until IS NULL OR claimed_until <= $1)
        ORDER BY next_attempt_at, feed_id, id LIMIT $3
        FOR UPDATE SKIP LOCKED
    ), claimed AS (
        UPDATE hook_deliveries d SET claimed_until = $2 FROM due WHERE d.id = due.id
        RETURNING d.*
    )
    SELECT {DELIVERY_COLUMNS} FROM claimed ORDER BY next_attempt_at, feed_id, id
"""


class PostgresHooks:
    """:class:`~chatdesk.store.HookStore` on PostgreSQL."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def take_feed(self, limit: int) -> list[HookFeedItem]:
        rows = await self._db.fetch(
            f"SELECT {HOOK_FEED_COLUMNS} FROM hook_feed ORDER BY id LIMIT $1", limit
        )
        return [feed_row(r) for r in rows]

    async def consume_feed(self, item_id: int, deliveries: Sequence[HookDelivery]) -> bool:
        async with self._db.transaction() as conn:
            # The delete locks the item: a second consumer waits, then finds it gone.
            if not rowcount(await conn.execute("DELETE FROM hook_feed WHERE id = $1", item_id)):
                return False
            if deliveries:
                values = (delivery_values(d) for d in deliveries)
                await conn.execute(_INSERT, *[list(c) for c in zip(*values, strict=True)])
            return True

    async def claim_deliveries(
        self, now: datetime, *, until: datetime, limit: int
    ) -> list[HookDelivery]:
        rows = await self._db.fetch(_CLAIM, format_ts(now), format_ts(until), limit)
        return [delivery_row(r) for r in rows]

    async def mark_delivered(self, delivery_id: str, now: datetime) -> None:
        await self._db.execute(
            "UPDATE hook_deliveries SET state = 'sent', sent_at = $1, claimed_until = NULL,"
            " attempts = attempts + 1 WHERE id = $2",
            format_ts(now),
            delivery_id,
        )

    async def mark_delivery_failed(
        self, delivery_id: str, error: str, *, retry_at: datetime | None, now: datetime
    ) -> HookDelivery | None:
        state = HookState.QUEUED if retry_at is not None else HookState.FAILED
        row = await self._db.fetchrow(
            "UPDATE hook_deliveries SET state = $1, attempts = attempts + 1, last_error = $2,"
            " next_attempt_at = $3, claimed_until = NULL WHERE id = $4"
            f" RETURNING {DELIVERY_COLUMNS}",
            state.value,
            error[:500],
            format_ts(retry_at or now),
            delivery_id,
        )
        return None if row is None else delivery_row(row)

    async def list_deliveries(self, state: HookState, *, limit: int = 100) -> list[HookDelivery]:
        rows = await self._db.fetch(
            f"SELECT {DELIVERY_COLUMNS} FROM hook_deliveries WHERE state = $1"
            " ORDER BY created_at DESC, feed_id DESC, id DESC LIMIT $2",
            state.value,
            limit,
        )
        return [delivery_row(r) for r in rows]

    async def count_deliveries(self) -> dict[str, dict[HookState, int]]:
        rows = await self._db.fetch(
            "SELECT endpoint, state, COUNT(*) FROM hook_deliveries GROUP BY endpoint, state"
        )
        return counts(rows)

    async def retry_delivery(self, delivery_id: str, now: datetime) -> bool:
        changed = await self._db.execute(
            "UPDATE hook_deliveries SET state = 'queued', next_attempt_at = $1,"
            " claimed_until = NULL WHERE id = $2 AND state = 'failed'",
            format_ts(now),
            delivery_id,
        )
        return changed > 0

    async def purge_deliveries(self, before: datetime) -> int:
        return await self._db.execute(
            "DELETE FROM hook_deliveries WHERE state != 'queued' AND created_at < $1",
            format_ts(before),
        )
