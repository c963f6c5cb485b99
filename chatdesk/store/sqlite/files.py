"""A ticket's files on SQLite: with a ticket message, or with a visitor's chat message."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime

from ...errors import NotFound, TooLarge
from ...models import Message, MessageDraft, NewAttachment, format_ts
from ..threadrows import ATTACHMENT_COLUMNS
from .conversations import _append

__all__ = ["add_chat_attachment", "add_files"]


def add_files(
    conn: sqlite3.Connection,
    ticket_id: str,
    message_id: str | None,
    files: Sequence[NewAttachment],
    now: datetime,
) -> None:
    """Store files (bytes and description) on a ticket, with the message they came with."""
    conn.executemany(
        f"INSERT INTO attachments ({ATTACHMENT_COLUMNS}, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
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


def add_chat_attachment(
    conn: sqlite3.Connection,
    ticket_id: str,
    conversation_id: str,
    attachment: NewAttachment,
    draft: MessageDraft,
    *,
    now: datetime,
    max_ticket_bytes: int | None,
) -> tuple[Message, bool]:
    """Store the file on the ticket and append ``draft`` (the file's message) in one job.

    A retry (the draft's client id already in the conversation) returns the first message
    and stores nothing.
    """
    if conn.execute("SELECT 1 FROM tickets WHERE id = ?", (ticket_id,)).fetchone() is None:
        raise NotFound("no such ticket")
    # The job runs in a savepoint: a refusal below undoes the append too.
    message, created, _ = _append(conn, conversation_id, draft)
    if not created:
        return message, False
    if max_ticket_bytes is not None:
        (used,) = conn.execute(
            "SELECT COALESCE(SUM(size), 0) FROM attachments WHERE ticket_id = ?", (ticket_id,)
        ).fetchone()
        if used + attachment.size > max_ticket_bytes:
            raise TooLarge(f"this ticket's files would pass {max_ticket_bytes // 1024} kB")
    add_files(conn, ticket_id, message.id, [attachment], now)
    return message, True
