"""PostgreSQL: tickets (numbered atomically) and operators' private notes."""

from __future__ import annotations

from datetime import datetime

import asyncpg

from ...errors import NotFound
from ...models import Mode, Note, Status, Ticket, TicketChanges, TicketDraft, format_ts, new_id
from ..rows import NOTE_COLUMNS, TICKET_COLUMNS, column_value, note_row, ticket_row
from .database import Connection, Database
from .search import reindex
from .threads import INDEXED

__all__ = ["CURRENT_TICKET", "PostgresNotes", "PostgresTickets", "update_current_ticket"]

#: The conversation's latest ticket (``$1``); the number breaks ties of the same instant.
CURRENT_TICKET = (
    "SELECT id FROM tickets WHERE conversation_id = $1"
    " ORDER BY created_at DESC, number DESC LIMIT 1"
)


async def update_current_ticket(
    conn: Connection, conversation_id: str, now: datetime, **fields: object
) -> Ticket | None:
    """Update fields of the conversation's latest ticket (inside the caller's transaction,
    which holds the conversation's row lock); return it as updated."""
    if "status" in fields:
        fields = {**fields, "status_at": format_ts(now)}
    # Column names come from the callers' keywords, never from input.
    columns = "".join(f"{name} = ${i}, " for i, name in enumerate(fields, start=3))
    row = await conn.fetchrow(
        f"UPDATE tickets SET {columns}updated_at = $2 WHERE id = ({CURRENT_TICKET})"
        f" RETURNING {TICKET_COLUMNS}",
        conversation_id,
        format_ts(now),
        *fields.values(),
    )
    return None if row is None else ticket_row(row)


