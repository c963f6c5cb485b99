"""SQLite: operators' console sessions."""

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
from .worker import SqliteWorker

__all__ = ["SqliteConsoleSessions"]


class SqliteConsoleSessions:
    """:class:`~chatdesk.store.ConsoleSessionStore` on SQLite."""

    def __init__(self, worker: SqliteWorker) -> None:
        self._worker = worker

    async def open_session(self, session: ConsoleSession) -> None:
        s = session
        args = (s.id, s.operator_id, s.version, format_ts(s.created_at), format_ts(s.seen_at),
                s.agent, s.ip)  # fmt: skip
        sql = OPEN_SESSION.format(p="?")
        await self._worker.run(lambda conn: conn.execute(sql, args))

    async def get_session(self, session_id: str) -> ConsoleSession | None:
        sql = GET_SESSION.format(p="?")
        # On the loop: every console page and connection reads it (one primary key).
        row = await self._worker.read_inline(
            lambda conn: conn.execute(sql, (session_id,)).fetchone()
        )
        return None if row is None else session_row(row)

    async def list_sessions(
        self, operator_id: str, *, version: int, since: datetime
    ) -> list[ConsoleSession]:
        sql, args = LIST_SESSIONS.format(p="?"), (operator_id, version, format_ts(since))
        rows = await self._worker.run(lambda conn: conn.execute(sql, args).fetchall())
        return [session_row(row) for row in rows]

    async def touch_session(self, session_id: str, at: datetime, *, since: datetime) -> bool:
        sql, args = TOUCH_SESSION.format(p="?"), (format_ts(at), session_id, format_ts(since))
        return bool(await self._worker.run(lambda conn: conn.execute(sql, args).rowcount))

    async def end_session(self, session_id: str, *, operator_id: str) -> bool:
        sql, args = END_SESSION.format(p="?"), (session_id, operator_id)
        return bool(await self._worker.run(lambda conn: conn.execute(sql, args).rowcount))

    async def end_other_sessions(self, operator_id: str, *, keep: str) -> int:
        sql, args = END_OTHERS.format(p="?"), (operator_id, keep)
        return int(await self._worker.run(lambda conn: conn.execute(sql, args).rowcount))

    async def purge_sessions(self, before: datetime) -> int:
        sql, args = PURGE_SESSIONS.format(p="?"), (format_ts(before),)
        return int(await self._worker.run(lambda conn: conn.execute(sql, args).rowcount))
