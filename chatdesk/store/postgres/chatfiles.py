"""A visitor's file sent in chat, on PostgreSQL: the ticket's file and the chat message at
once."""

from __future__ import annotations

from datetime import datetime

from ...errors import NotFound, TooLarge
from ...models import Message, MessageDraft, NewAttachment, format_ts
from ..rows import message_row
from .appends import APPEND, FIND_RETRY
from .conversations import _extra
from .database import Database
from .threads import add_files, lock_ticket

__all__ = ["add_chat_attachment"]


async def add_chat_attachment(
    db: Database,
    ticket_id: str,
    conversation_id: str,
    attachment: NewAttachment,
    draft: MessageDraft,
    *,
    now: datetime,
    max_ticket_bytes: int | None,
) -> tuple[Message, bool]:
    """Store the file on the ticket and append ``draft`` (the file's message) in one
    transaction. A retry (the draft's client id already in the conversation) returns the
    first message and stores nothing.
    """
    async with db.transaction() as conn:
        # Under the ticket's lock: a twin of this retry that won the race is committed.
        await lock_ticket(conn, ticket_id)
        if draft.client_id is not None:
            found = await conn.fetchrow(
                FIND_RETRY, conversation_id, draft.author.value, draft.client_id
            )
            if found is not None:
                return message_row(found), False
        if max_ticket_bytes is not None:
            used = await conn.fetchval(
                "SELECT COALESCE(SUM(size), 0) FROM attachments WHERE ticket_id = $1", ticket_id
            )
            if used + attachment.size > max_ticket_bytes:
                raise TooLarge(f"this ticket's files would pass {max_ticket_bytes // 1024} kB")
        row = await conn.fetchrow(
            APPEND,
            conversation_id,
            draft.id,
            draft.author.value,
            draft.text,
            format_ts(draft.ts),
            draft.client_id,
            _extra(draft),
        )
        if row is None or row[0] is None:
            raise NotFound("no such conversation")
        message = Message(
            id=draft.id,
            conversation_id=conversation_id,
            seq=int(row["last_seq"]),
            author=draft.author,
            text=draft.text,
            ts=draft.ts,
            client_id=draft.client_id,
            extra=draft.extra,
        )
        await add_files(conn, ticket_id, message.id, [attachment], now)
        return message, True
