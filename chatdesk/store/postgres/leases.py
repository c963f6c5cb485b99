"""PostgreSQL: leases for periodic jobs (one holder at a time, taken over once expired)."""

from __future__ import annotations

from datetime import datetime, timedelta

from ...models import format_ts
from .database import Database

__all__ = ["PostgresLeases"]


class PostgresLeases:
    """:class:`~chatdesk.store.LeaseStore` on PostgreSQL."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def acquire_lease(self, name: str, holder: str, *, ttl: timedelta, now: datetime) -> bool:
        # One statement: insert, or take over when it is ours or has expired. The upsert
        # locks the row, so of two processes racing for an expired lease one gets it.
        taken = await self._db.fetchrow(
            "INSERT INTO leases AS l (name, holder, expires_at) VALUES ($1, $2, $3)"
            " ON CONFLICT (name) DO UPDATE SET holder = excluded.holder,"
            " expires_at = excluded.expires_at"
            " WHERE l.holder = excluded.holder OR l.expires_at <= $4"
            " RETURNING holder",
            name,
            holder,
            format_ts(now + ttl),
            format_ts(now),
        )
        return taken is not None

    async def release_lease(self, name: str, holder: str) -> None:
        await self._db.execute("DELETE FROM leases WHERE name = $1 AND holder = $2", name, holder)
