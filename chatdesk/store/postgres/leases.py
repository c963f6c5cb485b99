"""PostgreSQL: leases for periodic jobs (one holder at a time, taken over once expired), and
single-use keys in the same table."""

from __future__ import annotations

from datetime import datetime, timedelta

from ...models import format_ts
from .database import Database

__all__ = ["PostgresLeases"]

#: Single-use keys live in the leases table under this prefix (no job is named so), as on
#: SQLite: a copied desk keeps its used keys.
_ONCE = "once:"

# One statement: forget the expired keys, and claim this one (taking it over if it has
# expired but is still there: two statements racing on it agree through its row lock).
# LIKE, not a range on the key: ranges follow the database's collation, which may
# ignore punctuation; the table is small (keys live minutes).
_CLAIM = """
    WITH forgotten AS (
        DELETE FROM leases WHERE name LIKE 'once:%' AND expires_at <= $3 AND name <> $1
    )
    INSERT INTO leases AS l (name, holder, expires_at) VALUES ($1, 'used', $2)
    ON CONFLICT (name) DO UPDATE SET holder = excluded.holder,
        expires_at = excluded.expires_at
    WHERE l.expires_at <= $3
    RETURNING name
"""


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

    async def claim_once(self, key: str, *, expires_at: datetime, now: datetime) -> bool:
        claimed = await self._db.fetchrow(
            _CLAIM, _ONCE + key, format_ts(expires_at), format_ts(now)
        )
        return claimed is not None
