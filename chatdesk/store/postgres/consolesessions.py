"""PostgreSQL: operators' console sessions."""

from __future__ import annotations

from datetime import datetime

from ...models import ConsoleSession, format_ts
from ..consolesessions import (
    END_OTHERS,
    END_SESSION,
    GET_SESSION,
    LIST_SESSIONS,
    OPEN_SESSION,
    PURGE_SESSIONS,
    TOUCH_SESSION,
    session_row,
)
from .database import Database

__all__ = ["PostgresConsoleSessions"]


class PostgresConsoleSessions:
    """:class:`~chatdesk.store.ConsoleSessionStore` on PostgreSQL."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def open_session(self, session: ConsoleSession) -> None:
        s = session
        await self._db.execute(
            OPEN_SESSION.format(p="$"), s.id, s.operator_id, s.version,
            format_ts(s.created_at), format_ts(s.seen_at), s.agent, s.ip,
        )  # fmt: skip

    async def get_session(self, session_id: str) -> ConsoleSession | None:
        row = await self._db.fetchrow(GET_SESSION.format(p="$"), session_id)
        return None if row is None else session_row(row)

    async def list_sessions(
        self, operator_id: str, *, version: int, since: datetime
    ) -> list[ConsoleSession]:
        sql = LIST_SESSIONS.format(p="$")
        rows = await self._db.fetch(sql, operator_id, version, format_ts(since))
        return [session_row(row) for row in rows]

    async def touch_session(self, session_id: str, at: datetime, *, since: datetime) -> bool:
        sql = TOUCH_SESSION.format(p="$")
        return bool(await self._db.execute(sql, format_ts(at), session_id, format_ts(since)))

    async def end_session(self, session_id: str, *, operator_id: str) -> bool:
        return bool(await self._db.execute(END_SESSION.format(p="$"), session_id, operator_id))

    async def end_other_sessions(self, operator_id: str, *, keep: str) -> int:
        return int(await self._db.execute(END_OTHERS.format(p="$"), operator_id, keep))

    async def purge_sessions(self, before: datetime) -> int:
        return int(await self._db.execute(PURGE_SESSIONS.format(p="$"), format_ts(before)))
