"""PostgreSQL: the help centre's records, and the votes (bot and pages) read back for reports."""

from __future__ import annotations

from datetime import datetime

from ...models import EntryActivity, SearchMiss, Votes, format_ts, parse_ts
from ..help import entry_activity
from .database import Database

__all__ = ["PostgresHelp", "read_votes", "write_page_vote"]

# An open side of a period is NULL: `($2::text IS NULL OR ts < $2)`, no sentinel string
# whose place in the database's collation would have to be trusted.
_IN_PERIOD = "($1::text IS NULL OR {col} >= $1) AND ($2::text IS NULL OR {col} < $2)"


def _bounds(since: datetime | None, until: datetime | None) -> tuple[str | None, str | None]:
    return (format_ts(since) if since else None, format_ts(until) if until else None)


def _hour(ts: datetime) -> str:
    return format_ts(ts.replace(minute=0, second=0, microsecond=0))


class PostgresHelp:
    """:class:`~chatdesk.store.HelpStore` on PostgreSQL."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def record_view(self, entry_id: str, lang: str, *, now: datetime) -> None:
        await self._add_one("help_views", "views", entry_id, lang, now)

    async def record_quote(self, entry_id: str, lang: str, *, now: datetime) -> None:
        await self._add_one("help_quotes", "quotes", entry_id, lang, now)

    async def _add_one(
        self, table: str, column: str, entry_id: str, lang: str, now: datetime
    ) -> None:
        """Add one to an entry's counter of ``now``'s hour (a table of ours, not input)."""
        await self._db.execute(
            f"INSERT INTO {table} AS c (hour, entry_id, lang, {column}) VALUES ($1, $2, $3, 1)"
            f" ON CONFLICT (hour, entry_id, lang) DO UPDATE SET {column} = c.{column} + 1",
            _hour(now),
            entry_id,
            lang,
        )

    async def record_search_miss(
        self,
        query: str,
        lang: str,
        *,
        best_entry_id: str | None,
        confidence: float,
        now: datetime,
        source: str = "reader",
    ) -> None:
        await self._db.execute(
            "INSERT INTO help_search_misses"
            " (ts, lang, query, best_entry_id, confidence, source) VALUES ($1, $2, $3, $4, $5, $6)",
            format_ts(now),
            lang,
            query,
            best_entry_id,
            confidence,
            source,
        )

    async def record_deflection(
        self, entry_id: str, lang: str, query: str, *, now: datetime
    ) -> None:
        await self._db.execute(
            "INSERT INTO help_deflections (ts, entry_id, lang, query) VALUES ($1, $2, $3, $4)",
            format_ts(now),
            entry_id,
            lang,
            query,
        )

    async def activity(
        self, *, since: datetime | None = None, until: datetime | None = None
    ) -> dict[str, EntryActivity]:
        start, end = _bounds(since, until)
        # The hour holding `since` counts: views are known per hour only.
        first_hour = _hour(since) if since else None
        views = await self._db.fetch(
            "SELECT entry_id, SUM(views) FROM help_views"
            f" WHERE {_IN_PERIOD.format(col='hour')} GROUP BY entry_id",
            first_hour,
            end,
        )
        deflections = await self._db.fetch(
            "SELECT entry_id, COUNT(*) FROM help_deflections"
            f" WHERE {_IN_PERIOD.format(col='ts')} GROUP BY entry_id",
            start,
            end,
        )
        quotes = await self._db.fetch(
            "SELECT entry_id, SUM(quotes) FROM help_quotes"
            f" WHERE {_IN_PERIOD.format(col='hour')} GROUP BY entry_id",
            first_hour,
            end,
        )
        return entry_activity(
            *([(r[0], r[1]) for r in rows] for rows in (views, deflections, quotes))
        )

    async def search_misses(
        self, *, since: datetime | None = None, until: datetime | None = None, limit: int = 100
    ) -> list[SearchMiss]:
        start, end = _bounds(since, until)
        rows = await self._db.fetch(
            "SELECT query, lang, best_entry_id, confidence, ts, source FROM help_search_misses"
            f" WHERE {_IN_PERIOD.format(col='ts')} ORDER BY ts DESC, ctid DESC LIMIT $3",
            start,
            end,
            max(1, limit),
        )
        return [SearchMiss(r[0], r[1], r[2], float(r[3]), parse_ts(r[4]), r[5]) for r in rows]


async def write_page_vote(
    db: Database, entry_id: str, lang: str, voter: str, useful: bool, now: datetime
) -> None:
    """Store or replace a reader's vote on an entry's page."""
    await db.execute(
        "INSERT INTO page_votes (entry_id, voter, lang, useful, ts) VALUES ($1, $2, $3, $4, $5)"
        " ON CONFLICT (entry_id, voter) DO UPDATE"
        " SET lang = excluded.lang, useful = excluded.useful, ts = excluded.ts",
        entry_id,
        voter,
        lang,
        int(useful),
        format_ts(now),
    )


async def read_votes(
    db: Database, since: datetime | None, until: datetime | None
) -> dict[str, Votes]:
    """Return the bot's and the pages' votes per entry in the period."""
    start, end = _bounds(since, until)
    counts: dict[str, list[int]] = {}
    for offset, table in ((0, "feedback"), (2, "page_votes")):
        rows = await db.fetch(
            f"SELECT entry_id, SUM(useful), SUM(1 - useful) FROM {table}"
            f" WHERE entry_id IS NOT NULL AND {_IN_PERIOD.format(col='ts')} GROUP BY entry_id",
            start,
            end,
        )
        for entry_id, useful, not_useful in rows:
            row = counts.setdefault(entry_id, [0, 0, 0, 0])
            row[offset], row[offset + 1] = int(useful), int(not_useful)
    return {entry_id: Votes(*row) for entry_id, row in counts.items()}
