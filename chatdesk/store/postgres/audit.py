"""PostgreSQL: the audit log."""

from __future__ import annotations

from datetime import datetime

from ...models import AuditEntry, format_ts
from ..threadrows import AUDIT_COLUMNS, audit_row, audit_values
from .database import Database

__all__ = ["PostgresAudit"]


class PostgresAudit:
    """:class:`~chatdesk.store.AuditStore` on PostgreSQL."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def add_audit(self, entry: AuditEntry) -> None:
        await self._db.execute(
            f"INSERT INTO audit_log ({AUDIT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            *audit_values(entry),
        )

    async def list_audit(
        self, *, limit: int = 50, before: tuple[datetime, str] | None = None
    ) -> list[AuditEntry]:
        if before is None:
            rows = await self._db.fetch(
                f"SELECT {AUDIT_COLUMNS} FROM audit_log ORDER BY ts DESC, id DESC LIMIT $1",
                limit,
            )
        else:
            rows = await self._db.fetch(
                f"SELECT {AUDIT_COLUMNS} FROM audit_log WHERE ts < $1 OR (ts = $1 AND id < $2)"
                " ORDER BY ts DESC, id DESC LIMIT $3",
                format_ts(before[0]),
                before[1],
                limit,
            )
        return [audit_row(r) for r in rows]
