"""PostgreSQL: the console's read models (lists, counts, operators' load)."""

from __future__ import annotations

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
from .database import Database
from .routing import QUEUE_ORDER
from .tickets import CURRENT_TICKET

__all__ = ["PostgresQueries"]


def _prefixed(alias: str, columns: str) -> str:
    return ", ".join(f"{alias}.{c.strip()}" for c in columns.split(","))


_SUMMARY = f"""
    SELECT {_prefixed("c", CONVERSATION_COLUMNS)}, {_prefixed("t", TICKET_COLUMNS)},
           {MESSAGE_READ}
    FROM conversations c
    LEFT JOIN tickets t ON t.id = ({CURRENT_TICKET.replace("$1", "c.id")})
    LEFT JOIN messages m ON m.conv = c.num AND m.seq = c.last_seq
"""
#: The waiting chats the Queue lists (the summary's joins; queued ones are counted apart).
_WAITING_COUNT = (
    "SELECT COUNT(*) " + _SUMMARY[_SUMMARY.index("FROM") :] + f" WHERE {WAITING_UNANSWERED}"
)
#: Which conversations each view lists (``$2``: the operator), and in what order.
_VIEWS: dict[InboxView, tuple[str, str]] = {
    InboxView.QUEUE: (QUEUE_FILTER, QUEUE_ORDER),
    InboxView.MINE: ("c.mode = 'live' AND c.operator_id = $2", BY_ACTIVITY),
    InboxView.ALL: ("c.mode != 'bot' OR c.last_seq > 0", BY_ACTIVITY),
}
_NC = len(CONVERSATION_COLUMNS.split(","))
_NT = len(TICKET_COLUMNS.split(","))


def _summary(record: Any) -> Summary:
    row = tuple(record)
    return Summary(
        conversation=conversation_row(row[:_NC]),
        ticket=ticket_row(row[_NC : _NC + _NT]) if row[_NC] is not None else None,
        last_message=message_row(row[_NC + _NT :]) if row[_NC + _NT] is not None else None,
    )


class PostgresQueries:
    """:class:`~chatdesk.store.InboxQueries` on PostgreSQL."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def summaries(
        self, view: InboxView, *, operator_id: str | None = None, limit: int = 100
    ) -> list[Summary]:
        where, order = _VIEWS[view]
        params: tuple[object, ...] = (operator_id or "",) if view is InboxView.MINE else ()
        rows = await self._db.fetch(
            f"{_SUMMARY} WHERE {where} ORDER BY {order} LIMIT $1", limit, *params
        )
        return [_summary(r) for r in rows]

    async def summary(self, conversation_id: str) -> Summary | None:
        row = await self._db.fetchrow(f"{_SUMMARY} WHERE c.id = $1", conversation_id)
        return None if row is None else _summary(row)

    async def inbox_counts(self, operator_id: str) -> dict[InboxView, int]:
        row = await self._db.fetchrow(
            "SELECT COUNT(*) FILTER (WHERE mode = 'queued'),"
            " COUNT(*) FILTER (WHERE mode = 'live' AND operator_id = $1),"
            " COUNT(*) FILTER (WHERE mode != 'bot' OR last_seq > 0) FROM conversations",
            operator_id,
        )
        assert row is not None  # an aggregate always returns a row
        waiting = await self._db.fetchval(_WAITING_COUNT)
        return {
            InboxView.QUEUE: int(row[0]) + int(waiting),
            InboxView.MINE: int(row[1]),
            InboxView.ALL: int(row[2]),
        }

    async def live_load(self) -> dict[str, int]:
        rows = await self._db.fetch(
            "SELECT operator_id, COUNT(*) FROM conversations WHERE mode = 'live'"
            " GROUP BY operator_id"
        )
        return {r[0]: int(r[1]) for r in rows}

    async def ticket_counts(self) -> dict[Status, int]:
        rows = await self._db.fetch("SELECT status, COUNT(*) FROM tickets GROUP BY status")
        found = {r[0]: int(r[1]) for r in rows}
        return {status: found.get(status.value, 0) for status in Status}

    async def ticket_load(self) -> dict[str, int]:
        return {r[0]: int(r[1]) for r in await self._db.fetch(TICKET_LOAD)}
