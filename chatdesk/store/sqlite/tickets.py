"""SQLite: tickets (numbered atomically) and operators' private notes."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from ...errors import NotFound
from ...models import Mode, Note, Status, Ticket, TicketChanges, TicketDraft, format_ts, new_id
from ..rows import TICKET_COLUMNS, column_value, note_row, ticket_row
from .search import reindex
from .worker import SqliteWorker

__all__ = ["SqliteNotes", "SqliteTickets", "current_ticket_id", "set_current_ticket"]


def current_ticket_id(conn: sqlite3.Connection, conversation_id: str) -> str | None:
    """Return the id of the conversation's latest ticket."""
    row = conn.execute(
        "SELECT id FROM tickets WHERE conversation_id = ? ORDER BY created_at DESC LIMIT 1",
        (conversation_id,),
    ).fetchone()
    return None if row is None else str(row[0])


def set_current_ticket(
    conn: sqlite3.Connection, conversation_id: str, now: datetime, **fields: object
) -> None:
    """Update fields of the conversation's latest ticket (inside the caller's job)."""
    ticket_id = current_ticket_id(conn, conversation_id)
    if ticket_id is None:
        return
    if "status" in fields:
        fields = {**fields, "status_at": format_ts(now)}
    columns = ", ".join(f"{k} = ?" for k in fields)
    conn.execute(
        f"UPDATE tickets SET {columns}, updated_at = ? WHERE id = ?",
        (*fields.values(), format_ts(now), ticket_id),
    )


class SqliteTickets:
    """:class:`~chatdesk.store.TicketStore` on SQLite."""

    def __init__(self, worker: SqliteWorker) -> None:
        self._worker = worker

    async def open_ticket(
        self, conversation_id: str, draft: TicketDraft, *, mode: Mode, now: datetime
    ) -> Ticket | None:
        def job(conn: sqlite3.Connection) -> Ticket | None:
            row = conn.execute(
                "SELECT mode, lang FROM conversations WHERE id = ?", (conversation_id,)
            ).fetchone()
            if row is None:
                raise NotFound("no such conversation")
            if row[0] not in (Mode.BOT.value, Mode.CLOSED.value):
                return None  # already with the people: one ticket at a time
            (number,) = conn.execute(
                "INSERT INTO counters (name, value) VALUES ('ticket', 1) ON CONFLICT (name)"
                " DO UPDATE SET value = value + 1 RETURNING value"
            ).fetchone()
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
                lang=row[1],
                resolution_due=draft.resolution_due,
                sla_alert_at=draft.sla_alert_at,
                status_at=now,
            )
            conn.execute(
                "INSERT INTO tickets (id, number, conversation_id, subject, department, priority,"
                " status, created_at, updated_at, due_at, reason, lang, resolution_due,"
                " sla_alert_at, status_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    ticket.id,
                    number,
                    conversation_id,
                    ticket.subject,
                    ticket.department,
                    ticket.priority,
                    ticket.status.value,
                    format_ts(now),
                    format_ts(now),
                    format_ts(draft.due_at) if draft.due_at else None,
                    draft.reason,
                    ticket.lang,
                    column_value(draft.resolution_due),
                    column_value(draft.sla_alert_at),
                    format_ts(now),
                ),
            )
            reindex(conn, ticket.id)
            # A new request: refusals of earlier offers do not carry over.
            conn.execute("DELETE FROM declines WHERE conversation_id = ?", (conversation_id,))
            conn.execute(
                "UPDATE conversations SET mode = ?, department = ?, priority = ?, queued_at = ?,"
                " operator_id = NULL, offered_to = NULL, offered_at = NULL, bot_misses = 0"
                " WHERE id = ?",
                (mode.value, draft.department, draft.priority, format_ts(now), conversation_id),
            )
            return ticket

        return await self._worker.run(job)

    async def current_ticket(self, conversation_id: str) -> Ticket | None:
        # On the loop (one indexed row): read for every message of an escalated chat.
        row = await self._worker.read_inline(
            lambda conn: conn.execute(
                f"SELECT {TICKET_COLUMNS} FROM tickets WHERE conversation_id = ?"
                " ORDER BY created_at DESC LIMIT 1",
                (conversation_id,),
            ).fetchone()
        )
        return None if row is None else ticket_row(row)

    async def update_ticket(self, ticket_id: str, changes: TicketChanges, now: datetime) -> Ticket:
        fields = changes.as_columns()

        def job(conn: sqlite3.Connection) -> Ticket:
            values = {k: column_value(v) for k, v in fields.items()}
            # Column names come from TicketChanges' own fields, never from input.
            columns = "".join(f"{k} = ?, " for k in values)
            row = conn.execute(
                f"UPDATE tickets SET {columns}updated_at = ? WHERE id = ?"
                f" RETURNING {TICKET_COLUMNS}",
                (*values.values(), format_ts(now), ticket_id),
            ).fetchone()
            if row is None:
                raise NotFound("no such ticket")
            ticket = ticket_row(row)
            if ticket.conversation_id and (changes.department or changes.priority):
                conn.execute(
                    "UPDATE conversations SET department = ?, priority = ? WHERE id = ?",
                    (ticket.department, ticket.priority, ticket.conversation_id),
                )
            if {"subject", "description", "fields"} & values.keys():
                reindex(conn, ticket_id)
            return ticket

        return await self._worker.run(job)

    async def rate_ticket(self, ticket_id: str, score: int, comment: str, now: datetime) -> bool:
        changed = await self._worker.run(
            lambda conn: (
                conn.execute(
                    "UPDATE tickets SET rating = ?, rating_comment = ?, updated_at = ?"
                    " WHERE id = ? AND rating IS NULL AND status IN ('resolved', 'closed')",
                    (score, comment, format_ts(now), ticket_id),
                ).rowcount
            )
        )
        return bool(changed)

    async def note_first_response(self, conversation_id: str, now: datetime) -> None:
        def job(conn: sqlite3.Connection) -> None:
            ticket_id = current_ticket_id(conn, conversation_id)
            if ticket_id is not None:
                conn.execute(
                    "UPDATE tickets SET first_response_at = ? WHERE id = ?"
                    " AND first_response_at IS NULL",
                    (format_ts(now), ticket_id),
                )

        await self._worker.run(job)


