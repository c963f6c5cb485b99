"""PostgreSQL: tickets as a channel (filing, threads, history, files, merges, SLA lists).

Every method is one transaction. A change of a ticket first locks its row (``FOR UPDATE``)
and compares the status under that lock; a change that also moves the conversation locks
the conversation's row before the ticket's, the order routing takes them in (no deadlock).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from ...errors import Conflict, NotFound, TooLarge
from ...models import (
    Attachment,
    Message,
    MessageDraft,
    NewAttachment,
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
    attachment_row,
    event_row,
    message_row,
)
from .chatfiles import add_chat_attachment
from .database import Connection, Database
from .search import reindex
from .threads import (
    INDEXED,
    add_events,
    add_files,
    add_message,
    apply_changes,
    lock_ticket,
    take_seat,
)

__all__ = ["PostgresHelpdesk", "file_in"]

_OPEN_CLOCKS = "('new', 'open', 'pending', 'on_hold')"


async def _must_exist(conn: Connection, sql: str, key: str | None, what: str) -> None:
    if key is not None and await conn.fetchval(sql, key) is None:
        raise NotFound(f"no such {what}")


def _filing_columns(f: TicketFiling, number: int) -> dict[str, object]:
    who = f.requester
    name, email, rid = (who.name, who.email, who.id) if who else ("", "", None)
    return {
        "id": f.id, "number": number, "conversation_id": f.conversation_id,
        "subject": f.subject, "department": f.department, "priority": f.priority,
        "status": f.status, "created_at": f.created_at, "updated_at": f.created_at,
        "due_at": f.due_at, "requester_name": name, "requester_email": email,
        "description": f.description, "operator_id": f.operator_id,
        "first_response_at": f.first_response_at, "type": f.type, "channel": f.channel,
        "requester_id": rid, "organisation_id": f.organisation_id, "lang": f.lang,
        "fields": f.fields, "resolution_due": f.resolution_due,
        "sla_alert_at": f.sla_alert_at, "status_at": f.created_at,
        "follow_up_of": f.follow_up_of, "cc": f.cc, "tags": f.tags,
    }  # fmt: skip


async def file_in(conn: Connection, f: TicketFiling) -> Ticket | SeatRefusal:
    """Number and store a filed ticket in ``conn``'s transaction (``file_ticket``; an
    import's first step)."""
    # The conversation's row before the counter's, as opening a chat ticket takes
    # them; a key-share lock keeps it from going while the ticket names it.
    await _must_exist(
        conn,
        "SELECT 1 FROM conversations WHERE id = $1 FOR KEY SHARE",
        f.conversation_id,
        "conversation",
    )
    await _must_exist(conn, "SELECT 1 FROM tickets WHERE id = $1", f.follow_up_of, "ticket")
    if f.seat is not None and (refused := await take_seat(conn, f.seat, f.created_at)):
        return refused
    # Taken before the counter: a second filing of the same mail waits on this key
    # until the first commits, then finds it (and everything it did is rolled back).
    if f.inbound_key is not None and not await conn.fetchval(
        "INSERT INTO mail_inbound (message_id, ticket_id, received_at)"
        " VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING true",
        f.inbound_key, f.id, format_ts(f.created_at),
    ):  # fmt: skip
        raise Conflict("this e-mail has filed a ticket already", code="mail_filed")
    # The counter's row lock numbers tickets one at a time, across processes.
    number = await conn.fetchval(
        "INSERT INTO counters AS c (name, value) VALUES ('ticket', 1)"
        " ON CONFLICT (name) DO UPDATE SET value = c.value + 1 RETURNING value"
    )
    columns = _filing_columns(f, number)
    placeholders = ", ".join(f"${i}" for i in range(1, len(columns) + 1))
    row = await conn.fetchrow(
        f"INSERT INTO tickets ({', '.join(columns)}) VALUES ({placeholders})"
        f" RETURNING {TICKET_COLUMNS}",
        *(column_value(v) for v in columns.values()),
    )
    if f.message is not None:
        await add_message(conn, f.message)
    await add_files(conn, f.id, f.message.id if f.message else None, f.attachments, f.created_at)
    await add_events(conn, f.events)
    await reindex(conn, f.id)
    assert row is not None
    return ticket_row(row)


