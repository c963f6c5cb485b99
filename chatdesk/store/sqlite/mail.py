"""SQLite: the mail feed (written by triggers), the outbox, inbound, bounces, held mail."""

from __future__ import annotations

import sqlite3
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
from .worker import SqliteWorker

__all__ = ["SqliteMail"]

_INSERT = (
    f"INSERT INTO mail_outbox ({OUTBOX_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT DO NOTHING"
)


def _insert(conn: sqlite3.Connection, mails: Sequence[OutboxMail]) -> int:
    return sum(conn.execute(_INSERT, outbox_values(m)).rowcount for m in mails)


def _get(conn: sqlite3.Connection, mail_id: str) -> OutboxMail | None:
    row = conn.execute(
        f"SELECT {OUTBOX_COLUMNS} FROM mail_outbox WHERE id = ?", (mail_id,)
    ).fetchone()
    return None if row is None else outbox_row(row)


class SqliteMail:
    """:class:`~chatdesk.store.MailStore` on SQLite."""

    def __init__(self, worker: SqliteWorker) -> None:
        self._worker = worker

    async def take_feed(self, limit: int) -> list[FeedItem]:
        rows = await self._worker.run(
            lambda conn: conn.execute(
                f"SELECT {FEED_COLUMNS} FROM mail_feed ORDER BY id LIMIT ?",
                (limit,),
            ).fetchall()
        )
        return [feed_row(r) for r in rows]

    async def consume_feed(self, item_id: int, mails: Sequence[OutboxMail]) -> bool:
        def job(conn: sqlite3.Connection) -> bool:
            if not conn.execute("DELETE FROM mail_feed WHERE id = ?", (item_id,)).rowcount:
                return False
            _insert(conn, mails)
            return True

        return await self._worker.run(job)

    async def enqueue_mails(self, mails: Sequence[OutboxMail]) -> int:
        return await self._worker.run(lambda conn: _insert(conn, mails))

    async def claim_mails(self, now: datetime, *, until: datetime, limit: int) -> list[OutboxMail]:
        at = format_ts(now)

        def job(conn: sqlite3.Connection) -> list[OutboxMail]:
            rows = conn.execute(
                f"SELECT {OUTBOX_COLUMNS} FROM mail_outbox WHERE state = 'queued'"
                " AND next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until <= ?)"
                " ORDER BY next_attempt_at, created_at LIMIT ?",
                (at, at, limit),
            ).fetchall()
            conn.executemany(
                "UPDATE mail_outbox SET claimed_until = ? WHERE id = ?",
                [(format_ts(until), r[0]) for r in rows],
            )
            return [outbox_row(r) for r in rows]

        return await self._worker.run(job)

    async def mark_mail_sent(self, mail_id: str, now: datetime) -> None:
        await self._worker.run(
            lambda conn: conn.execute(
                "UPDATE mail_outbox SET state = 'sent', sent_at = ?, claimed_until = NULL,"
                " attempts = attempts + 1 WHERE id = ?",
                (format_ts(now), mail_id),
            )
        )

    async def mark_mail_failed(
        self, mail_id: str, error: str, *, retry_at: datetime | None, now: datetime
    ) -> OutboxMail | None:
        state = MailState.QUEUED if retry_at is not None else MailState.FAILED

        def job(conn: sqlite3.Connection) -> OutboxMail | None:
            conn.execute(
                "UPDATE mail_outbox SET state = ?, attempts = attempts + 1, last_error = ?,"
                " next_attempt_at = ?, claimed_until = NULL WHERE id = ?",
                (state.value, error[:500], format_ts(retry_at or now), mail_id),
            )
            return _get(conn, mail_id)

        return await self._worker.run(job)

    async def get_mail(self, mail_id: str) -> OutboxMail | None:
        return await self._worker.run(lambda conn: _get(conn, mail_id))

    async def list_mails(self, state: MailState, *, limit: int = 100) -> list[OutboxMail]:
        rows = await self._worker.run(
            lambda conn: conn.execute(
                f"SELECT {OUTBOX_COLUMNS} FROM mail_outbox WHERE state = ?"
                " ORDER BY created_at DESC, rowid DESC LIMIT ?",
                (state.value, limit),
            ).fetchall()
        )
        return [outbox_row(r) for r in rows]

    async def retry_mail(self, mail_id: str, now: datetime) -> bool:
        changed = await self._worker.run(
            lambda conn: (
                conn.execute(
                    "UPDATE mail_outbox SET state = 'queued', next_attempt_at = ?,"
                    " claimed_until = NULL WHERE id = ? AND state = 'failed'",
                    (format_ts(now), mail_id),
                ).rowcount
            )
        )
        return bool(changed)

    async def add_inbound(self, message_id: str, ticket_id: str | None, now: datetime) -> bool:
        added = await self._worker.run(
            lambda conn: (
                conn.execute(
                    "INSERT INTO mail_inbound (message_id, ticket_id, received_at) VALUES (?, ?, ?)"
                    " ON CONFLICT DO NOTHING",
                    (message_id, ticket_id, format_ts(now)),
                ).rowcount
            )
        )
        return bool(added)

    async def seen_inbound(self, message_id: str) -> bool:
        row = await self._worker.run(
            lambda conn: conn.execute(
                "SELECT 1 FROM mail_inbound WHERE message_id = ?", (message_id,)
            ).fetchone()
        )
        return row is not None

    async def inbound_ticket(self, message_ids: Sequence[str]) -> str | None:
        def job(conn: sqlite3.Connection) -> str | None:
            for message_id in message_ids:
                for table, key in (("mail_inbound", "message_id"), ("mail_outbox", "id")):
                    row = conn.execute(
                        f"SELECT ticket_id FROM {table} WHERE {key} = ?", (message_id,)
                    ).fetchone()
                    if row is not None and row[0]:
                        return str(row[0])
            return None

        return await self._worker.run(job)

    async def latest_inbound(self, ticket_id: str) -> str | None:
        row = await self._worker.run(
            lambda conn: conn.execute(LATEST_INBOUND, (ticket_id,)).fetchone()
        )
        return None if row is None else str(row[0])

    async def set_bouncing(self, email: str, reason: str, now: datetime) -> bool:
        added = await self._worker.run(
            lambda conn: (
                conn.execute(
                    "INSERT INTO mail_bounces (email, since, reason) VALUES (?, ?, ?)"
                    " ON CONFLICT DO NOTHING",
                    (email, format_ts(now), reason[:500]),
                ).rowcount
            )
        )
        return bool(added)

    async def clear_bouncing(self, email: str) -> bool:
        removed = await self._worker.run(
            lambda conn: conn.execute("DELETE FROM mail_bounces WHERE email = ?", (email,)).rowcount
        )
        return bool(removed)

    async def bounces(self, emails: Sequence[str] = ()) -> list[Bounce]:
        where = f" WHERE email IN ({', '.join('?' * len(emails))})" if emails else ""
        rows = await self._worker.run(
            lambda conn: conn.execute(
                f"SELECT email, since, reason FROM mail_bounces{where} ORDER BY since DESC",
                tuple(emails),
            ).fetchall()
        )
        return [Bounce(r[0], parse_ts(r[1]), r[2]) for r in rows]

    async def hold_mail(self, held: HeldMail) -> None:
        h = held
        await self._worker.run(
            lambda conn: conn.execute(
                "INSERT INTO mail_held (id, sender, recipient, raw, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (h.id, h.sender, h.recipient, h.raw, format_ts(h.created_at)),
            )
        )

    async def take_held(self, held_id: str) -> HeldMail | None:
        row = await self._worker.run(
            lambda conn: conn.execute(
                "DELETE FROM mail_held WHERE id = ? RETURNING sender, recipient, raw, created_at",
                (held_id,),
            ).fetchone()
        )
        if row is None:
            return None
        return HeldMail(row[0], row[1], bytes(row[2]), parse_ts(row[3]), id=held_id)

    async def purge_held(self, before: datetime) -> int:
        return await self._worker.run(
            lambda conn: (
                conn.execute(
                    "DELETE FROM mail_held WHERE created_at < ?", (format_ts(before),)
                ).rowcount
            )
        )

    async def set_org_address(
        self, organisation_id: str, kind: AddressKind, email: str, *, on: bool
    ) -> bool:
        def job(conn: sqlite3.Connection) -> bool:
            if not conn.execute(
                "SELECT 1 FROM organisations WHERE id = ?", (organisation_id,)
            ).fetchone():
                raise NotFound("no such organisation")
            sql = (
                "INSERT INTO org_addresses (organisation_id, kind, email) VALUES (?, ?, ?)"
                " ON CONFLICT DO NOTHING"
                if on
                else "DELETE FROM org_addresses WHERE organisation_id = ? AND kind = ?"
                " AND email = ?"
            )
            return bool(conn.execute(sql, (organisation_id, kind.value, email)).rowcount)

        return await self._worker.run(job)

    async def org_addresses(self, organisation_ids: Sequence[str]) -> list[OrgAddress]:
        if not organisation_ids:
            return []
        marks = ", ".join("?" * len(organisation_ids))
        rows = await self._worker.run(
            lambda conn: conn.execute(
                "SELECT organisation_id, kind, email FROM org_addresses"
                f" WHERE organisation_id IN ({marks}) ORDER BY organisation_id, kind, email",
                tuple(organisation_ids),
            ).fetchall()
        )
        return [OrgAddress(r[0], AddressKind(r[1]), r[2]) for r in rows]
