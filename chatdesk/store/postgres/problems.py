"""PostgreSQL: tickets linked to problem tickets.

Links change under one transaction-scoped advisory lock, so that two operators linking
at the same moment cannot make a chain (a ticket linked to a problem while that problem
is linked to a third); links are rare, a desk-wide lock costs nothing.
"""

from __future__ import annotations

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
from .database import Connection, Database, rowcount

__all__ = ["PostgresProblems"]

_LOCK = "SELECT pg_advisory_xact_lock(hashtextextended('ticket_links', 0))"


async def _check(conn: Connection, ticket_id: str, problem_id: str) -> None:
    if ticket_id == problem_id:
        raise Conflict("a ticket cannot be its own problem", code="same_ticket")
    found = await conn.fetchval(
        "SELECT COUNT(*) FROM tickets WHERE id = ANY($1::text[])", [ticket_id, problem_id]
    )
    if found != 2:
        raise NotFound("no such ticket")
    if await conn.fetchval(IS_INCIDENT.format(p="$"), problem_id) is not None:
        raise Conflict("that ticket is linked to a problem itself", code="problem_is_linked")
    if await conn.fetchval(HAS_INCIDENTS.format(p="$"), ticket_id) is not None:
        raise Conflict("tickets are linked to this one", code="has_linked_tickets")


class PostgresProblems:
    """:class:`~chatdesk.store.ProblemStore` on PostgreSQL."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def link(self, ticket_id: str, problem_id: str, now: datetime, *, by: str) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(_LOCK)
            await _check(conn, ticket_id, problem_id)
            await conn.execute(LINK.format(p="$"), ticket_id, problem_id, format_ts(now), by)

    async def unlink(self, ticket_id: str) -> str | None:
        async with self._db.transaction() as conn:
            await conn.execute(_LOCK)
            found = await conn.fetchval(UNLINK.format(p="$"), ticket_id)
        return None if found is None else str(found)

    async def problem_of(self, ticket_id: str) -> str | None:
        found = await self._db.fetchval(IS_INCIDENT.format(p="$"), ticket_id)
        return None if found is None else str(found)

    async def incidents(self, problem_id: str) -> list[str]:
        return [r[0] for r in await self._db.fetch(INCIDENTS.format(p="$"), problem_id)]

    async def problems_of(self, ticket_ids: list[str]) -> dict[str, str]:
        if not ticket_ids:
            return {}
        sql = PROBLEMS_OF.format(ids="SELECT unnest($1::text[])")
        return {r[0]: r[1] for r in await self._db.fetch(sql, ticket_ids)}

    async def incident_counts(
        self, problem_ids: list[str], *, complaints: bool = True
    ) -> dict[str, int]:
        if not problem_ids:
            return {}
        types = "" if complaints else NO_COMPLAINTS
        sql = COUNTS.format(ids="SELECT unnest($1::text[])", types=types)
        return {r[0]: int(r[1]) for r in await self._db.fetch(sql, problem_ids)}

    async def move_incidents(self, from_id: str, to_id: str) -> int:
        async with self._db.transaction() as conn:
            await conn.execute(_LOCK)
            await conn.execute(
                "DELETE FROM ticket_links WHERE ticket_id = $1 AND problem_id = $2", to_id, from_id
            )
            if await conn.fetchval(IS_INCIDENT.format(p="$"), to_id) is not None:
                await conn.execute("DELETE FROM ticket_links WHERE problem_id = $1", from_id)
                return 0
            return rowcount(await conn.execute(MOVE.format(p="$"), from_id, to_id))
