"""SQLite: what visitors tell the bot (ratings, misses, choices, page votes)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import datetime

from ...errors import NotFound
from ...models import Author, Miss, Votes, format_ts
from ..misses import DISMISS, DISMISSED, miss_rows, misses_query
from ..rows import MESSAGES_FROM
from .help import read_votes, write_page_vote
from .worker import SqliteWorker

__all__ = ["SqliteFeedback"]


class SqliteFeedback:
    """:class:`~chatdesk.store.FeedbackStore` on SQLite."""

    def __init__(self, worker: SqliteWorker) -> None:
        self._worker = worker

    async def record_feedback(
        self, conversation_id: str, message_id: str, *, useful: bool, now: datetime
    ) -> None:
        def job(conn: sqlite3.Connection) -> None:
            # Found within its conversation's range of the key (messages have no index on
            # their id).
            row = conn.execute(
                f"SELECT m.extra, m.conv, m.seq FROM {MESSAGES_FROM}"
                " WHERE m.id = ? AND c.id = ? AND m.author = ?",
                (message_id, conversation_id, Author.BOT.value),
            ).fetchone()
            if row is None:
                raise NotFound("no such bot message in this conversation")
            entry_id = json.loads(row[0]).get("entry_id") if row[0] else None
            conn.execute(
                "INSERT INTO feedback (message_id, conversation_id, entry_id, useful, ts)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (message_id) DO UPDATE"
                " SET useful = excluded.useful, ts = excluded.ts",
                (message_id, conversation_id, entry_id, int(useful), format_ts(now)),
            )
            # The rating also travels with the message, so history shows it again.
            conn.execute(
                "UPDATE messages SET extra = json_set(COALESCE(extra, '{}'), '$.feedback',"
                " json(?)) WHERE conv = ? AND seq = ?",
                ("true" if useful else "false", row[1], row[2]),
            )

        await self._worker.run(job)

    async def misses(self, *, since: datetime | None = None, limit: int = 5000) -> list[Miss]:
        start = format_ts(since) if since is not None else ""
        rows = await self._worker.run(
            lambda conn: conn.execute(misses_query("sqlite"), (start, limit)).fetchall()
        )
        return miss_rows(rows)

    async def dismiss_misses(self, misses: Sequence[Miss], operator_id: str, now: datetime) -> None:
        rows = [(m.key, format_ts(m.ts), operator_id, format_ts(now)) for m in misses]
        await self._worker.run(lambda conn: conn.executemany(DISMISS["sqlite"], rows))

    async def dismissed_misses(self, *, since: datetime | None = None) -> set[str]:
        start = format_ts(since) if since is not None else ""
        rows = await self._worker.run(
            lambda conn: conn.execute(DISMISSED["sqlite"], (start,)).fetchall()
        )
        return {row[0] for row in rows}

    async def feedback_summary(self) -> dict[str, tuple[int, int]]:
        rows = await self._worker.run(
            lambda conn: conn.execute(
                "SELECT entry_id, SUM(useful), SUM(1 - useful) FROM feedback"
                " WHERE entry_id IS NOT NULL GROUP BY entry_id"
            ).fetchall()
        )
        return {row[0]: (int(row[1]), int(row[2])) for row in rows}

    async def record_page_vote(
        self, entry_id: str, lang: str, voter: str, *, useful: bool, now: datetime
    ) -> None:
        await self._worker.run(
            lambda conn: write_page_vote(conn, entry_id, lang, voter, useful, now)
        )

    async def votes(
        self, *, since: datetime | None = None, until: datetime | None = None
    ) -> dict[str, Votes]:
        return await self._worker.run(lambda conn: read_votes(conn, since, until))

    async def record_choice(
        self, conversation_id: str, message_id: str, entry_id: str, now: datetime
    ) -> None:
        await self._worker.run(
            lambda conn: conn.execute(
                "INSERT OR IGNORE INTO choices (message_id, conversation_id, entry_id, ts)"
                " VALUES (?, ?, ?, ?)",
                (message_id, conversation_id, entry_id, format_ts(now)),
            )
        )