class SqliteNotes:
    """:class:`~chatdesk.store.NoteStore` on SQLite."""

    def __init__(self, worker: SqliteWorker) -> None:
        self._worker = worker

    async def add_note(self, note: Note) -> tuple[Note, bool]:
        def job(conn: sqlite3.Connection) -> tuple[Note, bool]:
            if note.client_id is not None:
                row = conn.execute(
                    "SELECT id, conversation_id, operator_id, operator_name, text, ts, client_id"
                    " FROM notes WHERE conversation_id = ? AND operator_id = ? AND client_id = ?",
                    (note.conversation_id, note.operator_id, note.client_id),
                ).fetchone()
                if row is not None:
                    return note_row(row), False
            try:
                conn.execute(
                    "INSERT INTO notes (id, conversation_id, operator_id, operator_name, text, ts,"
                    " client_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        note.id,
                        note.conversation_id,
                        note.operator_id,
                        note.operator_name,
                        note.text,
                        format_ts(note.ts),
                        note.client_id,
                    ),
                )
            except sqlite3.IntegrityError:
                raise NotFound("no such conversation") from None
            return note, True

        return await self._worker.run(job)

    async def list_notes(self, conversation_id: str) -> list[Note]:
        rows = await self._worker.run(
            lambda conn: conn.execute(
                "SELECT id, conversation_id, operator_id, operator_name, text, ts, client_id"
                " FROM notes WHERE conversation_id = ? ORDER BY ts",
                (conversation_id,),
            ).fetchall()
        )
        return [note_row(r) for r in rows]
