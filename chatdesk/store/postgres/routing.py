"""PostgreSQL: the queue, claims, transfers, offers and their refusals.

Each change is one transaction that first locks the conversation's row (``FOR UPDATE``),
then reads and writes: two processes racing for a conversation take turns, and the second
sees what the first committed. A capacity check also takes the operator's advisory lock
(after the conversation's, always in that order: no deadlock), so two claims of different
conversations by one operator cannot both pass it.
"""

from __future__ import annotations

from datetime import datetime

from ...models import Claim, Conversation, Mode, Status, Ticket, format_ts
from ..rows import CONVERSATION_COLUMNS, conversation_row
from .database import Connection, Database
from .tickets import CURRENT_TICKET, update_current_ticket

__all__ = ["QUEUE_ORDER", "PostgresRouting"]

# Queue order: priority first, then who waited longest.
_RANK = "CASE {col} WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END"
QUEUE_ORDER = f"{_RANK.format(col='c.priority')}, c.queued_at"
_ESCALATED = ("queued", "live", "waiting")
_C = ", ".join(f"c.{c.strip()}" for c in CONVERSATION_COLUMNS.split(","))
_LOCK = "SELECT mode, operator_id, offered_to FROM conversations WHERE id = $1 FOR UPDATE"


async def _has_room(conn: Connection, operator_id: str, capacity: int) -> bool:
    """Take the operator's lock (until commit) and say whether they can take one more."""
    await conn.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", operator_id)
    load = await conn.fetchval(
        "SELECT COUNT(*) FROM conversations WHERE operator_id = $1 AND mode = 'live'",
        operator_id,
    )
    return int(load) < capacity


async def _remember_refusals(conn: Connection, pairs: list[tuple[str, str]]) -> None:
    await conn.executemany(
        "INSERT INTO declines (conversation_id, operator_id) VALUES ($1, $2)"
        " ON CONFLICT DO NOTHING",
        pairs,
    )


