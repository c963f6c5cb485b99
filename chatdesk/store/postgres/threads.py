"""PostgreSQL: the steps of a helpdesk transaction (ticket locks, changes, thread, seats)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from ...errors import NotFound
from ...models import (
    NewAttachment,
    SeatClaim,
    SeatRefusal,
    TicketChanges,
    TicketEvent,
    TicketMessage,
    format_ts,
)
from ..rows import TICKET_COLUMNS, column_value
from ..threadrows import (
    ATTACHMENT_COLUMNS,
    EVENT_COLUMNS,
    MESSAGE_COLUMNS,
    REQUESTER_COLUMNS,
    requester_row,
)
from .database import Connection, Record

__all__ = [
    "INDEXED",
    "SITE_EDITORS",
    "add_events",
    "add_files",
    "add_message",
    "apply_changes",
    "lock_ticket",
    "take_seat",
]

#: The ticket's columns its full-text words come from (a change to one reindexes it).
INDEXED = frozenset({"subject", "description", "fields"})
_R = ", ".join(f"r.{c.strip()}" for c in REQUESTER_COLUMNS.split(","))
#: The editors of a site (``$1`` organisation, ``$2`` site), in seat order.
SITE_EDITORS = (
    f"SELECT {_R} FROM site_seats s JOIN requesters r ON r.id = s.requester_id"
    ' WHERE s.organisation_id = $1 AND s.site_id = $2 ORDER BY s.created_at, r.email COLLATE "C"'
)
#: Every seat of an organisation (``$1``): editor columns, then the site, by site.
ORG_SEATS = (
    f"SELECT {_R}, s.site_id FROM site_seats s JOIN requesters r ON r.id = s.requester_id"
    " WHERE s.organisation_id = $1"
    ' ORDER BY s.site_id COLLATE "C", s.created_at, r.email COLLATE "C"'
)


async def lock_ticket(conn: Connection, ticket_id: str) -> str:
    """Lock the ticket's row until commit and return its status (a compare-and-set reads
    it under the lock: writers of one ticket take turns).

    :raises NotFound: if there is no such ticket.
    """
    status = await conn.fetchval("SELECT status FROM tickets WHERE id = $1 FOR UPDATE", ticket_id)
    if status is None:
        raise NotFound("no such ticket")
    return str(status)


async def apply_changes(
    conn: Connection, ticket_id: str, changes: TicketChanges, now: datetime
) -> Record | None:
    """Apply ``changes`` (and ``updated_at``; ``status_at`` with a new status); return the
    ticket's row after, or None if there is no such ticket."""
    values = {k: column_value(v) for k, v in changes.as_columns().items()}
    if "status" in values:
        values["status_at"] = format_ts(now)
    # Column names come from TicketChanges' own fields, never from input.
    columns = "".join(f"{name} = ${i}, " for i, name in enumerate(values, start=3))
    return await conn.fetchrow(
        f"UPDATE tickets SET {columns}updated_at = $2 WHERE id = $1 RETURNING {TICKET_COLUMNS}",
        ticket_id,
        format_ts(now),
        *values.values(),
    )


async def add_events(conn: Connection, events: Sequence[TicketEvent]) -> None:
    """Add history rows."""
    if events:
        await conn.executemany(
            f"INSERT INTO ticket_events ({EVENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)",
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


async def add_message(conn: Connection, m: TicketMessage) -> None:
    """Add a message to its ticket's thread."""
    await conn.execute(
        f"INSERT INTO ticket_messages ({MESSAGE_COLUMNS})"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        m.id,
        m.ticket_id,
        m.author.value,
        m.author_id,
        m.author_name,
        m.text,
        int(m.internal),
        format_ts(m.ts),
        m.client_id,
    )


async def add_files(
    conn: Connection,
    ticket_id: str,
    message_id: str | None,
    files: Sequence[NewAttachment],
    now: datetime,
) -> None:
    """Store files (bytes and description) on a ticket, with the message they came with."""
    if files:
        await conn.executemany(
            f"INSERT INTO attachments ({ATTACHMENT_COLUMNS}, data)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            [
                (
                    f.id,
                    ticket_id,
                    message_id,
                    f.filename,
                    f.content_type,
                    f.size,
                    f.sha256,
                    format_ts(now),
                    f.data,
                )
                for f in files
            ],
        )


async def take_seat(conn: Connection, seat: SeatClaim, now: datetime) -> SeatRefusal | None:
    """Give the requester a seat on the site unless it is full; return the refusal (naming
    the editors) when it is.

    The site's advisory lock is held until commit: racing filers count and take seats
    one at a time, so the cap holds whatever the number of processes.
    """
    key = (seat.organisation_id, seat.site_id)
    await conn.execute(
        "SELECT pg_advisory_xact_lock(hashtextextended('seat ' || $1::text || ' ' || $2::text, 0))",
        *key,
    )
    if await conn.fetchval(
        "SELECT 1 FROM site_seats WHERE organisation_id = $1 AND site_id = $2"
        " AND requester_id = $3",
        *key,
        seat.requester_id,
    ):
        return None
    if seat.max_editors is not None:
        taken = await conn.fetchval(
            "SELECT COUNT(*) FROM site_seats WHERE organisation_id = $1 AND site_id = $2", *key
        )
        if taken >= seat.max_editors:
            rows = await conn.fetch(SITE_EDITORS, *key)
            return SeatRefusal(seat.site_id, tuple(requester_row(r) for r in rows))
    await conn.execute(
        "INSERT INTO site_seats (organisation_id, site_id, requester_id, created_at)"
        " VALUES ($1, $2, $3, $4)",
        *key,
        seat.requester_id,
        format_ts(now),
    )
    return None
