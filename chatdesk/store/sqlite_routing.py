"""SQLite store, part 3: the queue, claims, transfers, offers and the console's lists."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from ..models import Conversation, Mode, format_ts
from ..tickets import Status, Ticket
from .base import Claim, Summary
from .sqlite_rows import (
    CONVERSATION_COLUMNS,
    MESSAGE_COLUMNS,
    TICKET_COLUMNS,
    conversation_row,
    message_row,
    ticket_row,
)
from .sqlite_tickets import current_ticket_id, set_current_ticket
from .sqlite_worker import SqliteWorker

__all__ = ["RoutingRecords"]

# Queue order: priority first, then who waited longest.
_RANK = "CASE {col} WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END"
_QUEUE_ORDER = f"{_RANK.format(col='c.priority')}, c.queued_at"
_ESCALATED = ("queued", "live", "waiting")
_C = ", ".join(f"c.{c.strip()}" for c in CONVERSATION_COLUMNS.split(","))
_T = ", ".join(f"t.{c.strip()}" for c in TICKET_COLUMNS.split(","))
_M = ", ".join(f"m.{c.strip()}" for c in MESSAGE_COLUMNS.split(","))
_SUMMARY = f"""
    SELECT {_C}, {_T}, {_M} FROM conversations c
    LEFT JOIN tickets t ON t.id = (SELECT id FROM tickets WHERE conversation_id = c.id
                                   ORDER BY created_at DESC LIMIT 1)
    LEFT JOIN messages m ON m.conversation_id = c.id AND m.seq = c.last_seq
