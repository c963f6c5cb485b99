"""SQLite: tickets linked to problem tickets."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from ...errors import Conflict, NotFound
from ...models import format_ts
from ..problems import (
    COUNTS,
    HAS_INCIDENTS,
    INCIDENTS,
    IS_INCIDENT,
    LINK,
    MOVE,
    NO_COMPLAINTS,
    PROBLEMS_OF,
    UNLINK,
)
from .worker import SqliteWorker

__all__ = ["SqliteProblems"]


def _check(conn: sqlite3.Connection, ticket_id: str, problem_id: str) -> None:
    """Refuse a link that would make a chain (the writer thread runs one job at a time:
    nothing changes between the checks and the write)."""
    if ticket_id == problem_id:
        raise Conflict("a ticket cannot be its own problem", code="same_ticket")
    found = conn.execute(
        "SELECT COUNT(*) FROM tickets WHERE id IN (?, ?)", (ticket_id, problem_id)
    ).fetchone()[0]
    if found != 2:
        raise NotFound("no such ticket")
    if conn.execute(IS_INCIDENT.format(p="?"), (problem_id,)).fetchone() is not None:
        raise Conflict("that ticket is linked to a problem itself", code="problem_is_linked")
    if conn.execute(HAS_INCIDENTS.format(p="?"), (ticket_id,)).fetchone() is not None:
        raise Conflict("tickets are linked to this one", code="has_linked_tickets")


class SqliteProblems:
    """:class:`~chatdesk.store.ProblemStore` on SQLite."""

    def __init__(self, worker: SqliteWorker) -> None:
        self._worker = worker

    async def link(self, ticket_id: str, problem_id: str, now: datetime, *, by: str) -> None:
        def job(conn: sqlite3.Connection) -> None:
            _check(conn, ticket_id, problem_id)
            conn.execute(LINK.format(p="?"), (ticket_id, problem_id, format_ts(now), by))

        await self._worker.run(job)

    async def unlink(self, ticket_id: str) -> str | None:
        sql = UNLINK.format(p="?")
        row = await self._worker.run(lambda conn: conn.execute(sql, (ticket_id,)).fetchone())
        return None if row is None else str(row[0])

    async def problem_of(self, ticket_id: str) -> str | None:
        sql = IS_INCIDENT.format(p="?")
        row = await self._worker.run(lambda conn: conn.execute(sql, (ticket_id,)).fetchone())
        return None if row is None else str(row[0])

    async def incidents(self, problem_id: str) -> list[str]:
        sql = INCIDENTS.format(p="?")
        rows = await self._worker.run(lambda conn: conn.execute(sql, (problem_id,)).fetchall())
        return [row[0] for row in rows]

    async def problems_of(self, ticket_ids: list[str]) -> dict[str, str]:
        if not ticket_ids:
            return {}
        sql = PROBLEMS_OF.format(ids=", ".join("?" * len(ticket_ids)))
        rows = await self._worker.run(lambda conn: conn.execute(sql, ticket_ids).fetchall())
        return {row[0]: row[1] for row in rows}

    async def incident_counts(
        self, problem_ids: list[str], *, complaints: bool = True
    ) -> dict[str, int]:
        if not problem_ids:
            return {}
        types = "" if complaints else NO_COMPLAINTS
        sql = COUNTS.format(ids=", ".join("?" * len(problem_ids)), types=types)
        rows = await self._worker.run(lambda conn: conn.execute(sql, problem_ids).fetchall())
        return {row[0]: int(row[1]) for row in rows}

    async def move_incidents(self, from_id: str, to_id: str) -> int:
        def job(conn: sqlite3.Connection) -> int:
            conn.execute(
                "DELETE FROM ticket_links WHERE ticket_id = ? AND problem_id = ?", (to_id, from_id)
            )
            if conn.execute(IS_INCIDENT.format(p="?"), (to_id,)).fetchone() is not None:
                conn.execute("DELETE FROM ticket_links WHERE problem_id = ?", (from_id,))
                return 0
            return int(conn.execute(MOVE.format(p="?"), (from_id, to_id)).rowcount)

        return await self._worker.run(job)