class PostgresTickets:
    """:class:`~chatdesk.store.TicketStore` on PostgreSQL."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def open_ticket(
        self, conversation_id: str, draft: TicketDraft, *, mode: Mode, now: datetime
    ) -> Ticket | None:
        async with self._db.transaction() as conn:
            current = await conn.fetchrow(
                "SELECT mode, lang FROM conversations WHERE id = $1 FOR UPDATE", conversation_id
            )
            if current is None:
                raise NotFound("no such conversation")
            if current[0] not in (Mode.BOT.value, Mode.CLOSED.value):
                return None  # already with the people: one ticket at a time
            # The counter's row lock numbers tickets one at a time, across processes.
            number = await conn.fetchval(
                "INSERT INTO counters AS c (name, value) VALUES ('ticket', 1)"
                " ON CONFLICT (name) DO UPDATE SET value = c.value + 1 RETURNING value"
            )
            ticket = Ticket(
                id=new_id(),
                number=number,
                conversation_id=conversation_id,
                subject=draft.subject,
                department=draft.department,
                priority=draft.priority,
                status=Status.NEW,
                created_at=now,
                updated_at=now,
                due_at=draft.due_at,
                reason=draft.reason,
                lang=current[1],
                resolution_due=draft.resolution_due,
                sla_alert_at=draft.sla_alert_at,
                status_at=now,
            )
            await conn.execute(
                "INSERT INTO tickets (id, number, conversation_id, subject, department, priority,"
                " status, created_at, updated_at, due_at, reason, lang, resolution_due,"
                " sla_alert_at, status_at)"
                " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $10, $11, $12, $13, $8)",
                ticket.id,
                number,
                conversation_id,
                ticket.subject,
                ticket.department,
                ticket.priority,
                ticket.status.value,
                format_ts(now),
                column_value(draft.due_at),
                draft.reason,
                ticket.lang,
                column_value(draft.resolution_due),
                column_value(draft.sla_alert_at),
            )
            await reindex(conn, ticket.id)
            # A new request: refusals of earlier offers do not carry over.
            await conn.execute("DELETE FROM declines WHERE conversation_id = $1", conversation_id)
            await conn.execute(
                "UPDATE conversations SET mode = $2, department = $3, priority = $4,"
                " queued_at = $5, operator_id = NULL, offered_to = NULL, offered_at = NULL,"
                " bot_misses = 0 WHERE id = $1",
                conversation_id,
                mode.value,
                draft.department,
                draft.priority,
                format_ts(now),
            )
            return ticket

    async def current_ticket(self, conversation_id: str) -> Ticket | None:
        row = await self._db.fetchrow(
            f"SELECT {TICKET_COLUMNS} FROM tickets WHERE id = ({CURRENT_TICKET})",
            conversation_id,
        )
        return None if row is None else ticket_row(row)

    async def update_ticket(self, ticket_id: str, changes: TicketChanges, now: datetime) -> Ticket:
        values = {k: column_value(v) for k, v in changes.as_columns().items()}
        # Column names come from TicketChanges' own fields, never from input.
        columns = "".join(f"{name} = ${i}, " for i, name in enumerate(values, start=3))
        async with self._db.transaction() as conn:
            # The conversation's row first, as every other operation locks them: no deadlock.
            await conn.execute(
                "SELECT 1 FROM conversations WHERE id = (SELECT conversation_id FROM tickets"
                " WHERE id = $1) FOR UPDATE",
                ticket_id,
            )
            row = await conn.fetchrow(
                f"UPDATE tickets SET {columns}updated_at = $2 WHERE id = $1"
                f" RETURNING {TICKET_COLUMNS}",
                ticket_id,
                format_ts(now),
                *values.values(),
            )
            if row is None:
                raise NotFound("no such ticket")
            ticket = ticket_row(row)
            if ticket.conversation_id and (changes.department or changes.priority):
                await conn.execute(
                    "UPDATE conversations SET department = $2, priority = $3 WHERE id = $1",
                    ticket.conversation_id,
                    ticket.department,
                    ticket.priority,
                )
            if INDEXED & values.keys():
                await reindex(conn, ticket_id)
            return ticket

    async def rate_ticket(self, ticket_id: str, score: int, comment: str, now: datetime) -> bool:
        changed = await self._db.execute(
            "UPDATE tickets SET rating = $2, rating_comment = $3, updated_at = $4"
            " WHERE id = $1 AND rating IS NULL AND status IN ('resolved', 'closed')",
            ticket_id,
            score,
            comment,
            format_ts(now),
        )
        return bool(changed)

    async def note_first_response(self, conversation_id: str, now: datetime) -> None:
        await self._db.execute(
            f"UPDATE tickets SET first_response_at = $2 WHERE id = ({CURRENT_TICKET})"
            " AND first_response_at IS NULL",
            conversation_id,
            format_ts(now),
        )


class PostgresNotes:
    """:class:`~chatdesk.store.NoteStore` on PostgreSQL."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def add_note(self, note: Note) -> tuple[Note, bool]:
        async with self._db.connection() as conn:
            try:
                # A retry (same author and client id) inserts nothing; it is read below.
                inserted = await conn.fetchval(
                    f"INSERT INTO notes ({NOTE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)"
                    " ON CONFLICT (conversation_id, operator_id, client_id) DO NOTHING"
                    " RETURNING id",
                    note.id,
                    note.conversation_id,
                    note.operator_id,
                    note.operator_name,
                    note.text,
                    format_ts(note.ts),
                    note.client_id,
                )
            except asyncpg.ForeignKeyViolationError:
                raise NotFound("no such conversation") from None
            if inserted is not None:
                return note, True
            row = await conn.fetchrow(
                f"SELECT {NOTE_COLUMNS} FROM notes"
                " WHERE conversation_id = $1 AND operator_id = $2 AND client_id = $3",
                note.conversation_id,
                note.operator_id,
                note.client_id,
            )
        if row is None:  # the conversation (and its notes) went meanwhile
            raise NotFound("no such conversation")
        return note_row(row), False

    async def list_notes(self, conversation_id: str) -> list[Note]:
        rows = await self._db.fetch(
            f"SELECT {NOTE_COLUMNS} FROM notes WHERE conversation_id = $1 ORDER BY ts",
            conversation_id,
        )
        return [note_row(r) for r in rows]
