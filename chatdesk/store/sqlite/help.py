"""SQLite: the help centre's records, and the votes (bot and pages) read back for reports."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from ...models import EntryActivity, SearchMiss, Votes, format_ts, parse_ts
from ..help import entry_activity
from .worker import SqliteWorker

__all__ = ["SqliteHelp", "read_votes", "write_page_vote"]


def _bounds(since: datetime | None, until: datetime | None) -> tuple[str, str]:
    # Every stored time sorts between these two strings.
    return (format_ts(since) if since else "", format_ts(until) if until else "~")


def _hour(ts: datetime) -> str:
    return format_ts(ts.replace(minute=0, second=0, microsecond=0))


class SqliteHelp:
    """:class:`~chatdesk.store.HelpStore` on SQLite."""

    def __init__(self, worker: SqliteWorker) -> None:
        self._worker = worker

    async def record_view(self, entry_id: str, lang: str, *, now: datetime) -> None:
        await self._add_one("help_views", "views", entry_id, lang, now)

    async def record_quote(self, entry_id: str, lang: str, *, now: datetime) -> None:
        await self._add_one("help_quotes", "quotes", entry_id, lang, now)

    async def _add_one(
        self, table: str, column: str, entry_id: str, lang: str, now: datetime
    ) -> None:
        """Add one to an entry's counter of ``now``'s hour (a table of ours, not input)."""
        await self._worker.run(
            lambda conn: conn.execute(
                f"INSERT INTO {table} (hour, entry_id, lang, {column}) VALUES (?, ?, ?, 1)"
                f" ON CONFLICT (hour, entry_id, lang) DO UPDATE SET {column} = {column} + 1",
                (_hour(now), entry_id, lang),
            )
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
        await self._worker.run(
            lambda conn: conn.execute(
                "INSERT INTO help_search_misses"
                " (ts, lang, query, best_entry_id, confidence, source) VALUES (?, ?, ?, ?, ?, ?)",
                (format_ts(now), lang, query, best_entry_id, confidence, source),
            )
        )

    async def record_deflection(
        self, entry_id: str, lang: str, query: str, *, now: datetime
    ) -> None:
        await self._worker.run(
            lambda conn: conn.execute(
                "INSERT INTO help_deflections (ts, entry_id, lang, query) VALUES (?, ?, ?, ?)",
                (format_ts(now), entry_id, lang, query),
            )
        )

    async def activity(
        self, *, since: datetime | None = None, until: datetime | None = None
    ) -> dict[str, EntryActivity]:
        start, end = _bounds(since, until)
        # The hour holding `since` counts: views are known per hour only.
        first_hour = _hour(since) if since else ""

        def job(conn: sqlite3.Connection) -> dict[str, EntryActivity]:
            views = conn.execute(
                "SELECT entry_id, SUM(views) FROM help_views WHERE hour >= ? AND hour < ?"
                " GROUP BY entry_id",
                (first_hour, end),
            ).fetchall()
            deflections = conn.execute(
                "SELECT entry_id, COUNT(*) FROM help_deflections WHERE ts >= ? AND ts < ?"
                " GROUP BY entry_id",
                (start, end),
            ).fetchall()
            quotes = conn.execute(
                "SELECT entry_id, SUM(quotes) FROM help_quotes WHERE hour >= ? AND hour < ?"
                " GROUP BY entry_id",
                (first_hour, end),
            ).fetchall()
            return entry_activity(views, deflections, quotes)

        return await self._worker.run(job)

    async def search_misses(
        self, *, since: datetime | None = None, until: datetime | None = None, limit: int = 100
    ) -> list[SearchMiss]:
        start, end = _bounds(since, until)
        rows = await self._worker.run(
            lambda conn: conn.execute(
                "SELECT query, lang, best_entry_id, confidence, ts, source FROM help_search_misses"
                " WHERE ts >= ? AND ts < ? ORDER BY ts DESC, rowid DESC LIMIT ?",
                (start, end, max(1, limit)),
            ).fetchall()
        )
        return [SearchMiss(r[0], r[1], r[2], float(r[3]), parse_ts(r[4]), r[5]) for r in rows]


def write_page_vote(
    conn: sqlite3.Connection, entry_id: str, lang: str, voter: str, useful: bool, now: datetime
) -> None:
    """Store or replace a reader's vote on an entry's page (inside a worker job)."""
    conn.execute(
        "INSERT INTO page_votes (entry_id, voter, lang, useful, ts) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (entry_id, voter) DO UPDATE"
        " SET lang = excluded.lang, useful = excluded.useful, ts = excluded.ts",
        (entry_id, voter, lang, int(useful), format_ts(now)),
    )


def read_votes(
    conn: sqlite3.Connection, since: datetime | None, until: datetime | None
) -> dict[str, Votes]:
    """Return the bot's and the pages' votes per entry in the period (inside a worker job)."""
    start, end = _bounds(since, until)
    counts: dict[str, list[int]] = {}
    for offset, table in ((0, "feedback"), (2, "page_votes")):
        rows = conn.execute(
            f"SELECT entry_id, SUM(useful), SUM(1 - useful) FROM {table}"
            " WHERE entry_id IS NOT NULL AND ts >= ? AND ts < ? GROUP BY entry_id",
            (start, end),
        ).fetchall()
        for entry_id, useful, not_useful in rows:
            row = counts.setdefault(entry_id, [0, 0, 0, 0])
            row[offset], row[offset + 1] = int(useful), int(not_useful)
    return {entry_id: Votes(*row) for entry_id, row in counts.items()}