class PostgresHelpdesk:
    """:class:`~chatdesk.store.HelpdeskStore` on PostgreSQL."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def file_ticket(self, filing: TicketFiling) -> Ticket | SeatRefusal:
        async with self._db.transaction() as conn:
            return await file_in(conn, filing)

    async def get_ticket(self, ticket_id: str) -> Ticket | None:
        row = await self._db.fetchrow(
            f"SELECT {TICKET_COLUMNS} FROM tickets WHERE id = $1", ticket_id
        )
        return None if row is None else ticket_row(row)

    async def find_ticket(self, number: int) -> Ticket | None:
        row = await self._db.fetchrow(
            f"SELECT {TICKET_COLUMNS} FROM tickets WHERE number = $1", number
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
        moves_conversation = bool(changes.department or changes.priority)
        async with self._db.transaction() as conn:
            if moves_conversation:
                await conn.execute(
                    "SELECT 1 FROM conversations WHERE id = (SELECT conversation_id FROM tickets"
                    " WHERE id = $1) FOR UPDATE",
                    ticket_id,
                )
            status = await lock_ticket(conn, ticket_id)
            if expect is not None and status != expect.value:
                return None
            row = await apply_changes(conn, ticket_id, changes, now)
            assert row is not None  # locked above
            await add_events(conn, events)
            if INDEXED & changes.as_columns().keys():
                await reindex(conn, ticket_id)
            ticket = ticket_row(row)
            if ticket.conversation_id and moves_conversation:
                await conn.execute(
                    "UPDATE conversations SET department = $2, priority = $3 WHERE id = $1",
                    ticket.conversation_id,
                    ticket.department,
                    ticket.priority,
                )
            return ticket

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
        async with self._db.transaction() as conn:
            status = await lock_ticket(conn, m.ticket_id)
            if m.client_id is not None:
                # Under the ticket's lock: a twin that won the race is committed by now.
                row = await conn.fetchrow(
                    f"SELECT {MESSAGE_COLUMNS} FROM ticket_messages WHERE ticket_id = $1"
                    " AND author = $2 AND author_id IS NOT DISTINCT FROM $3 AND client_id = $4",
                    m.ticket_id,
                    m.author.value,
                    m.author_id,
                    m.client_id,
                )
                if row is not None:
                    return message_row(row), False
            if expect is not None and status != expect.value:
                return None
            if attachments and max_ticket_bytes is not None:
                used = await conn.fetchval(
                    "SELECT COALESCE(SUM(size), 0) FROM attachments WHERE ticket_id = $1",
                    m.ticket_id,
                )
                if used + sum(a.size for a in attachments) > max_ticket_bytes:
                    raise TooLarge(f"this ticket's files would pass {max_ticket_bytes // 1024} kB")
            await add_message(conn, m)
            await add_files(conn, m.ticket_id, m.id, attachments, now)
            await apply_changes(conn, m.ticket_id, changes, now)
            await add_events(conn, events)
            await reindex(conn, m.ticket_id)
            return m, True

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
        return await add_chat_attachment(
            self._db,
            ticket_id,
            conversation_id,
            attachment,
            draft,
            now=now,
            max_ticket_bytes=max_ticket_bytes,
        )

    async def list_ticket_messages(
        self, ticket_id: str, *, internal: bool = True
    ) -> list[TicketMessage]:
        where = "" if internal else " AND internal = 0"
        rows = await self._db.fetch(
            f"SELECT {MESSAGE_COLUMNS} FROM ticket_messages WHERE ticket_id = $1{where}"
            " ORDER BY ts, rowid",
            ticket_id,
        )
        return [message_row(r) for r in rows]

    async def list_ticket_events(self, ticket_id: str) -> list[TicketEvent]:
        rows = await self._db.fetch(
            f"SELECT {EVENT_COLUMNS} FROM ticket_events WHERE ticket_id = $1 ORDER BY ts, rowid",
            ticket_id,
        )
        return [event_row(r) for r in rows]

    async def list_attachments(self, ticket_id: str) -> list[Attachment]:
        rows = await self._db.fetch(
            f"SELECT {ATTACHMENT_COLUMNS} FROM attachments WHERE ticket_id = $1"
            " ORDER BY created_at, rowid",
            ticket_id,
        )
        return [attachment_row(r) for r in rows]

    async def attachment_data(self, attachment_id: str) -> tuple[Attachment, bytes] | None:
        row = await self._db.fetchrow(
            f"SELECT {ATTACHMENT_COLUMNS}, data FROM attachments WHERE id = $1", attachment_id
        )
        return None if row is None else (attachment_row(row), bytes(row[-1]))

    async def merge_tickets(
        self,
        source_id: str,
        target_id: str,
        changes: TicketChanges,
        events: Sequence[TicketEvent],
        *,
        now: datetime,
    ) -> Ticket | None:
        async with self._db.transaction() as conn:
            # Both rows locked in one order (by id): two merges of a pair cannot deadlock.
            rows = await conn.fetch(
                "SELECT id, status FROM tickets WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE",
                [source_id, target_id],
            )
            statuses = {r[0]: r[1] for r in rows}
            if source_id not in statuses or target_id not in statuses:
                raise NotFound("no such ticket")
            if source_id == target_id or statuses[source_id] == Status.CLOSED.value:
                return None
            for table in ("ticket_messages", "attachments"):
                await conn.execute(
                    f"UPDATE {table} SET ticket_id = $2 WHERE ticket_id = $1", source_id, target_id
                )
            row = await apply_changes(conn, source_id, changes, now)
            await add_events(conn, events)
            await conn.execute(
                "UPDATE tickets SET updated_at = $2 WHERE id = $1", target_id, format_ts(now)
            )
            await reindex(conn, source_id)
            await reindex(conn, target_id)
            return None if row is None else ticket_row(row)

    async def sla_due(self, now: datetime, *, limit: int = 200) -> list[Ticket]:
        return await self._due("sla_alert_at", _OPEN_CLOCKS, now, limit)

    async def auto_close_due(self, now: datetime, *, limit: int = 200) -> list[Ticket]:
        return await self._due("auto_close_at", "('pending', 'resolved')", now, limit)

    async def hold_due(self, now: datetime, *, limit: int = 200) -> list[Ticket]:
        return await self._due("hold_until", "('on_hold')", now, limit)

    async def _due(self, column: str, statuses: str, now: datetime, limit: int) -> list[Ticket]:
        rows = await self._db.fetch(
            f"SELECT {TICKET_COLUMNS} FROM tickets WHERE {column} IS NOT NULL"
            f" AND {column} <= $1 AND status IN {statuses} ORDER BY {column} LIMIT $2",
            format_ts(now),
            limit,
        )
        return [ticket_row(r) for r in rows]
