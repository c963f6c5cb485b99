"""SQLite: visitors, conversations and messages."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import datetime
from typing import Any

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
    active_minute,
    answered_by_people,
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
from .worker import SqliteWorker

#: answered_seq in an append (the author is the statement's second parameter).
_ANSWERED = answered_by_people("?")

__all__ = ["SqliteConversations"]


class SqliteConversations:
    """:class:`~chatdesk.store.ConversationStore` on SQLite."""

    def __init__(self, worker: SqliteWorker) -> None:
        self._worker = worker

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

        def job(conn: sqlite3.Connection) -> None:
            conn.execute(
                "INSERT INTO visitors (id, created_at, lang) VALUES (?, ?, ?)",
                (visitor.id, format_ts(now), lang),
            )
            conn.execute(
                "INSERT INTO conversations (id, visitor_id, created_at, updated_at, active_minute,"
                " lang, page, lang_source, num) VALUES (?, ?, ?, ?, ?, ?, ?, ?,"
                # The next number (one writer at a time: no two take the same).
                " (SELECT COALESCE(max(num), 0) + 1 FROM conversations))",
                (
                    conversation.id,
                    visitor.id,
                    format_ts(now),
                    format_ts(now),
                    active_minute(format_ts(now)),
                    lang,
                    page,
                    lang_source.value,
                ),
            )

        await self._worker.run_inline(job)
        return visitor, conversation

    async def get_visitor(self, visitor_id: str) -> Visitor | None:
        row = await self._worker.read_inline(
            lambda conn: conn.execute(
                f"SELECT {VISITOR_COLUMNS} FROM visitors WHERE id = ?", (visitor_id,)
            ).fetchone()
        )
        return None if row is None else visitor_row(row)

    async def block_visitor(self, visitor_id: str, until: datetime | None, *, by: str = "") -> bool:
        sql, args = BLOCK_VISITOR.replace("$", "?"), (until and format_ts(until), by, visitor_id)
        return bool(await self._worker.run(lambda conn: conn.execute(sql, args).rowcount))

    async def blocked_visitors(self, now: datetime) -> list[tuple[Visitor, str | None]]:
        sql, args = BLOCKED_VISITORS.replace("$1", "?"), (format_ts(now),)
        rows = await self._worker.run(lambda conn: conn.execute(sql, args).fetchall())
        return [(visitor_row(row), row[7]) for row in rows]

    async def delete_visitor(self, visitor_id: str) -> None:
        def job(conn: sqlite3.Connection) -> None:
            # Ratings and choices hang off messages, messages off conversations: the
            # foreign keys cascade, but say it for the tables keyed by conversation.
            ids = [
                r[0]
                for r in conn.execute(
                    "SELECT id FROM conversations WHERE visitor_id = ?", (visitor_id,)
                )
            ]
            for table in ("feedback", "choices"):
                conn.executemany(
                    f"DELETE FROM {table} WHERE conversation_id = ?", [(i,) for i in ids]
                )
            # Files sent in chat are the visitor's: they go with their messages.
            conn.executemany(
                "DELETE FROM attachments WHERE ticket_id IN"
                " (SELECT id FROM tickets WHERE conversation_id = ?) AND message_id IN"
                " (SELECT m.id FROM messages m JOIN conversations c ON c.num = m.conv"
                " WHERE c.id = ?)",
                [(i, i) for i in ids],
            )
            # Tickets stay for the desk's statistics, without whom they were about.
            conn.executemany(
                "UPDATE tickets SET requester_name = '', requester_email = '', description = ''"
                " WHERE conversation_id = ?",
                [(i,) for i in ids],
            )
            # The transcripts they asked for: sent or not, the addresses typed go too.
            conn.executemany(
                FORGET_TRANSCRIPTS.format(p="?"), [(transcript_key(i, "%"),) for i in ids]
            )
            conn.execute("DELETE FROM visitors WHERE id = ?", (visitor_id,))

        await self._worker.run(job)

    async def current_conversation(self, visitor_id: str) -> Conversation | None:
        row = await self._worker.read_inline(
            lambda conn: conn.execute(
                f"SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE visitor_id = ?"
                " ORDER BY created_at DESC LIMIT 1",
                (visitor_id,),
            ).fetchone()
        )
        return None if row is None else conversation_row(row)

    async def get_conversation(self, conversation_id: str) -> Conversation | None:
        row = await self._worker.read_inline(
            lambda conn: conn.execute(
                f"SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE id = ?",
                (conversation_id,),
            ).fetchone()
        )
        return None if row is None else conversation_row(row)

    async def note_visit(
        self,
        conversation_id: str,
        *,
        lang: str,
        page: str,
        lang_source: LangSource | None = None,
    ) -> None:
        source = lang_source.value if lang_source is not None else None
        await self._worker.run_inline(
            lambda conn: conn.execute(
                "UPDATE conversations SET lang = ?, page = ?,"
                " lang_source = COALESCE(?, lang_source) WHERE id = ?",
                (lang, page, source, conversation_id),
            )
        )

    async def mark_read(
        self, conversation_id: str, seq: int, at: datetime, *, side: ReadSide = "visitor"
    ) -> int | None:
        sql = MARK_READ[side].format(p="?", f="min")

        def job(conn: sqlite3.Connection) -> int | None:
            row = conn.execute(sql, (seq, format_ts(at), conversation_id)).fetchone()
            return None if row is None else int(row[0])

        return await self._worker.run(job)

    async def append_message(
        self, conversation_id: str, draft: MessageDraft
    ) -> tuple[Message, bool]:
        return await self._worker.run_inline(lambda conn: _append(conn, conversation_id, draft)[:2])

    async def append_and_read(
        self, conversation_id: str, draft: MessageDraft
    ) -> tuple[Message, bool, Conversation]:
        def job(conn: sqlite3.Connection) -> tuple[Message, bool, Conversation]:
            message, created, row = _append(conn, conversation_id, draft)
            if row is None:  # a retry: nothing was updated to return the conversation
                row = conn.execute(
                    f"SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE id = ?",
                    (conversation_id,),
                ).fetchone()
            return message, created, conversation_row(row)

        # The hot path: a few indexed statements, on the loop (SqliteWorker.run_inline).
        return await self._worker.run_inline(job)

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

        def job(conn: sqlite3.Connection) -> list[Message] | None:
            moved = conn.execute(
                "UPDATE conversations SET answered_seq = ?,"
                " bot_misses = CASE WHEN ? THEN 0 ELSE bot_misses END + ?"
                " WHERE id = ? AND answered_seq = ?",
                (answered_to, reset, add, conversation_id, answered_from),
            ).rowcount
            if not moved:
                return None
            return [_append(conn, conversation_id, draft)[0] for draft in drafts]

        return await self._worker.run_inline(job)

    async def list_messages(
        self, conversation_id: str, *, since: int = 0, limit: int = 50
    ) -> tuple[list[Message], bool]:
        limit = max(1, min(limit, MAX_PAGE))
        # On the loop (one indexed range): the bot reads the unanswered messages for
        # every question, and a trip to the worker thread would end the loop's write
        # transaction early and wake the loop once more (bench/README.md, "Fourth pass").
        rows = await self._worker.read_inline(
            lambda conn: conn.execute(
                f"SELECT {MESSAGE_READ} FROM {MESSAGES_FROM}"
                " WHERE c.id = ? AND m.seq > ? ORDER BY m.seq LIMIT ?",
                (conversation_id, since, limit + 1),
            ).fetchall()
        )
        return [message_row(row) for row in rows[:limit]], len(rows) > limit

    async def set_mode(
        self, conversation_id: str, mode: Mode, *, expect: Mode | None = None
    ) -> bool:
        sql = "UPDATE conversations SET mode = ? WHERE id = ?"
        params: tuple[str, ...] = (mode.value, conversation_id)
        if expect is not None:
            sql += " AND mode = ?"
            params += (expect.value,)
        changed = await self._worker.run(lambda conn: conn.execute(sql, params).rowcount)
        return bool(changed)


def _append(
    conn: sqlite3.Connection, conversation_id: str, draft: MessageDraft
) -> tuple[Message, bool, Any]:
    """Store ``draft``; return (message, created, the conversation row after the append, or
    None for a retry).

    Three statements in the usual case: the insert takes its number from the
    conversation and skips a retry (same author and client id) by the unique index, the
    update moves the conversation's counter to it, and a read returns the row. A retry or
    a missing conversation costs one more read.
    """
    ts = format_ts(draft.ts)  # once: the conversation's updated_at and the message's ts
    inserted = conn.execute(
        f"INSERT INTO messages ({MESSAGE_COLUMNS})"
        " SELECT ?, num, last_seq + 1, ?, ?, ?, ?, ? FROM conversations WHERE id = ?"
        " ON CONFLICT (conv, author, client_id) WHERE client_id IS NOT NULL"
        " DO NOTHING",
        (
            draft.id,
            draft.author.value,
            draft.text,
            ts,
            draft.client_id,
            json.dumps(draft.extra) if draft.extra else None,
            conversation_id,
        ),
    ).rowcount
    if not inserted:
        if draft.client_id is not None:
            row = conn.execute(
                f"SELECT {MESSAGE_READ} FROM {MESSAGES_FROM}"
                " WHERE c.id = ? AND m.author = ? AND m.client_id = ?",
                (conversation_id, draft.author.value, draft.client_id),
            ).fetchone()
            if row is not None:
                return message_row(row), False, None
        raise NotFound("no such conversation")
    conn.execute(
        "UPDATE conversations SET last_seq = last_seq + 1, updated_at = max(updated_at, ?),"
        f" answered_seq = {_ANSWERED} WHERE id = ?",
        (ts, draft.author.value, conversation_id),
    )
    # Read back, not RETURNING: SQLite buffers RETURNING's rows in a temporary table,
    # which cost more than this read of the row the update just wrote.
    conversation = conn.execute(
        f"SELECT {CONVERSATION_COLUMNS}, active_minute FROM conversations WHERE id = ?",
        (conversation_id,),
    ).fetchone()
    minute = active_minute(ts)
    if conversation[-1] < minute:  # once a minute: the only write to its index
        conn.execute(
            "UPDATE conversations SET active_minute = ? WHERE id = ?", (minute, conversation_id)
        )
    message = Message(
        id=draft.id,
        conversation_id=conversation_id,
        seq=conversation[6],  # last_seq: the number the insert took
        author=draft.author,
        text=draft.text,
        ts=draft.ts,
        client_id=draft.client_id,
        extra=draft.extra,
    )
    return message, True, conversation
