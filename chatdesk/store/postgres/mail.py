"""PostgreSQL: the mail feed (written by triggers), the outbox, inbound, bounces, held mail."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from ...errors import NotFound
from ...models import format_ts, parse_ts
from ...models.mail import (
    AddressKind,
    Bounce,
    FeedItem,
    HeldMail,
    MailState,
    OrgAddress,
    OutboxMail,
)
from ..mailrows import (
    FEED_COLUMNS,
    LATEST_INBOUND,
    OUTBOX_COLUMNS,
    feed_row,
    outbox_row,
    outbox_values,
)
from .database import Connection, Database, rowcount

__all__ = ["PostgresMail"]

#: The type of each of :data:`OUTBOX_COLUMNS` (mails are inserted as one array a column).
_TYPES = ("text",) * 8 + ("int",) + ("text",) * 4
# One statement for any number of mails (a notice to thousands is one round trip); a mail
# whose id or key is there already is left out. unnest keeps the order: so does rowid.
_INSERT = (
    f"INSERT INTO mail_outbox ({OUTBOX_COLUMNS}) SELECT * FROM unnest("
    + ", ".join(f"${i}::{t}[]" for i, t in enumerate(_TYPES, 1))
    + ") ON CONFLICT DO NOTHING"
)
# Due mails not claimed by a live sender; rows another claim holds locked are skipped,
# not waited for (each process takes its own), and ours are claimed in the same statement.
_CLAIM = f"""
    WITH due AS (
        SELECT id FROM mail_outbox
        WHERE state = 'queued' AND next_attempt_at <= $1
            AND (claimed_until IS NULL OR claimed_until <= $1)
        ORDER BY next_attempt_at, created_at LIMIT $3
        FOR UPDATE SKIP LOCKED
    ), claimed AS (
        UPDATE mail_outbox m SET claimed_until = $2 FROM due WHERE m.id = due.id
        RETURNING m.*
    )
    SELECT {OUTBOX_COLUMNS} FROM claimed ORDER BY next_attempt_at, created_at, rowid
"""
# For each id in turn: a message received, else a mail we sent (the first with a ticket).
_THREAD = """
    SELECT ticket_id FROM (
        SELECT i.n, 0 AS source, r.ticket_id
        FROM unnest($1::text[]) WITH ORDINALITY AS i(message_id, n)
        JOIN mail_inbound r ON r.message_id = i.message_id
        UNION ALL
        SELECT i.n, 1, s.ticket_id
        FROM unnest($1::text[]) WITH ORDINALITY AS i(message_id, n)
        JOIN mail_outbox s ON s.id = i.message_id
    ) AS known
    WHERE ticket_id IS NOT NULL AND ticket_id != ''
    ORDER BY n, source LIMIT 1
