"""SQLite: tickets imported from another helpdesk (one writer job each: all or nothing)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime

from ...models import Ticket, TicketChanges, TicketFiling, TicketMessage, format_ts
from ..imports import CLAIM_REF, FORGET_FEEDS, IMPORTED
from ..rows import TICKET_COLUMNS, ticket_row
from .helpdesk import add_message, apply_changes, file_job
from .search import reindex
from .worker import SqliteWorker

__all__ = ["SqliteTicketImports"]


class SqliteTicketImports:
    """:class:`~chatdesk.store.TicketImportStore` on SQLite."""

    def __init__(self, worker: SqliteWorker) -> None:
        self._worker = worker

    async def import_ticket(
        self,
        ref: str,
        filing: TicketFiling,
        messages: Sequence[TicketMessage],
        final: TicketChanges,
        *,
        now: datetime,
    ) -> Ticket | None:
        def job(conn: sqlite3.Connection) -> Ticket | None:
            claimed = conn.execute(
                CLAIM_REF.format(p="?"), (ref, filing.id, format_ts(now))
            ).fetchone()
            if claimed is None:
                return None
            filed = file_job(conn, filing)
            assert isinstance(filed, Ticket)  # no seat to claim: never refused
            for message in messages:
                add_message(conn, message)
            last = max([filing.created_at, *(m.ts for m in messages)])
            apply_changes(conn, filing.id, final, final.closed_at or last)
            reindex(conn, filing.id)
            for sql in FORGET_FEEDS:
                conn.execute(sql.format(p="?"), (filing.id,))
            row = conn.execute(
                f"SELECT {TICKET_COLUMNS} FROM tickets WHERE id = ?", (filing.id,)
            ).fetchone()
            return ticket_row(row)

        return await self._worker.run(job)

    async def imported_tickets(self, refs: Sequence[str]) -> dict[str, str]:
        if not refs:
            return {}
        sql = IMPORTED.format(refs=", ".join("?" * len(refs)))
        rows = await self._worker.run(lambda conn: conn.execute(sql, tuple(refs)).fetchall())
        return {str(ref): str(ticket_id) for ref, ticket_id in rows}
