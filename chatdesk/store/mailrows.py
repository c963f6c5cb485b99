"""Column lists and row converters of the mail tables, shared by the SQL backends."""

from __future__ import annotations

import json
from typing import Any

from ..models import format_ts, parse_ts
from ..models.mail import FeedItem, MailState, OutboxMail

__all__ = [
    "FEED_COLUMNS",
    "LATEST_INBOUND",
    "OUTBOX_COLUMNS",
    "feed_row",
    "outbox_row",
    "outbox_values",
]

OUTBOX_COLUMNS = (
    "id, kind, recipient, lang, ticket_id, data, dedupe_key, state, attempts,"
    " next_attempt_at, last_error, created_at, sent_at"
)
FEED_COLUMNS = "id, source, ref_id, ticket_id, kind, data, created_at"
#: A ticket's latest received Message-ID (``?``: the ticket; PostgreSQL writes ``$1``). A
#: message that came without one was remembered by a hash of its bytes: not an id to name.
LATEST_INBOUND = (
    "SELECT message_id FROM mail_inbound WHERE ticket_id = ?"
    " AND message_id NOT LIKE '%@no-message-id>' ORDER BY received_at DESC LIMIT 1"
)


def outbox_row(row: Any) -> OutboxMail:
    """Build an OutboxMail from a row of :data:`OUTBOX_COLUMNS`."""
    return OutboxMail(
        id=row[0], kind=row[1], to=row[2], lang=row[3], ticket_id=row[4],
        data=json.loads(row[5]), key=row[6], state=MailState(row[7]), attempts=row[8],
        next_attempt_at=parse_ts(row[9]) if row[9] else None, last_error=row[10],
        created_at=parse_ts(row[11]), sent_at=parse_ts(row[12]) if row[12] else None,
    )  # fmt: skip


def outbox_values(m: OutboxMail) -> tuple[Any, ...]:
    """Return the values of :data:`OUTBOX_COLUMNS` for a mail to store (due at once
    unless it says when)."""
    return (
        m.id, m.kind, m.to, m.lang, m.ticket_id, json.dumps(m.data, ensure_ascii=False),
        m.key, m.state.value, m.attempts, format_ts(m.next_attempt_at or m.created_at),
        m.last_error, format_ts(m.created_at), format_ts(m.sent_at) if m.sent_at else None,
    )  # fmt: skip


def feed_row(row: Any) -> FeedItem:
    """Build a FeedItem from a row of :data:`FEED_COLUMNS`."""
    return FeedItem(row[0], row[1], row[2], row[3], row[4], json.loads(row[5] or "{}"),
                    parse_ts(row[6]))  # fmt: skip
