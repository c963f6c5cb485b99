"""SQLite: the console's read models (lists, counts, operators' load)."""

from __future__ import annotations

import sqlite3
from typing import Any

from ...models import InboxView, Status, Summary
from ..conversations import BY_ACTIVITY
from ..queries import QUEUE_FILTER, TICKET_LOAD, WAITING_UNANSWERED
from ..rows import (
    CONVERSATION_COLUMNS,
    MESSAGE_READ,
    TICKET_COLUMNS,
    conversation_row,
    message_row,
    ticket_row,
)
from .routing import QUEUE_ORDER
from .worker import SqliteWorker

__all__ = ["SqliteQueries"]


def _prefixed(alias: str, columns: str) -> str:
    return ", ".join(f"{alias}.{c.strip()}" for c in columns.split(","))


_SUMMARY = f"""
    SELECT {_prefixed("c", CONVERSATION_COLUMNS)}, {_prefixed("t", TICKET_COLUMNS)},
           {MESSAGE_READ}
    FROM conversations c
    LEFT JOIN tickets t ON t.id = (SELECT id FROM tickets WHERE conversation_id = c.id
                                   ORDER BY created_at DESC LIMIT 1)
    LEFT JOIN messages m ON m.conv = c.num AND m.seq = c.last_seq
"""
#: The waiting chats the Queue lists (the summary's joins; queued ones are counted apart).
_WAITING_COUNT = (
    "SELECT COUNT(*) " + _SUMMARY[_SUMMARY.index("FROM") :] + f" WHERE {WAITING_UNANSWERED}"
)
#: Which conversations each view lists, and in what order.
_VIEWS: dict[InboxView, tuple[str, str]] = {
    InboxView.QUEUE: (QUEUE_FILTER, QUEUE_ORDER),
    InboxView.MINE: ("c.mode = 'live' AND c.operator_id = ?", BY_ACTIVITY),
    InboxView.ALL: ("c.mode != 'bot' OR c.last_seq > 0", BY_ACTIVITY),
}
_NC = len(CONVERSATION_COLUMNS.split(","))
_NT = len(TICKET_COLUMNS.split(","))


def _summary(row: Any) -> Summary:
    return Summary(
        conversation=conversation_row(row[:_NC]),
        ticket=ticket_row(row[_NC : _NC + _NT]) if row[_NC] is not None else None,
        last_message=message_row(row[_NC + _NT :]) if row[_NC + _NT] is not None else None,
    )


class SqliteQueries:
    """:class:`~chatdesk.store.InboxQueries` on SQLite."""

    def __init__(self, worker: SqliteWorker) -> None:
        self._worker = worker

    async def summaries(
        self, view: InboxView, *, operator_id: str | None = None, limit: int = 100
    ) -> list[Summary]:
        where, order = _VIEWS[view]
        params: tuple[object, ...] = (operator_id or "",) if view is InboxView.MINE else ()
        rows = await self._worker.run(
            lambda conn: conn.execute(
                f"{_SUMMARY} WHERE {where} ORDER BY {order} LIMIT ?", (*params, limit)
            ).fetchall()
        )
        return [_summary(r) for r in rows]

    async def summary(self, conversation_id: str) -> Summary | None:
        # On the loop (indexed rows): read for every message of an escalated chat.
        row = await self._worker.read_inline(
            lambda conn: conn.execute(f"{_SUMMARY} WHERE c.id = ?", (conversation_id,)).fetchone()
        )
        return None if row is None else _summary(row)

    async def inbox_counts(self, operator_id: str) -> dict[InboxView, int]:
        def read(conn: sqlite3.Connection) -> tuple[Any, ...]:
            row = conn.execute(
                "SELECT SUM(mode = 'queued'),"
                " SUM(mode = 'live' AND operator_id = ?),"
                " SUM(mode != 'bot' OR last_seq > 0) FROM conversations",
                (operator_id,),
            ).fetchone()
            (waiting,) = conn.execute(_WAITING_COUNT).fetchone()
            return (int(row[0] or 0) + int(waiting), *row[1:])

        row = await self._worker.run(read)
        return {
            InboxView.QUEUE: int(row[0] or 0),
            InboxView.MINE: int(row[1] or 0),
            InboxView.ALL: int(row[2] or 0),
        }

    async def live_load(self) -> dict[str, int]:
        rows = await self._worker.run(
            lambda conn: conn.execute(
                "SELECT operator_id, COUNT(*) FROM conversations WHERE mode = 'live'"
                " GROUP BY operator_id"
            ).fetchall()
        )
        return {r[0]: int(r[1]) for r in rows}

    async def ticket_counts(self) -> dict[Status, int]:
        rows = await self._worker.run(
            lambda conn: conn.execute(
                "SELECT status, COUNT(*) FROM tickets GROUP BY status"
            ).fetchall()
        )
        found = {r[0]: int(r[1]) for r in rows}
        return {status: found.get(status.value, 0) for status in Status}

    async def ticket_load(self) -> dict[str, int]:
        rows = await self._worker.run(lambda conn: conn.execute(TICKET_LOAD).fetchall())
        return {r[0]: int(r[1]) for r in rows}