class PostgresRouting:
    """:class:`~chatdesk.store.RoutingStore` on PostgreSQL."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def claim_conversation(
        self, conversation_id: str, operator_id: str, *, capacity: int, now: datetime
    ) -> Claim:
        async with self._db.transaction() as conn:
            row = await conn.fetchrow(_LOCK, conversation_id)
            if row is None:
                return Claim.GONE
            mode, holder, offered_to = row
            if mode == Mode.LIVE.value:
                return Claim.CLAIMED if holder == operator_id else Claim.TAKEN
            if mode not in (Mode.QUEUED.value, Mode.WAITING.value):
                return Claim.GONE
            if offered_to is not None and offered_to != operator_id:
                return Claim.TAKEN  # reserved for the operator it was offered to
            if not await _has_room(conn, operator_id, capacity):
                return Claim.FULL
            await conn.execute(
                "UPDATE conversations SET mode = 'live', operator_id = $2, offered_to = NULL,"
                " offered_at = NULL WHERE id = $1",
                conversation_id,
                operator_id,
            )
            await update_current_ticket(
                conn, conversation_id, now, status=Status.OPEN.value, operator_id=operator_id
            )
            await conn.execute("DELETE FROM declines WHERE conversation_id = $1", conversation_id)
            return Claim.CLAIMED

    async def transfer_conversation(
        self,
        conversation_id: str,
        from_operator: str,
        to_operator: str,
        *,
        capacity: int,
        now: datetime,
    ) -> Claim:
        async with self._db.transaction() as conn:
            row = await conn.fetchrow(_LOCK, conversation_id)
            if row is None or row[0] != Mode.LIVE.value or row[1] != from_operator:
                return Claim.GONE
            if not await _has_room(conn, to_operator, capacity):
                return Claim.FULL
            await conn.execute(
                "UPDATE conversations SET operator_id = $2 WHERE id = $1",
                conversation_id,
                to_operator,
            )
            await update_current_ticket(conn, conversation_id, now, operator_id=to_operator)
            return Claim.CLAIMED

    async def requeue_conversation(
        self,
        conversation_id: str,
        *,
        now: datetime,
        holder: str | None = None,
        department: str | None = None,
    ) -> bool:
        async with self._db.transaction() as conn:
            row = await conn.fetchrow(_LOCK, conversation_id)
            if row is None or row[0] not in _ESCALATED:
                return False
            if holder is not None and row[1] != holder:
                return False  # someone else has it now
            # queued_at is kept: a requeued visitor has waited already and goes first.
            await conn.execute("DELETE FROM declines WHERE conversation_id = $1", conversation_id)
            await conn.execute(
                "UPDATE conversations SET mode = 'queued', operator_id = NULL,"
                " offered_to = NULL, offered_at = NULL, department = COALESCE($2, department)"
                " WHERE id = $1",
                conversation_id,
                department,
            )
            fields: dict[str, object] = {"status": Status.NEW.value, "operator_id": None}
            if department is not None:
                fields["department"] = department
            await update_current_ticket(conn, conversation_id, now, **fields)
            return True

    async def finish_conversation(
        self, conversation_id: str, *, mode: Mode, now: datetime, holder: str | None = None
    ) -> Ticket | None:
        async with self._db.transaction() as conn:
            row = await conn.fetchrow(_LOCK, conversation_id)
            if row is None or row[0] not in _ESCALATED:
                return None
            if holder is not None and row[1] != holder:
                return None
            await conn.execute(
                "UPDATE conversations SET mode = $2, operator_id = NULL, offered_to = NULL,"
                " offered_at = NULL WHERE id = $1",
                conversation_id,
                mode.value,
            )
            await conn.execute("DELETE FROM declines WHERE conversation_id = $1", conversation_id)
            return await update_current_ticket(
                conn,
                conversation_id,
                now,
                status=Status.RESOLVED.value,
                resolved_at=format_ts(now),
            )

    async def reopen_conversation(
        self, conversation_id: str, operator_id: str, *, capacity: int, now: datetime
    ) -> Claim:
        async with self._db.transaction() as conn:
            row = await conn.fetchrow(_LOCK, conversation_id)
            status = None
            if row is not None:
                status = await conn.fetchval(
                    f"SELECT status FROM tickets WHERE id = ({CURRENT_TICKET})", conversation_id
                )
            if row is None or status != Status.RESOLVED.value:
                return Claim.GONE
            if row[0] not in (Mode.CLOSED.value, Mode.BOT.value):
                return Claim.TAKEN
            if not await _has_room(conn, operator_id, capacity):
                return Claim.FULL
            await conn.execute(
                "UPDATE conversations SET mode = 'live', operator_id = $2, offered_to = NULL,"
                " offered_at = NULL, answered_seq = last_seq WHERE id = $1",
                conversation_id,
                operator_id,
            )
            await update_current_ticket(
                conn,
                conversation_id,
                now,
                status=Status.OPEN.value,
                operator_id=operator_id,
                resolved_at=None,
            )
            return Claim.CLAIMED

    async def offer_conversation(
        self, conversation_id: str, operator_id: str, now: datetime
    ) -> bool:
        changed = await self._db.execute(
            "UPDATE conversations SET offered_to = $2, offered_at = $3 WHERE id = $1"
            " AND mode = 'queued' AND offered_to IS NULL",
            conversation_id,
            operator_id,
            format_ts(now),
        )
        return bool(changed)

    async def decline_offer(self, conversation_id: str, operator_id: str) -> bool:
        async with self._db.transaction() as conn:
            withdrawn = await conn.fetchval(
                "UPDATE conversations SET offered_to = NULL, offered_at = NULL"
                " WHERE id = $1 AND offered_to = $2 AND mode = 'queued' RETURNING id",
                conversation_id,
                operator_id,
            )
            if withdrawn is not None:
                await _remember_refusals(conn, [(conversation_id, operator_id)])
            return withdrawn is not None

    async def expire_offers(self, offered_before: datetime) -> list[tuple[str, str]]:
        async with self._db.transaction() as conn:
            # Lock, in id order (so two expirers cannot deadlock), and read who held each
            # offer before clearing it (RETURNING would give the new values).
            rows = await conn.fetch(
                "SELECT id, offered_to FROM conversations"
                " WHERE offered_to IS NOT NULL AND mode = 'queued' AND offered_at < $1"
                " ORDER BY id FOR UPDATE",
                format_ts(offered_before),
            )
            pairs = [(r[0], r[1]) for r in rows]
            if pairs:
                await conn.execute(
                    "UPDATE conversations SET offered_to = NULL, offered_at = NULL"
                    " WHERE id = ANY($1)",
                    [p[0] for p in pairs],
                )
                await _remember_refusals(conn, pairs)
            return pairs

    async def declined_by(self, conversation_id: str) -> frozenset[str]:
        rows = await self._db.fetch(
            "SELECT operator_id FROM declines WHERE conversation_id = $1", conversation_id
        )
        return frozenset(r[0] for r in rows)

    async def queued_conversations(
        self, department: str | None = None, *, unoffered: bool = False
    ) -> list[Conversation]:
        rows = await self._db.fetch(
            f"SELECT {_C} FROM conversations c WHERE c.mode = 'queued'"
            " AND ($1::text IS NULL OR c.department = $1)"
            " AND (NOT $2 OR c.offered_to IS NULL)"
            f" ORDER BY {QUEUE_ORDER}",
            department or None,
            unoffered,
        )
        return [conversation_row(r) for r in rows]

    async def waiting_conversations(self, department: str | None = None) -> list[Conversation]:
        rows = await self._db.fetch(
            f"SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE mode = 'waiting'"
            " AND ($1::text IS NULL OR department = $1) ORDER BY queued_at",
            department or None,
        )
        return [conversation_row(r) for r in rows]

    async def operator_conversations(self, operator_id: str) -> list[Conversation]:
        rows = await self._db.fetch(
            f"SELECT {CONVERSATION_COLUMNS} FROM conversations"
            " WHERE operator_id = $1 AND mode = 'live'",
            operator_id,
        )
        return [conversation_row(r) for r in rows]
