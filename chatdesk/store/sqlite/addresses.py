"""SQLite: a requester's other addresses, merging and detaching (a mixin of the
requesters' store). The writer thread runs each method's statements as one job: one
transaction, nothing in between."""

from __future__ import annotations

import re
import sqlite3
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
from .helpdesk import add_events
from .worker import SqliteWorker

__all__ = ["SqliteAddresses", "find_requester"]


def _q(sql: str) -> str:
    """The shared SQL with SQLite's numbered placeholders (``$2`` → ``?2``)."""
    return re.sub(r"\$(\d+)", r"?\1", sql)


def find_requester(conn: sqlite3.Connection, address: str) -> Requester | None:
    """The requester whose own or other address ``address`` is."""
    row = conn.execute(
        f"SELECT {REQUESTER_COLUMNS} FROM requesters WHERE email = ?", (address,)
    ).fetchone()
    if row is None:
        row = conn.execute(_q(ADDRESS_OWNER), (address,)).fetchone()
    return None if row is None else requester_row(row)


def _run(
    conn: sqlite3.Connection,
    statements: list[tuple[str, tuple[str, ...]]],
    values: Mapping[str, object],
) -> None:
    """Run shared statements, each with its named parameters in order."""
    for sql, names in statements:
        conn.execute(_q(sql), tuple(values[name] for name in names))


def _tickets(conn: sqlite3.Connection, where: str, params: tuple[str, ...]) -> list[str]:
    """The ids of the tickets ``where`` picks."""
    return [r[0] for r in conn.execute(f"SELECT id FROM tickets WHERE {where}", params)]


class SqliteAddresses:
    """The address methods of :class:`~chatdesk.store.RequesterStore` on SQLite."""

    _worker: SqliteWorker

    async def requester_addresses(self, requester_id: str) -> list[str]:
        sql = _q(REQUESTER_ADDRESSES.format(collate=""))
        rows = await self._worker.run(lambda conn: conn.execute(sql, (requester_id,)).fetchall())
        return [row[0] for row in rows]

    async def merge_requesters(
        self, source_id: str, target_id: str, *, note: str, now: datetime, by: str | None = None
    ) -> Requester | None:
        values = merge_values(source_id, target_id, note, now)

        def job(conn: sqlite3.Connection) -> Requester | None:
            (found,) = conn.execute(
                "SELECT count(*) FROM requesters WHERE id IN (?, ?)", (source_id, target_id)
            ).fetchone()
            if found != 2:
                return None
            moved = _tickets(conn, "requester_id = ?", (source_id,))
            add_events(conn, moved_rows(moved, "merge", source_id, target_id, by, now))
            _run(conn, MERGE_STATEMENTS, values)
            row = conn.execute(
                f"SELECT {REQUESTER_COLUMNS} FROM requesters WHERE id = ?", (target_id,)
            ).fetchone()
            return requester_row(row)

        return await self._worker.run(job)

    async def detach_address(
        self, requester_id: str, address: str, now: datetime, by: str | None = None
    ) -> Requester | None:
        values = {"owner": requester_id, "address": address, "new": new_id(),
                  "now": format_ts(now)}  # fmt: skip

        def job(conn: sqlite3.Connection) -> Requester | None:
            owner = conn.execute(
                "SELECT requester_id FROM requester_addresses WHERE address = ?", (address,)
            ).fetchone()
            if owner is None or owner[0] != requester_id:
                return None
            moved = _tickets(conn, "requester_id = ? AND lower(requester_email) = ?",
                             (requester_id, address))  # fmt: skip
            _run(conn, DETACH_STATEMENTS, values)
            new = str(values["new"])
            add_events(conn, moved_rows(moved, "detach", requester_id, new, by, now))
            return find_requester(conn, address)

        return await self._worker.run(job)
