"""Store protocol for operators' console sessions (one per sign-in and browser), and the
SQL both backends share (schema version 51)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from ..models import ConsoleSession, parse_ts

__all__ = [
    "END_OTHERS",
    "END_SESSION",
    "GET_SESSION",
    "LIST_SESSIONS",
    "OPEN_SESSION",
    "PURGE_SESSIONS",
    "SESSION_COLUMNS",
    "TOUCH_SESSION",
    "ConsoleSessionStore",
    "session_row",
]

SESSION_COLUMNS = "id, operator_id, version, created_at, seen_at, agent, ip"
OPEN_SESSION = (
    "INSERT INTO console_sessions (id, operator_id, version, created_at, seen_at, agent, ip)"
    " VALUES ({p}1, {p}2, {p}3, {p}4, {p}5, {p}6, {p}7)"
)
GET_SESSION = (
    "SELECT id, operator_id, version, created_at, seen_at, agent, ip FROM console_sessions"
    " WHERE id = {p}1"
)
#: Parameters: the operator's id, their session version, the oldest sign-in still valid.
LIST_SESSIONS = (
    "SELECT id, operator_id, version, created_at, seen_at, agent, ip FROM console_sessions"
    " WHERE operator_id = {p}1 AND version = {p}2 AND created_at > {p}3"
    " ORDER BY seen_at DESC, id"
)
#: Parameters: when, the id, the moment before which it is written again.
TOUCH_SESSION = "UPDATE console_sessions SET seen_at = {p}1 WHERE id = {p}2 AND seen_at <= {p}3"
END_SESSION = "DELETE FROM console_sessions WHERE id = {p}1 AND operator_id = {p}2"
END_OTHERS = "DELETE FROM console_sessions WHERE operator_id = {p}1 AND id <> {p}2"
#: Sessions begun before the parameter are over whatever happened (their cookie expired).
PURGE_SESSIONS = "DELETE FROM console_sessions WHERE created_at <= {p}1"


def session_row(row: Any) -> ConsoleSession:
    """Build a ConsoleSession from a row of :data:`SESSION_COLUMNS`."""
    return ConsoleSession(
        id=row[0],
        operator_id=row[1],
        version=row[2],
        created_at=parse_ts(row[3]),
        seen_at=parse_ts(row[4]),
        agent=row[5],
        ip=row[6],
    )


class ConsoleSessionStore(Protocol):
    """Operators' console sessions: a row per sign-in, so an operator sees where they
    are signed in and ends one; a session whose row is gone is over.

    Usage::

        await store.console_sessions.open_session(ConsoleSession(sid, ann.id, 1, now, now))
        await store.console_sessions.list_sessions(ann.id, version=1, since=now - hours(12))
        await store.console_sessions.end_session(sid, operator_id=ann.id)  # True
    """

    async def open_session(self, session: ConsoleSession) -> None:
        """Store a new session."""
        ...

    async def get_session(self, session_id: str) -> ConsoleSession | None:
        """Return a session by id (None: ended, purged or never)."""
        ...

    async def list_sessions(
        self, operator_id: str, *, version: int, since: datetime
    ) -> list[ConsoleSession]:
        """Return the operator's sessions opened under ``version`` after ``since``, the
        last used first."""
        ...

    async def touch_session(self, session_id: str, at: datetime, *, since: datetime) -> bool:
        """Record that the session was used at ``at``, unless it was after ``since``
        already; return whether it was written."""
        ...

    async def end_session(self, session_id: str, *, operator_id: str) -> bool:
        """Delete one of ``operator_id``'s sessions; return False if they have no such one."""
        ...

    async def end_other_sessions(self, operator_id: str, *, keep: str) -> int:
        """Delete the operator's sessions but ``keep``; return how many."""
        ...

    async def purge_sessions(self, before: datetime) -> int:
        """Delete the sessions opened at or before ``before``; return how many."""
        ...