"""


async def _insert(conn: Connection, mails: Sequence[OutboxMail]) -> int:
    if not mails:
        return 0
    columns = [list(c) for c in zip(*(outbox_values(m) for m in mails), strict=True)]
    return rowcount(await conn.execute(_INSERT, *columns))


class PostgresMail:
    """:class:`~chatdesk.store.MailStore` on PostgreSQL."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def take_feed(self, limit: int) -> list[FeedItem]:
        rows = await self._db.fetch(
            f"SELECT {FEED_COLUMNS} FROM mail_feed ORDER BY id LIMIT $1", limit
        )
        return [feed_row(r) for r in rows]

    async def consume_feed(self, item_id: int, mails: Sequence[OutboxMail]) -> bool:
        async with self._db.transaction() as conn:
            # The delete locks the item: a second consumer waits, then finds it gone.
            if not rowcount(await conn.execute("DELETE FROM mail_feed WHERE id = $1", item_id)):
                return False
            await _insert(conn, mails)
            return True

    async def enqueue_mails(self, mails: Sequence[OutboxMail]) -> int:
        async with self._db.connection() as conn:
            return await _insert(conn, mails)

    async def claim_mails(self, now: datetime, *, until: datetime, limit: int) -> list[OutboxMail]:
        rows = await self._db.fetch(_CLAIM, format_ts(now), format_ts(until), limit)
        return [outbox_row(r) for r in rows]

    async def mark_mail_sent(self, mail_id: str, now: datetime) -> None:
        await self._db.execute(
            "UPDATE mail_outbox SET state = 'sent', sent_at = $1, claimed_until = NULL,"
            " attempts = attempts + 1 WHERE id = $2",
            format_ts(now),
            mail_id,
        )

    async def mark_mail_failed(
        self, mail_id: str, error: str, *, retry_at: datetime | None, now: datetime
    ) -> OutboxMail | None:
        state = MailState.QUEUED if retry_at is not None else MailState.FAILED
        row = await self._db.fetchrow(
            "UPDATE mail_outbox SET state = $1, attempts = attempts + 1, last_error = $2,"
            f" next_attempt_at = $3, claimed_until = NULL WHERE id = $4 RETURNING {OUTBOX_COLUMNS}",
            state.value,
            error[:500],
            format_ts(retry_at or now),
            mail_id,
        )
        return None if row is None else outbox_row(row)

    async def get_mail(self, mail_id: str) -> OutboxMail | None:
        row = await self._db.fetchrow(
            f"SELECT {OUTBOX_COLUMNS} FROM mail_outbox WHERE id = $1", mail_id
        )
        return None if row is None else outbox_row(row)

    async def list_mails(self, state: MailState, *, limit: int = 100) -> list[OutboxMail]:
        rows = await self._db.fetch(
            f"SELECT {OUTBOX_COLUMNS} FROM mail_outbox WHERE state = $1"
            " ORDER BY created_at DESC, rowid DESC LIMIT $2",
            state.value,
            limit,
        )
        return [outbox_row(r) for r in rows]

    async def retry_mail(self, mail_id: str, now: datetime) -> bool:
        changed = await self._db.execute(
            "UPDATE mail_outbox SET state = 'queued', next_attempt_at = $1,"
            " claimed_until = NULL WHERE id = $2 AND state = 'failed'",
            format_ts(now),
            mail_id,
        )
        return bool(changed)

    async def add_inbound(self, message_id: str, ticket_id: str | None, now: datetime) -> bool:
        added = await self._db.execute(
            "INSERT INTO mail_inbound (message_id, ticket_id, received_at) VALUES ($1, $2, $3)"
            " ON CONFLICT DO NOTHING",
            message_id,
            ticket_id,
            format_ts(now),
        )
        return bool(added)

    async def seen_inbound(self, message_id: str) -> bool:
        found = await self._db.fetchval(
            "SELECT EXISTS (SELECT 1 FROM mail_inbound WHERE message_id = $1)", message_id
        )
        return bool(found)

    async def inbound_ticket(self, message_ids: Sequence[str]) -> str | None:
        if not message_ids:
            return None
        found = await self._db.fetchval(_THREAD, list(message_ids))
        return None if found is None else str(found)

    async def latest_inbound(self, ticket_id: str) -> str | None:
        found = await self._db.fetchval(LATEST_INBOUND.replace("?", "$1"), ticket_id)
        return None if found is None else str(found)

    async def set_bouncing(self, email: str, reason: str, now: datetime) -> bool:
        added = await self._db.execute(
            "INSERT INTO mail_bounces (email, since, reason) VALUES ($1, $2, $3)"
            " ON CONFLICT DO NOTHING",
            email,
            format_ts(now),
            reason[:500],
        )
        return bool(added)

    async def clear_bouncing(self, email: str) -> bool:
        return bool(await self._db.execute("DELETE FROM mail_bounces WHERE email = $1", email))

    async def bounces(self, emails: Sequence[str] = ()) -> list[Bounce]:
        where, args = ("WHERE email = ANY($1::text[])", (list(emails),)) if emails else ("", ())
        rows = await self._db.fetch(
            f"SELECT email, since, reason FROM mail_bounces {where} ORDER BY since DESC", *args
        )
        return [Bounce(r[0], parse_ts(r[1]), r[2]) for r in rows]

    async def hold_mail(self, held: HeldMail) -> None:
        await self._db.execute(
            "INSERT INTO mail_held (id, sender, recipient, raw, created_at)"
            " VALUES ($1, $2, $3, $4, $5)",
            held.id,
            held.sender,
            held.recipient,
            held.raw,
            format_ts(held.created_at),
        )

    async def take_held(self, held_id: str) -> HeldMail | None:
        row = await self._db.fetchrow(
            "DELETE FROM mail_held WHERE id = $1 RETURNING sender, recipient, raw, created_at",
            held_id,
        )
        if row is None:
            return None
        return HeldMail(row[0], row[1], bytes(row[2]), parse_ts(row[3]), id=held_id)

    async def purge_held(self, before: datetime) -> int:
        return await self._db.execute(
            "DELETE FROM mail_held WHERE created_at < $1", format_ts(before)
        )

    async def set_org_address(
        self, organisation_id: str, kind: AddressKind, email: str, *, on: bool
    ) -> bool:
        async with self._db.transaction() as conn:
            # Locked against its deletion until the address is added (its foreign key).
            if not await conn.fetchval(
                "SELECT 1 FROM organisations WHERE id = $1 FOR KEY SHARE", organisation_id
            ):
                raise NotFound("no such organisation")
            sql = (
                "INSERT INTO org_addresses (organisation_id, kind, email) VALUES ($1, $2, $3)"
                " ON CONFLICT DO NOTHING"
                if on
                else "DELETE FROM org_addresses WHERE organisation_id = $1 AND kind = $2"
                " AND email = $3"
            )
            return bool(rowcount(await conn.execute(sql, organisation_id, kind.value, email)))

    async def org_addresses(self, organisation_ids: Sequence[str]) -> list[OrgAddress]:
        if not organisation_ids:
            return []
        rows = await self._db.fetch(
            "SELECT organisation_id, kind, email FROM org_addresses"
            " WHERE organisation_id = ANY($1::text[]) ORDER BY organisation_id, kind, email",
            list(organisation_ids),
        )
        return [OrgAddress(r[0], AddressKind(r[1]), r[2]) for r in rows]
