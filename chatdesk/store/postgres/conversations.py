"""PostgreSQL: visitors, conversations and messages."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

import asyncpg

from ...errors import NotFound
from ...models import (
    Conversation,
    LangSource,
    Message,
    MessageDraft,
    Mode,
    Visitor,
    format_ts,
    new_id,
)
from ..conversations import (
    FORGET_TRANSCRIPTS,
    MARK_READ,
    MAX_PAGE,
    ReadSide,
    miss_change,
    transcript_key,
)
from ..rows import (
    BLOCK_VISITOR,
    BLOCKED_VISITORS,
    CONVERSATION_COLUMNS,
    MESSAGE_COLUMNS,
    MESSAGE_READ,
    MESSAGES_FROM,
    VISITOR_COLUMNS,
    conversation_row,
    message_row,
    visitor_row,
)
from .appends import FIND_RETRY, AppendBatcher
from .database import Database, Record

__all__ = ["PostgresConversations"]

# The compare-and-set on answered_seq and the replies, numbered after last_seq, together.
_REPLIES = f"""
WITH conv AS (
    UPDATE conversations SET answered_seq = $2, last_seq = last_seq + $4,
        updated_at = GREATEST(updated_at, COALESCE($5, updated_at)),
        active_minute = GREATEST(active_minute, COALESCE(substr($5, 1, 16), active_minute)),
        bot_misses = CASE WHEN $12 THEN 0 ELSE bot_misses END + $13
    WHERE id = $1 AND answered_seq = $3
    RETURNING last_seq, num
), inserted AS (
    INSERT INTO messages ({MESSAGE_COLUMNS})
    SELECT d.id, conv.num, conv.last_seq - $4 + d.n, d.author, d.text, d.ts, d.client_id, d.extra
    FROM conv, unnest($6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])
        WITH ORDINALITY AS d(id, author, text, ts, client_id, extra, n)
)
SELECT last_seq FROM conv
"""


def _extra(message: Message | MessageDraft) -> str | None:
    return json.dumps(message.extra) if message.extra else None


class PostgresConversations:
    """:class:`~chatdesk.store.ConversationStore` on PostgreSQL."""

    def __init__(self, db: Database) -> None:
        self._db = db
        # Appends are the hot path: grouped, on at most half the pool (the rest stays free
        # for everything else).
        self._appends = AppendBatcher(db, parallel=max(1, db.pool_size // 2))

    async def create_visitor(
        self,
        *,
        lang: str,
        page: str,
        now: datetime,
        lang_source: LangSource = LangSource.DEFAULT,
    ) -> tuple[Visitor, Conversation]:
        visitor = Visitor(id=new_id(), created_at=now, lang=lang)
        conversation = Conversation(
            id=new_id(),
            visitor_id=visitor.id,
            created_at=now,
            lang=lang,
            page=page,
            lang_source=lang_source,
        )
        await self._db.execute(
            "WITH v AS (INSERT INTO visitors (id, created_at, lang) VALUES ($1, $3, $4))"
            " INSERT INTO conversations (id, visitor_id, created_at, updated_at, active_minute,"
            " lang, page, lang_source) VALUES ($2, $1, $3, $3, substr($3, 1, 16), $4, $5, $6)",
            visitor.id,
            conversation.id,
            format_ts(now),
            lang,
            page,
            lang_source.value,
        )
        return visitor, conversation

    async def get_visitor(self, visitor_id: str) -> Visitor | None:
        row = await self._db.fetchrow(
            f"SELECT {VISITOR_COLUMNS} FROM visitors WHERE id = $1", visitor_id
        )
        return None if row is None else visitor_row(row)

    async def block_visitor(self, visitor_id: str, until: datetime | None, *, by: str = "") -> bool:
        until_ts = until and format_ts(until)
        return bool(await self._db.execute(BLOCK_VISITOR, until_ts, by, visitor_id))

    async def blocked_visitors(self, now: datetime) -> list[tuple[Visitor, str | None]]:
        rows = await self._db.fetch(BLOCKED_VISITORS, format_ts(now))
        return [(visitor_row(row), row[7]) for row in rows]

    async def delete_visitor(self, visitor_id: str) -> None:
        async with self._db.transaction() as conn:
            ids = [
                r[0]
                for r in await conn.fetch(
                    "SELECT id FROM conversations WHERE visitor_id = $1 FOR UPDATE", visitor_id
                )
            ]
            for table in ("feedback", "choices"):
                await conn.execute(f"DELETE FROM {table} WHERE conversation_id = ANY($1)", ids)
            # Files sent in chat are the visitor's: they go with their messages.
            await conn.execute(
                "DELETE FROM attachments WHERE ticket_id IN"
                " (SELECT id FROM tickets WHERE conversation_id = ANY($1)) AND message_id IN"
                " (SELECT m.id FROM messages m JOIN conversations c ON c.num = m.conv"
                " WHERE c.id = ANY($1))",
                ids,
            )
            # Tickets stay for the desk's statistics, without whom they were about.
            await conn.execute(
                "UPDATE tickets SET requester_name = '', requester_email = '', description = ''"
                " WHERE conversation_id = ANY($1)",
                ids,
            )
            # The transcripts they asked for: sent or not, the addresses typed go too.
            await conn.executemany(
                FORGET_TRANSCRIPTS.format(p="$"), [(transcript_key(i, "%"),) for i in ids]
            )
            await conn.execute("DELETE FROM visitors WHERE id = $1", visitor_id)

    async def current_conversation(self, visitor_id: str) -> Conversation | None:
        row = await self._db.fetchrow(
            f"SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE visitor_id = $1"
            " ORDER BY created_at DESC LIMIT 1",
            visitor_id,
        )
        return None if row is None else conversation_row(row)

    async def get_conversation(self, conversation_id: str) -> Conversation | None:
        row = await self._db.fetchrow(
            f"SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE id = $1", conversation_id
        )
        return None if row is None else conversation_row(row)

    async def mark_read(
        self, conversation_id: str, seq: int, at: datetime, *, side: ReadSide = "visitor"
    ) -> int | None:
        sql = MARK_READ[side].format(p="$", f="LEAST")
        marked: int | None = await self._db.fetchval(sql, seq, format_ts(at), conversation_id)
        return marked

    async def note_visit(
        self,
        conversation_id: str,
        *,
        lang: str,
        page: str,
        lang_source: LangSource | None = None,
    ) -> None:
        await self._db.execute(
            "UPDATE conversations SET lang = $2, page = $3,"
            " lang_source = COALESCE($4, lang_source) WHERE id = $1",
            conversation_id,
            lang,
            page,
            lang_source.value if lang_source is not None else None,
        )

    async def append_message(
        self, conversation_id: str, draft: MessageDraft
    ) -> tuple[Message, bool]:
        message, created, _ = await self._append(conversation_id, draft)
        return message, created

    async def append_and_read(
        self, conversation_id: str, draft: MessageDraft
    ) -> tuple[Message, bool, Conversation]:
        message, created, conversation = await self._append(conversation_id, draft)
        if conversation is None:  # a retry: nothing was updated to return the conversation
            conversation = await self.get_conversation(conversation_id)
            if conversation is None:
                raise NotFound("no such conversation")
        return message, created, conversation

    async def _append(
        self, conversation_id: str, draft: MessageDraft
    ) -> tuple[Message, bool, Conversation | None]:
        args = (
            conversation_id,
            draft.id,
            draft.author.value,
            draft.text,
            format_ts(draft.ts),
            draft.client_id,
            _extra(draft),
        )
        try:
            row: Record | None = await self._appends.append(args)
        except asyncpg.UniqueViolationError:
            row = None  # a twin of this retry committed first: return it below
        if row is not None and row[0] is not None:
            conversation = conversation_row(row)
            message = Message(
                id=draft.id,
                conversation_id=conversation_id,
                seq=conversation.last_seq,
                author=draft.author,
                text=draft.text,
                ts=draft.ts,
                client_id=draft.client_id,
                extra=draft.extra,
            )
            return message, True, conversation
        if draft.client_id is not None:
            found = await self._db.fetchrow(
                FIND_RETRY, conversation_id, draft.author.value, draft.client_id
            )
            if found is not None:
                return message_row(found), False, None
        raise NotFound("no such conversation")

    async def append_replies(
        self,
        conversation_id: str,
        drafts: Sequence[MessageDraft],
        *,
        answered_from: int,
        answered_to: int,
        misses: Sequence[bool] = (),
    ) -> list[Message] | None:
        reset, add = miss_change(misses)
        last_seq = await self._db.fetchrow(
            _REPLIES,
            conversation_id,
            answered_to,
            answered_from,
            len(drafts),
            format_ts(drafts[-1].ts) if drafts else None,
            [d.id for d in drafts],
            [d.author.value for d in drafts],
            [d.text for d in drafts],
            [format_ts(d.ts) for d in drafts],
            [d.client_id for d in drafts],
            [_extra(d) for d in drafts],
            reset,
            add,
        )
        if last_seq is None:
            return None
        first = int(last_seq[0]) - len(drafts) + 1
        return [
            Message(
                id=d.id,
                conversation_id=conversation_id,
                seq=first + i,
                author=d.author,
                text=d.text,
                ts=d.ts,
                client_id=d.client_id,
                extra=d.extra,
            )
            for i, d in enumerate(drafts)
        ]

    async def list_messages(
        self, conversation_id: str, *, since: int = 0, limit: int = 50
    ) -> tuple[list[Message], bool]:
        limit = max(1, min(limit, MAX_PAGE))
        rows = await self._db.fetch(
            f"SELECT {MESSAGE_READ} FROM {MESSAGES_FROM}"
            " WHERE c.id = $1 AND m.seq > $2 ORDER BY m.seq LIMIT $3",
            conversation_id,
            since,
            limit + 1,
        )
        return [message_row(row) for row in rows[:limit]], len(rows) > limit

    async def set_mode(
        self, conversation_id: str, mode: Mode, *, expect: Mode | None = None
    ) -> bool:
        if expect is None:
            changed = await self._db.execute(
                "UPDATE conversations SET mode = $2 WHERE id = $1", conversation_id, mode.value
            )
        else:
            changed = await self._db.execute(
                "UPDATE conversations SET mode = $2 WHERE id = $1 AND mode = $3",
                conversation_id,
                mode.value,
                expect.value,
            )
        return bool(changed)
