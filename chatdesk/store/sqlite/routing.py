"""SQLite: the queue, claims, transfers, offers and their refusals."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from ...models import Claim, Conversation, Mode, Status, Ticket, format_ts
from ..rows import CONVERSATION_COLUMNS, TICKET_COLUMNS, conversation_row, ticket_row
from .tickets import current_ticket_id, set_current_ticket
from .worker import SqliteWorker

__all__ = ["QUEUE_ORDER", "SqliteRouting"]

# Queue order: priority first, then who waited longest.
_RANK = "CASE {col} WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END"
QUEUE_ORDER = f"{_RANK.format(col='c.priority')}, c.queued_at"
_ESCALATED = ("queued", "live", "waiting")
_C = ", ".join(f"c.{c.strip()}" for c in CONVERSATION_COLUMNS.split(","))


def _load(conn: sqlite3.Connection, operator_id: str) -> int:
    (load,) = conn.execute(
        "SELECT COUNT(*) FROM conversations WHERE operator_id = ? AND mode = 'live'",
        (operator_id,),
    ).fetchone()
    return int(load)


class SqliteRouting:
    """:class:`~chatdesk.store.RoutingStore` on SQLite."""

    def __init__(self, worker: SqliteWorker) -> None:
        self._worker = worker

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
            conn.execute("DELETE FROM declines WHERE conversation_id = ?", (conversation_id,))
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
            conn.execute("DELETE FROM declines WHERE conversation_id = ?", (conversation_id,))
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
            conn.execute("DELETE FROM declines WHERE conversation_id = ?", (conversation_id,))
            set_current_ticket(
                conn, conversation_id, now, status=Status.RESOLVED.value, resolved_at=format_ts(now)
            )
            ticket_id = current_ticket_id(conn, conversation_id)
            found = conn.execute(
                f"SELECT {TICKET_COLUMNS} FROM tickets WHERE id = ?", (ticket_id,)
            ).fetchone()
            return None if found is None else ticket_row(found)

        return await self._worker.run(job)

    async def reopen_conversation(
        self, conversation_id: str, operator_id: str, *, capacity: int, now: datetime
    ) -> Claim:
        def job(conn: sqlite3.Connection) -> Claim:
            row = conn.execute(
                "SELECT c.mode, t.status FROM conversations c"
                " JOIN tickets t ON t.id = (SELECT id FROM tickets WHERE conversation_id = c.id"
                "                            ORDER BY created_at DESC LIMIT 1)"
                " WHERE c.id = ?",
                (conversation_id,),
            ).fetchone()
            if row is None or row[1] != Status.RESOLVED.value:
                return Claim.GONE
            if row[0] not in (Mode.CLOSED.value, Mode.BOT.value):
                return Claim.TAKEN
            if _load(conn, operator_id) >= capacity:
                return Claim.FULL
            conn.execute(
                "UPDATE conversations SET mode = 'live', operator_id = ?, offered_to = NULL,"
                " offered_at = NULL, answered_seq = last_seq WHERE id = ?",
                (operator_id, conversation_id),
            )
            set_current_ticket(
                conn,
                conversation_id,
                now,
                status=Status.OPEN.value,
                operator_id=operator_id,
                resolved_at=None,
            )
            return Claim.CLAIMED

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

    async def decline_offer(self, conversation_id: str, operator_id: str) -> bool:
        def job(conn: sqlite3.Connection) -> bool:
            withdrawn = conn.execute(
                "UPDATE conversations SET offered_to = NULL, offered_at = NULL"
                " WHERE id = ? AND offered_to = ? AND mode = 'queued'",
                (conversation_id, operator_id),
            ).rowcount
            if withdrawn:
                _remember_refusal(conn, conversation_id, operator_id)
            return bool(withdrawn)

        return await self._worker.run(job)

    async def expire_offers(self, offered_before: datetime) -> list[tuple[str, str]]:
        def job(conn: sqlite3.Connection) -> list[tuple[str, str]]:
            # Read who held each offer before clearing it (RETURNING gives new values).
            rows = conn.execute(
                "SELECT id, offered_to FROM conversations"
                " WHERE offered_to IS NOT NULL AND mode = 'queued' AND offered_at < ?",
                (format_ts(offered_before),),
            ).fetchall()
            for conversation_id, operator_id in rows:
                conn.execute(
                    "UPDATE conversations SET offered_to = NULL, offered_at = NULL WHERE id = ?",
                    (conversation_id,),
                )
                _remember_refusal(conn, conversation_id, operator_id)
            return [(r[0], r[1]) for r in rows]

        return await self._worker.run(job)

    async def declined_by(self, conversation_id: str) -> frozenset[str]:
        rows = await self._worker.run(
            lambda conn: conn.execute(
                "SELECT operator_id FROM declines WHERE conversation_id = ?", (conversation_id,)
            ).fetchall()
        )
        return frozenset(r[0] for r in rows)

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
                f"SELECT {_C} FROM conversations c WHERE {where} ORDER BY {QUEUE_ORDER}", params
            ).fetchall()
        )
        return [conversation_row(r) for r in rows]

    async def waiting_conversations(self, department: str | None = None) -> list[Conversation]:
        where, params = "mode = 'waiting'", []
        if department:
            where, params = where + " AND department = ?", [department]
        rows = await self._worker.run(
            lambda conn: conn.execute(
                f"SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE {where}"
                " ORDER BY queued_at",
                params,
            ).fetchall()
        )
        return [conversation_row(r) for r in rows]

    async def operator_conversations(self, operator_id: str) -> list[Conversation]:
        rows = await self._worker.run(
            lambda conn: conn.execute(
                f"SELECT {CONVERSATION_COLUMNS} FROM conversations"
                " WHERE operator_id = ? AND mode = 'live'",
                (operator_id,),
            ).fetchall()
        )
        return [conversation_row(r) for r in rows]


def _remember_refusal(conn: sqlite3.Connection, conversation_id: str, operator_id: str) -> None:
    conn.execute(
        "INSERT OR IGNORE INTO declines (conversation_id, operator_id) VALUES (?, ?)",
        (conversation_id, operator_id),
    )
