"""PostgreSQL: tickets imported from another helpdesk (one transaction each)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from ...models import Ticket, TicketChanges, TicketFiling, TicketMessage, format_ts
from ..imports import CLAIM_REF, FORGET_FEEDS
from ..rows import ticket_row
from .database import Database
from .helpdesk import file_in
from .search import reindex
from .threads import add_message, apply_changes

__all__ = ["PostgresTicketImports"]


class PostgresTicketImports:
    """:class:`~chatdesk.store.TicketImportStore` on PostgreSQL."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def import_ticket(
        self,
        ref: str,
        filing: TicketFiling,
        messages: Sequence[TicketMessage],
        final: TicketChanges,
        *,
        now: datetime,
    ) -> Ticket | None:
        async with self._db.transaction() as conn:
            # The reference's key first: a second import of it waits here, then finds it.
            if not await conn.fetchval(CLAIM_REF.format(p="$"), ref, filing.id, format_ts(now)):
                return None
            filed = await file_in(conn, filing)
            assert isinstance(filed, Ticket)  # no seat to claim: never refused
            for message in messages:
                await add_message(conn, message)
            last = max([filing.created_at, *(m.ts for m in messages)])
            row = await apply_changes(conn, filing.id, final, final.closed_at or last)
            await reindex(conn, filing.id)
            for sql in FORGET_FEEDS:
                await conn.execute(sql.format(p="$"), filing.id)
            assert row is not None
            return ticket_row(row)

    async def imported_tickets(self, refs: Sequence[str]) -> dict[str, str]:
        if not refs:
            return {}
        rows = await self._db.fetch(
            "SELECT ref, ticket_id FROM ticket_imports WHERE ref = ANY($1::text[])", list(refs)
        )
        return {str(r["ref"]): str(r["ticket_id"]) for r in rows}
