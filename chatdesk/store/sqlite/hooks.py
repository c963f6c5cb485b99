"""SQLite: the webhooks' feed (written by triggers) and deliveries."""

from __future__ import annotations

import sqlite3
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
from .worker import SqliteWorker

__all__ = ["SqliteHooks"]

_INSERT = (
    f"INSERT INTO hook_deliveries ({DELIVERY_COLUMNS})"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"
)


def _get(conn: sqlite3.Connection, delivery_id: str) -> HookDelivery | None:
    row = conn.execute(
        f"SELECT {DELIVERY_COLUMNS} FROM hook_deliveries WHERE id = ?", (delivery_id,)
    ).fetchone()
    return None if row is None else delivery_row(row)


class SqliteHooks:
    """:class:`~chatdesk.store.HookStore` on SQLite."""

    def __init__(self, worker: SqliteWorker) -> None:
        self._worker = worker

    async def take_feed(self, limit: int) -> list[HookFeedItem]:
        rows = await self._worker.run(
            lambda conn: conn.execute(
                f"SELECT {HOOK_FEED_COLUMNS} FROM hook_feed ORDER BY id LIMIT ?", (limit,)
            ).fetchall()
        )
        return [feed_row(r) for r in rows]

    async def consume_feed(self, item_id: int, deliveries: Sequence[HookDelivery]) -> bool:
        def job(conn: sqlite3.Connection) -> bool:
            if not conn.execute("DELETE FROM hook_feed WHERE id = ?", (item_id,)).rowcount:
                return False
            conn.executemany(_INSERT, [delivery_values(d) for d in deliveries])
            return True

        return await self._worker.run(job)

    async def claim_deliveries(
        self, now: datetime, *, until: datetime, limit: int
    ) -> list[HookDelivery]:
        at = format_ts(now)

        def job(conn: sqlite3.Connection) -> list[HookDelivery]:
            rows = conn.execute(
                f"SELECT {DELIVERY_COLUMNS} FROM hook_deliveries WHERE state = 'queued'"
                " AND next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until <= ?)"
                " ORDER BY next_attempt_at, feed_id, id LIMIT ?",
                (at, at, limit),
            ).fetchall()
            conn.executemany(
                "UPDATE hook_deliveries SET claimed_until = ? WHERE id = ?",
                [(format_ts(until), r[0]) for r in rows],
            )
            return [delivery_row(r) for r in rows]

        return await self._worker.run(job)

    async def mark_delivered(self, delivery_id: str, now: datetime) -> None:
        await self._worker.run(
            lambda conn: conn.execute(
                "UPDATE hook_deliveries SET state = 'sent', sent_at = ?, claimed_until = NULL,"
                " attempts = attempts + 1 WHERE id = ?",
                (format_ts(now), delivery_id),
            )
        )

    async def mark_delivery_failed(
        self, delivery_id: str, error: str, *, retry_at: datetime | None, now: datetime
    ) -> HookDelivery | None:
        state = HookState.QUEUED if retry_at is not None else HookState.FAILED

        def job(conn: sqlite3.Connection) -> HookDelivery | None:
            conn.execute(
                "UPDATE hook_deliveries SET state = ?, attempts = attempts + 1,"
                " last_error = ?, next_attempt_at = ?, claimed_until = NULL WHERE id = ?",
                (state.value, error[:500], format_ts(retry_at or now), delivery_id),
            )
            return _get(conn, delivery_id)

        return await self._worker.run(job)

    async def list_deliveries(self, state: HookState, *, limit: int = 100) -> list[HookDelivery]:
        rows = await self._worker.run(
            lambda conn: conn.execute(
                f"SELECT {DELIVERY_COLUMNS} FROM hook_deliveries WHERE state = ?"
                " ORDER BY created_at DESC, feed_id DESC, id DESC LIMIT ?",
                (state.value, limit),
            ).fetchall()
        )
        return [delivery_row(r) for r in rows]

    async def count_deliveries(self) -> dict[str, dict[HookState, int]]:
        rows = await self._worker.run(
            lambda conn: conn.execute(
                "SELECT endpoint, state, COUNT(*) FROM hook_deliveries GROUP BY endpoint, state"
            ).fetchall()
        )
        return counts(rows)

    async def retry_delivery(self, delivery_id: str, now: datetime) -> bool:
        changed: int = await self._worker.run(
            lambda conn: (
                conn.execute(
                    "UPDATE hook_deliveries SET state = 'queued', next_attempt_at = ?,"
                    " claimed_until = NULL WHERE id = ? AND state = 'failed'",
                    (format_ts(now), delivery_id),
                ).rowcount
            )
        )
        return changed > 0

    async def purge_deliveries(self, before: datetime) -> int:
        purged: int = await self._worker.run(
            lambda conn: (
                conn.execute(
                    "DELETE FROM hook_deliveries WHERE state != 'queued' AND created_at < ?",
                    (format_ts(before),),
                ).rowcount
            )
        )
        return purged
