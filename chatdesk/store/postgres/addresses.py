"""PostgreSQL: a requester's other addresses, merging and detaching (a mixin of the
requesters' store). A merge locks both requesters' rows first: two merges of one person
at once take turns, and the second finds the source gone."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from ...models import Requester, format_ts, new_id
from ..addresses import (
    ADDRESS_OWNER,
    DETACH_STATEMENTS,
    MERGE_STATEMENTS,
    REQUESTER_ADDRESSES,
    merge_values,
    moved_rows,
)
from ..threadrows import REQUESTER_COLUMNS, requester_row
from .database import Connection, Database
from .threads import add_events

__all__ = ["PostgresAddresses"]


async def _run(
    conn: Connection, statements: list[tuple[str, tuple[str, ...]]], values: Mapping[str, object]
) -> None:
    """Run shared statements, each with its named parameters in order."""
    for sql, names in statements:
        await conn.execute(sql, *(values[name] for name in names))


async def _tickets(conn: Connection, where: str, *params: str) -> list[str]:
    """The ids of the tickets ``where`` picks."""
    return [r[0] for r in await conn.fetch(f"SELECT id FROM tickets WHERE {where}", *params)]


class PostgresAddresses:
    """The address methods of :class:`~chatdesk.store.RequesterStore` on PostgreSQL."""

    _db: Database

    async def find_requester(self, email: str) -> Requester | None:
        row = await self._db.fetchrow(
            f"SELECT {REQUESTER_COLUMNS} FROM requesters WHERE email = $1"
            f" UNION ALL {ADDRESS_OWNER} LIMIT 1",
            email,
        )
        return None if row is None else requester_row(row)

    async def requester_addresses(self, requester_id: str) -> list[str]:
        rows = await self._db.fetch(
            REQUESTER_ADDRESSES.format(collate=' COLLATE "C"'), requester_id
        )
        return [row[0] for row in rows]

    async def merge_requesters(
        self, source_id: str, target_id: str, *, note: str, now: datetime, by: str | None = None
    ) -> Requester | None:
        values = merge_values(source_id, target_id, note, now)
        async with self._db.transaction() as conn:
            locked = await conn.fetch(
                "SELECT id FROM requesters WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE",
                [source_id, target_id],
            )
            if len(locked) != 2:
                return None
            moved = await _tickets(conn, "requester_id = $1", source_id)
            await add_events(conn, moved_rows(moved, "merge", source_id, target_id, by, now))
            await _run(conn, MERGE_STATEMENTS, values)
            row = await conn.fetchrow(
                f"SELECT {REQUESTER_COLUMNS} FROM requesters WHERE id = $1", target_id
            )
        assert row is not None
        return requester_row(row)

    async def detach_address(
        self, requester_id: str, address: str, now: datetime, by: str | None = None
    ) -> Requester | None:
        values = {"owner": requester_id, "address": address, "new": new_id(),
                  "now": format_ts(now)}  # fmt: skip
        async with self._db.transaction() as conn:
            owner = await conn.fetchval(
                "SELECT requester_id FROM requester_addresses WHERE address = $1 FOR UPDATE",
                address,
            )
            if owner != requester_id:
                return None
            moved = await _tickets(
                conn, "requester_id = $1 AND lower(requester_email) = $2", requester_id, address
            )
            await _run(conn, DETACH_STATEMENTS, values)
            new = str(values["new"])
            await add_events(conn, moved_rows(moved, "detach", requester_id, new, by, now))
            row = await conn.fetchrow(
                f"SELECT {REQUESTER_COLUMNS} FROM requesters WHERE id = $1", values["new"]
            )
        assert row is not None
        return requester_row(row)
