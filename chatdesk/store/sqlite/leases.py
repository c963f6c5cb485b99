"""SQLite: leases for periodic jobs (one holder at a time, taken over once expired), and
single-use keys in the same table."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

from ...models import format_ts
from .worker import SqliteWorker

__all__ = ["SqliteLeases"]

#: Single-use keys live in the leases table under this prefix (no job is named so).
_ONCE = "once:"


class SqliteLeases:
    """:class:`~chatdesk.store.LeaseStore` on SQLite."""

    def __init__(self, worker: SqliteWorker) -> None:
        self._worker = worker

    async def acquire_lease(self, name: str, holder: str, *, ttl: timedelta, now: datetime) -> bool:
        # One statement: insert, or take over when it is ours or has expired (the write
        # lock makes it atomic across processes sharing the file).
        taken = await self._worker.run(
            lambda conn: conn.execute(
                "INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)"
                " ON CONFLICT (name) DO UPDATE SET holder = excluded.holder,"
                " expires_at = excluded.expires_at"
                " WHERE leases.holder = excluded.holder OR leases.expires_at <= ?"
                " RETURNING holder",
                (name, holder, format_ts(now + ttl), format_ts(now)),
            ).fetchone()
        )
        return taken is not None

    async def release_lease(self, name: str, holder: str) -> None:
        await self._worker.run(
            lambda conn: conn.execute(
                "DELETE FROM leases WHERE name = ? AND holder = ?", (name, holder)
            )
        )

    async def claim_once(self, key: str, *, expires_at: datetime, now: datetime) -> bool:
        def claim(conn: sqlite3.Connection) -> bool:
            # Forget expired keys first (a range on the primary key: no full scan).
            conn.execute(
                "DELETE FROM leases WHERE name >= ? AND name < ? AND expires_at <= ?",
                (_ONCE, _ONCE[:-1] + ";", format_ts(now)),
            )
            inserted = conn.execute(
                "INSERT INTO leases (name, holder, expires_at) VALUES (?, 'used', ?)"
                " ON CONFLICT (name) DO NOTHING RETURNING name",
                (_ONCE + key, format_ts(expires_at)),
            ).fetchone()
            return inserted is not None

        return await self._worker.run(claim)