"""


def _load(conn: sqlite3.Connection, operator_id: str) -> int:
    (load,) = conn.execute(
        "SELECT COUNT(*) FROM conversations WHERE operator_id = ? AND mode = 'live'",
        (operator_id,),
    ).fetchone()
    return int(load)


class RoutingRecords:
    """Routing (mixed into :class:`SqliteStore`)."""

    _worker: SqliteWorker

    async def claim_conversation(
        self, conversation_id: str, operator_id: str, *, capacity: int, now: datetime
    ) -> Claim:
        def job(conn: sqlite3.Connection) -> Claim:
            row = conn.execute(
                "SELECT mode, operator_id, offered_to FROM conversations WHERE id = ?",
                (conversation_id,),
            ).fetchone()
            if row is None:
                return Claim.GONE
            mode, holder, offered_to = row
            if mode == Mode.LIVE.value:
                return Claim.CLAIMED if holder == operator_id else Claim.TAKEN
            if mode not in (Mode.QUEUED.value, Mode.WAITING.value):
                return Claim.GONE
            if offered_to is not None and offered_to != operator_id:
                return Claim.TAKEN  # reserved for the operator it was offered to
            if _load(conn, operator_id) >= capacity:
                return Claim.FULL
            conn.execute(
                "UPDATE conversations SET mode = 'live', operator_id = ?, offered_to = NULL,"
                " offered_at = NULL WHERE id = ?",
                (operator_id, conversation_id),
            )
            set_current_ticket(
                conn, conversation_id, now, status=Status.OPEN.value, operator_id=operator_id
            )
            return Claim.CLAIMED

        return await self._worker.run(job)

    async def transfer_conversation(
        self,
        conversation_id: str,
        from_operator: str,
        to_operator: str,
        *,
        capacity: int,
        now: datetime,
    ) -> Claim:
        def job(conn: sqlite3.Connection) -> Claim:
            row = conn.execute(
                "SELECT mode, operator_id FROM conversations WHERE id = ?", (conversation_id,)
            ).fetchone()
            if row is None or row[0] != Mode.LIVE.value or row[1] != from_operator:
                return Claim.GONE
            if _load(conn, to_operator) >= capacity:
                return Claim.FULL
            conn.execute(
                "UPDATE conversations SET operator_id = ? WHERE id = ?",
                (to_operator, conversation_id),
            )
            set_current_ticket(conn, conversation_id, now, operator_id=to_operator)
            return Claim.CLAIMED

        return await self._worker.run(job)

    async def requeue_conversation(
        self,
        conversation_id: str,
        *,
        now: datetime,
        holder: str | None = None,
        department: str | None = None,
    ) -> bool:
        def job(conn: sqlite3.Connection) -> bool:
            row = conn.execute(
                "SELECT mode, operator_id FROM conversations WHERE id = ?", (conversation_id,)
            ).fetchone()
            if row is None or row[0] not in _ESCALATED:
                return False
            if holder is not None and row[1] != holder:
                return False  # someone else has it now
            # queued_at is kept: a requeued visitor has waited already and goes first.
            conn.execute(
                "UPDATE conversations SET mode = 'queued', operator_id = NULL, offered_to = NULL,"
                " offered_at = NULL, department = COALESCE(?, department) WHERE id = ?",
                (department, conversation_id),
            )
            fields: dict[str, object] = {"status": Status.NEW.value, "operator_id": None}
            if department is not None:
                fields["department"] = department
            set_current_ticket(conn, conversation_id, now, **fields)
            return True

        return await self._worker.run(job)

    async def finish_conversation(
        self, conversation_id: str, *, mode: Mode, now: datetime, holder: str | None = None
    ) -> Ticket | None:
        def job(conn: sqlite3.Connection) -> Ticket | None:
            row = conn.execute(
                "SELECT mode, operator_id FROM conversations WHERE id = ?", (conversation_id,)
            ).fetchone()
            if row is None or row[0] not in _ESCALATED:
                return None
            if holder is not None and row[1] != holder:
                return None
            conn.execute(
                "UPDATE conversations SET mode = ?, operator_id = NULL, offered_to = NULL,"
                " offered_at = NULL WHERE id = ?",
                (mode.value, conversation_id),
            )
            set_current_ticket(
                conn, conversation_id, now, status=Status.RESOLVED.value, resolved_at=format_ts(now)
            )
            ticket_id = current_ticket_id(conn, conversation_id)
            found = conn.execute(
                f"SELECT {TICKET_COLUMNS} FROM tickets WHERE id = ?", (ticket_id,)
            ).fetchone()
            return None if found is None else ticket_row(found)

        return await self._worker.run(job)

    async def offer_conversation(
        self, conversation_id: str, operator_id: str, now: datetime
    ) -> bool:
        changed = await self._worker.run(
            lambda conn: (
                conn.execute(
                    "UPDATE conversations SET offered_to = ?, offered_at = ? WHERE id = ?"
                    " AND mode = 'queued' AND offered_to IS NULL",
                    (operator_id, format_ts(now), conversation_id),
                ).rowcount
            )
        )
        return bool(changed)

    async def withdraw_offers(
        self, *, offered_before: datetime | None = None, conversation_id: str | None = None
    ) -> list[tuple[str, str]]:
        where = "offered_to IS NOT NULL AND mode = 'queued'"
        params: list[str] = []
        if offered_before is not None:
            where += " AND offered_at < ?"
            params.append(format_ts(offered_before))
        if conversation_id is not None:
            where += " AND id = ?"
            params.append(conversation_id)

        def job(conn: sqlite3.Connection) -> list[tuple[str, str]]:
            # Read who held each offer before clearing it (RETURNING gives new values).
            rows = conn.execute(
                f"SELECT id, offered_to FROM conversations WHERE {where}", params
            ).fetchall()
            conn.execute(
                f"UPDATE conversations SET offered_to = NULL, offered_at = NULL WHERE {where}",
                params,
            )
            return [(r[0], r[1]) for r in rows]

        return await self._worker.run(job)

    async def queued_conversations(
        self, department: str | None = None, *, unoffered: bool = False
    ) -> list[Conversation]:
        where = "c.mode = 'queued'"
        params: list[str] = []
        if department:
            where += " AND c.department = ?"
            params.append(department)
        if unoffered:
            where += " AND c.offered_to IS NULL"
        rows = await self._worker.run(
            lambda conn: conn.execute(
                f"SELECT {_C} FROM conversations c WHERE {where} ORDER BY {_QUEUE_ORDER}", params
            ).fetchall()
        )
        return [conversation_row(r) for r in rows]

    async def live_load(self) -> dict[str, int]:
        rows = await self._worker.run(
            lambda conn: conn.execute(
                "SELECT operator_id, COUNT(*) FROM conversations WHERE mode = 'live'"
                " GROUP BY operator_id"
            ).fetchall()
        )
        return {r[0]: int(r[1]) for r in rows}

    async def operator_conversations(self, operator_id: str) -> list[Conversation]:
        rows = await self._worker.run(
            lambda conn: conn.execute(
                f"SELECT {CONVERSATION_COLUMNS} FROM conversations"
                " WHERE operator_id = ? AND mode = 'live'",
                (operator_id,),
            ).fetchall()
        )
        return [conversation_row(r) for r in rows]

    async def summaries(
        self,
        view: str,
        *,
        operator_id: str | None = None,
        limit: int = 100,
        conversation_id: str | None = None,
    ) -> list[Summary]:
        if conversation_id is not None:
            where, order, params = "c.id = ?", "c.id", [conversation_id]
        elif view == "queue":
            where, order, params = "c.mode IN ('queued', 'waiting')", _QUEUE_ORDER, []
        elif view == "mine":
            where, order, params = (
                "c.mode = 'live' AND c.operator_id = ?",
                "c.updated_at DESC",
                [operator_id or ""],
            )
        else:
            where, order, params = "c.mode != 'bot' OR c.last_seq > 0", "c.updated_at DESC", []
        rows = await self._worker.run(
            lambda conn: conn.execute(
                f"{_SUMMARY} WHERE {where} ORDER BY {order} LIMIT ?", (*params, limit)
            ).fetchall()
        )
        nc, nt = len(CONVERSATION_COLUMNS.split(",")), len(TICKET_COLUMNS.split(","))
        return [
            Summary(
                conversation=conversation_row(r[:nc]),
                ticket=ticket_row(r[nc : nc + nt]) if r[nc] is not None else None,
                last_message=message_row(r[nc + nt :]) if r[nc + nt] is not None else None,
            )
            for r in rows
        ]

    async def inbox_counts(self, operator_id: str) -> dict[str, int]:
        row = await self._worker.run(
            lambda conn: conn.execute(
                "SELECT SUM(mode IN ('queued', 'waiting')),"
                " SUM(mode = 'live' AND operator_id = ?),"
                " SUM(mode != 'bot' OR last_seq > 0) FROM conversations",
                (operator_id,),
            ).fetchone()
        )
        return {"queue": int(row[0] or 0), "mine": int(row[1] or 0), "all": int(row[2] or 0)}
