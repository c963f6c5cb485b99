"""PostgreSQL: what visitors tell the bot (ratings, misses, choices, page votes)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from ...errors import NotFound
from ...models import Author, Miss, Votes, format_ts
from ..misses import DISMISS, DISMISSED, miss_rows, misses_query
from ..rows import MESSAGES_FROM
from .database import Database
from .help import read_votes, write_page_vote

__all__ = ["PostgresFeedback"]


class PostgresFeedback:
    """:class:`~chatdesk.store.FeedbackStore` on PostgreSQL."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def record_feedback(
        self, conversation_id: str, message_id: str, *, useful: bool, now: datetime
    ) -> None:
        async with self._db.transaction() as conn:
            row = await conn.fetchrow(
                f"SELECT m.extra, m.conv, m.seq FROM {MESSAGES_FROM} WHERE m.id = $1"
                " AND c.id = $2 AND m.author = $3 FOR UPDATE OF m",
                message_id,
                conversation_id,
                Author.BOT.value,
            )
            if row is None:
                raise NotFound("no such bot message in this conversation")
            extra = json.loads(row[0]) if row[0] else {}
            await conn.execute(
                "INSERT INTO feedback (message_id, conversation_id, entry_id, useful, ts)"
                " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (message_id) DO UPDATE"
                " SET useful = excluded.useful, ts = excluded.ts",
                message_id,
                conversation_id,
                extra.get("entry_id"),
                int(useful),
                format_ts(now),
            )
            # The rating also travels with the message, so history shows it again (the row
            # is locked: no other rating can slip in between the read and this write).
            await conn.execute(
                "UPDATE messages SET extra = $1 WHERE conv = $2 AND seq = $3",
                json.dumps({**extra, "feedback": useful}),
                row[1],
                row[2],
            )

    async def feedback_summary(self) -> dict[str, tuple[int, int]]:
        rows = await self._db.fetch(
            "SELECT entry_id, SUM(useful), SUM(1 - useful) FROM feedback"
            " WHERE entry_id IS NOT NULL GROUP BY entry_id"
        )
        return {row[0]: (int(row[1]), int(row[2])) for row in rows}

    async def record_page_vote(
        self, entry_id: str, lang: str, voter: str, *, useful: bool, now: datetime
    ) -> None:
        await write_page_vote(self._db, entry_id, lang, voter, useful, now)

    async def votes(
        self, *, since: datetime | None = None, until: datetime | None = None
    ) -> dict[str, Votes]:
        return await read_votes(self._db, since, until)

    async def misses(self, *, since: datetime | None = None, limit: int = 5000) -> list[Miss]:
        start = format_ts(since) if since is not None else ""
        return miss_rows(await self._db.fetch(misses_query("postgresql"), start, limit))

    async def dismiss_misses(self, misses: Sequence[Miss], operator_id: str, now: datetime) -> None:
        keys = [m.key for m in misses]
        times = [format_ts(m.ts) for m in misses]
        await self._db.execute(DISMISS["postgresql"], keys, times, operator_id, format_ts(now))

    async def dismissed_misses(self, *, since: datetime | None = None) -> set[str]:
        start = format_ts(since) if since is not None else ""
        return {row[0] for row in await self._db.fetch(DISMISSED["postgresql"], start)}

    async def record_choice(
        self, conversation_id: str, message_id: str, entry_id: str, now: datetime
    ) -> None:
        await self._db.execute(
            "INSERT INTO choices (message_id, conversation_id, entry_id, ts)"
            " VALUES ($1, $2, $3, $4) ON CONFLICT (message_id) DO NOTHING",
            message_id,
            conversation_id,
            entry_id,
            format_ts(now),
        )
