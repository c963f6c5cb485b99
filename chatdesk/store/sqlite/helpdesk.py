"""SQLite: tickets as a channel (filing, threads, history, files, merges, SLA lists)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime

from ...errors import Conflict, NotFound, TooLarge
from ...models import (
    Attachment,
    Message,
    MessageDraft,
    NewAttachment,
    SeatClaim,
    SeatRefusal,
    Status,
    Ticket,
    TicketChanges,
    TicketEvent,
    TicketFiling,
    TicketMessage,
    format_ts,
)
from ..rows import TICKET_COLUMNS, column_value, ticket_row
from ..threadrows import (
    ATTACHMENT_COLUMNS,
    EVENT_COLUMNS,
    MESSAGE_COLUMNS,
    REQUESTER_COLUMNS,
    attachment_row,
    event_row,
    message_row,
    requester_row,
)
from .files import add_chat_attachment, add_files
from .search import reindex
from .worker import SqliteWorker

__all__ = ["SqliteHelpdesk", "add_events", "add_message", "apply_changes", "file_job"]

_R = ", ".join(f"r.{c.strip()}" for c in REQUESTER_COLUMNS.split(","))


def _ticket(conn: sqlite3.Connection, ticket_id: str) -> Ticket | None:
    row = conn.execute(f"SELECT {TICKET_COLUMNS} FROM tickets WHERE id = ?", (ticket_id,))
    found = row.fetchone()
    return None if found is None else ticket_row(found)


def _status(conn: sqlite3.Connection, ticket_id: str) -> str:
    row = conn.execute("SELECT status FROM tickets WHERE id = ?", (ticket_id,)).fetchone()
    if row is None:
        raise NotFound("no such ticket")
    return str(row[0])


def apply_changes(
    conn: sqlite3.Connection, ticket_id: str, changes: TicketChanges, now: datetime
) -> None:
    values = {k: column_value(v) for k, v in changes.as_columns().items()}
    if "status" in values:
        values["status_at"] = format_ts(now)
    # Column names come from TicketChanges' own fields, never from input.
    columns = "".join(f"{k} = ?, " for k in values)
    conn.execute(
        f"UPDATE tickets SET {columns}updated_at = ? WHERE id = ?",
        (*values.values(), format_ts(now), ticket_id),
    )
    if {"subject", "description", "fields"} & values.keys():
        reindex(conn, ticket_id)


def add_events(conn: sqlite3.Connection, events: Sequence[TicketEvent]) -> None:
    conn.executemany(
        f"INSERT INTO ticket_events ({EVENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (
                e.id,
                e.ticket_id,
                e.kind,
                e.actor.value,
                e.actor_id,
                column_value(e.data),
                format_ts(e.ts),
            )
            for e in events
        ],
    )


def add_message(conn: sqlite3.Connection, m: TicketMessage) -> None:
    conn.execute(
        f"INSERT INTO ticket_messages ({MESSAGE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            m.id,
            m.ticket_id,
            m.author.value,
            m.author_id,
            m.author_name,
            m.text,
            int(m.internal),
            format_ts(m.ts),
            m.client_id,
        ),
    )


def _take_seat(conn: sqlite3.Connection, seat: SeatClaim, now: datetime) -> SeatRefusal | None:
    key = (seat.organisation_id, seat.site_id)
    if conn.execute(
        "SELECT 1 FROM site_seats WHERE organisation_id = ? AND site_id = ? AND requester_id = ?",
        (*key, seat.requester_id),
    ).fetchone():
        return None
    if seat.max_editors is not None:
        (taken,) = conn.execute(
            "SELECT COUNT(*) FROM site_seats WHERE organisation_id = ? AND site_id = ?", key
        ).fetchone()
        if taken >= seat.max_editors:
            rows = conn.execute(
                f"SELECT {_R} FROM site_seats s JOIN requesters r ON r.id = s.requester_id"
                " WHERE s.organisation_id = ? AND s.site_id = ? ORDER BY s.created_at, r.email",
                key,
            ).fetchall()
            return SeatRefusal(seat.site_id, tuple(requester_row(r) for r in rows))
    conn.execute(
        "INSERT INTO site_seats (organisation_id, site_id, requester_id, created_at)"
        " VALUES (?, ?, ?, ?)",
        (*key, seat.requester_id, format_ts(now)),
    )
    return None


def _must_exist(conn: sqlite3.Connection, table: str, key: str | None, what: str) -> None:
    if (
        key is not None
        and not conn.execute(f"SELECT 1 FROM {table} WHERE id = ?", (key,)).fetchone()
    ):
        raise NotFound(f"no such {what}")


def file_job(conn: sqlite3.Connection, f: TicketFiling) -> Ticket | SeatRefusal:
    """Number and store a filed ticket (``SqliteHelpdesk.file_ticket``'s job; an import's
    first step)."""
    _must_exist(conn, "tickets", f.follow_up_of, "ticket")
    _must_exist(conn, "conversations", f.conversation_id, "conversation")
    if f.seat is not None and (refused := _take_seat(conn, f.seat, f.created_at)):
        return refused
    if (
        f.inbound_key is not None
        and not conn.execute(
            "INSERT INTO mail_inbound (message_id, ticket_id, received_at) VALUES (?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            (f.inbound_key, f.id, format_ts(f.created_at)),
        ).rowcount
    ):
        raise Conflict("this e-mail has filed a ticket already", code="mail_filed")
    (number,) = conn.execute(
        "INSERT INTO counters (name, value) VALUES ('ticket', 1) ON CONFLICT (name)"
        " DO UPDATE SET value = value + 1 RETURNING value"
    ).fetchone()
    who = f.requester
    name, email, rid = (who.name, who.email, who.id) if who else ("", "", None)
    columns = {
        "id": f.id, "number": number, "conversation_id": f.conversation_id,
        "subject": f.subject, "department": f.department, "priority": f.priority,
        "status": f.status, "created_at": f.created_at, "updated_at": f.created_at,
        "due_at": f.due_at, "requester_name": name,
        "requester_email": email, "description": f.description,
        "operator_id": f.operator_id, "first_response_at": f.first_response_at,
        "type": f.type, "channel": f.channel, "requester_id": rid,
        "organisation_id": f.organisation_id, "lang": f.lang, "fields": f.fields,
        "resolution_due": f.resolution_due, "sla_alert_at": f.sla_alert_at,
        "status_at": f.created_at, "follow_up_of": f.follow_up_of, "cc": f.cc,
        "tags": f.tags,
    }  # fmt: skip
    conn.execute(
        f"INSERT INTO tickets ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
        [column_value(v) for v in columns.values()],
    )
    if f.message is not None:
        add_message(conn, f.message)
    message_id = f.message.id if f.message else None
    add_files(conn, f.id, message_id, f.attachments, f.created_at)
    add_events(conn, f.events)
    reindex(conn, f.id)
    found = _ticket(conn, f.id)
    assert found is not None
    return found


class SqliteHelpdesk:
    """:class:`~chatdesk.store.HelpdeskStore` on SQLite."""

    def __init__(self, worker: SqliteWorker) -> None:
        self._worker = worker

    async def file_ticket(self, filing: TicketFiling) -> Ticket | SeatRefusal:
        return await self._worker.run(lambda conn: file_job(conn, filing))

    async def get_ticket(self, ticket_id: str) -> Ticket | None:
        return await self._worker.run(lambda conn: _ticket(conn, ticket_id))

    async def find_ticket(self, number: int) -> Ticket | None:
        row = await self._worker.run(
            lambda conn: conn.execute(
                f"SELECT {TICKET_COLUMNS} FROM tickets WHERE number = ?", (number,)
            ).fetchone()
        )
        return None if row is None else ticket_row(row)

    async def change_ticket(
        self,
        ticket_id: str,
        changes: TicketChanges,
        events: Sequence[TicketEvent],
        *,
        expect: Status | None,
        now: datetime,
    ) -> Ticket | None:
        def job(conn: sqlite3.Connection) -> Ticket | None:
            if expect is not None and _status(conn, ticket_id) != expect.value:
                return None
            apply_changes(conn, ticket_id, changes, now)
            add_events(conn, events)
            ticket = _ticket(conn, ticket_id)
            if ticket is None:
                raise NotFound("no such ticket")
            if ticket.conversation_id and (changes.department or changes.priority):
                conn.execute(
                    "UPDATE conversations SET department = ?, priority = ? WHERE id = ?",
                    (ticket.department, ticket.priority, ticket.conversation_id),
                )
            return ticket

        return await self._worker.run(job)

    async def post_ticket_message(
        self,
        message: TicketMessage,
        attachments: Sequence[NewAttachment],
        changes: TicketChanges,
        events: Sequence[TicketEvent],
        *,
        expect: Status | None,
        now: datetime,
        max_ticket_bytes: int | None = None,
    ) -> tuple[TicketMessage, bool] | None:
        m = message

        def job(conn: sqlite3.Connection) -> tuple[TicketMessage, bool] | None:
            if m.client_id is not None:
                row = conn.execute(
                    f"SELECT {MESSAGE_COLUMNS} FROM ticket_messages WHERE ticket_id = ?"
                    " AND author = ? AND author_id IS ? AND client_id = ?",
                    (m.ticket_id, m.author.value, m.author_id, m.client_id),
                ).fetchone()
                if row is not None:
                    return message_row(row), False
            status = _status(conn, m.ticket_id)
            if expect is not None and status != expect.value:
                return None
            if attachments and max_ticket_bytes is not None:
                (used,) = conn.execute(
                    "SELECT COALESCE(SUM(size), 0) FROM attachments WHERE ticket_id = ?",
                    (m.ticket_id,),
                ).fetchone()
                if used + sum(a.size for a in attachments) > max_ticket_bytes:
                    raise TooLarge(f"this ticket's files would pass {max_ticket_bytes // 1024} kB")
            add_message(conn, m)
            add_files(conn, m.ticket_id, m.id, attachments, now)
            apply_changes(conn, m.ticket_id, changes, now)
            add_events(conn, events)
            reindex(conn, m.ticket_id)
            return m, True

        return await self._worker.run(job)

    async def list_ticket_messages(
        self, ticket_id: str, *, internal: bool = True
    ) -> list[TicketMessage]:
        where = "" if internal else " AND internal = 0"
        rows = await self._worker.run(
            lambda conn: conn.execute(
                f"SELECT {MESSAGE_COLUMNS} FROM ticket_messages WHERE ticket_id = ?{where}"
                " ORDER BY ts, rowid",
                (ticket_id,),
            ).fetchall()
        )
        return [message_row(r) for r in rows]

    async def list_ticket_events(self, ticket_id: str) -> list[TicketEvent]:
        rows = await self._worker.run(
            lambda conn: conn.execute(
                f"SELECT {EVENT_COLUMNS} FROM ticket_events WHERE ticket_id = ? ORDER BY ts, rowid",
                (ticket_id,),
            ).fetchall()
        )
        return [event_row(r) for r in rows]

    async def list_attachments(self, ticket_id: str) -> list[Attachment]:
        rows = await self._worker.run(
            lambda conn: conn.execute(
                f"SELECT {ATTACHMENT_COLUMNS} FROM attachments WHERE ticket_id = ?"
                " ORDER BY created_at, rowid",
                (ticket_id,),
            ).fetchall()
        )
        return [attachment_row(r) for r in rows]

    async def attachment_data(self, attachment_id: str) -> tuple[Attachment, bytes] | None:
        row = await self._worker.run(
            lambda conn: conn.execute(
                f"SELECT {ATTACHMENT_COLUMNS}, data FROM attachments WHERE id = ?",
                (attachment_id,),
            ).fetchone()
        )
        return None if row is None else (attachment_row(row), bytes(row[-1]))

    async def add_chat_attachment(
        self,
        ticket_id: str,
        conversation_id: str,
        attachment: NewAttachment,
        draft: MessageDraft,
        *,
        now: datetime,
        max_ticket_bytes: int | None = None,
    ) -> tuple[Message, bool]:
        return await self._worker.run(
            lambda conn: add_chat_attachment(
                conn,
                ticket_id,
                conversation_id,
                attachment,
                draft,
                now=now,
                max_ticket_bytes=max_ticket_bytes,
            )
        )

    async def merge_tickets(
        self,
        source_id: str,
        target_id: str,
        changes: TicketChanges,
        events: Sequence[TicketEvent],
        *,
        now: datetime,
    ) -> Ticket | None:
        def job(conn: sqlite3.Connection) -> Ticket | None:
            status = _status(conn, source_id)
            _status(conn, target_id)
            if source_id == target_id or status == Status.CLOSED.value:
                return None
            for table in ("ticket_messages", "attachments"):
                conn.execute(
                    f"UPDATE {table} SET ticket_id = ? WHERE ticket_id = ?",
                    (target_id, source_id),
                )
            apply_changes(conn, source_id, changes, now)
            add_events(conn, events)
            conn.execute(
                "UPDATE tickets SET updated_at = ? WHERE id = ?", (format_ts(now), target_id)
            )
            reindex(conn, source_id)
            reindex(conn, target_id)
            return _ticket(conn, source_id)

        return await self._worker.run(job)

    async def sla_due(self, now: datetime, *, limit: int = 200) -> list[Ticket]:
        return await self._due("sla_alert_at", "('new', 'open', 'pending', 'on_hold')", now, limit)

    async def auto_close_due(self, now: datetime, *, limit: int = 200) -> list[Ticket]:
        return await self._due("auto_close_at", "('pending', 'resolved')", now, limit)

    async def hold_due(self, now: datetime, *, limit: int = 200) -> list[Ticket]:
        return await self._due("hold_until", "('on_hold')", now, limit)

    async def _due(self, column: str, statuses: str, now: datetime, limit: int) -> list[Ticket]:
        sql = (
            f"SELECT {TICKET_COLUMNS} FROM tickets WHERE {column} IS NOT NULL"
            f" AND {column} <= ? AND status IN {statuses} ORDER BY {column} LIMIT ?"
        )
        rows = await self._worker.run(
            lambda conn: conn.execute(sql, (format_ts(now), limit)).fetchall()
        )
        return [ticket_row(r) for r in rows]
