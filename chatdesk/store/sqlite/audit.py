"""SQLite: the audit log."""

from __future__ import annotations

from datetime import datetime

from ...models import AuditEntry, format_ts
from ..threadrows import AUDIT_COLUMNS, audit_row, audit_values
from .worker import SqliteWorker

__all__ = ["SqliteAudit"]


class SqliteAudit:
    """:class:`~chatdesk.store.AuditStore` on SQLite."""

    def __init__(self, worker: SqliteWorker) -> None:
        self._worker = worker

    async def add_audit(self, entry: AuditEntry) -> None:
        values = audit_values(entry)
        await self._worker.run(
            lambda conn: conn.execute(
                f"INSERT INTO audit_log ({AUDIT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)", values
            )
        )

    async def list_audit(
        self, *, limit: int = 50, before: tuple[datetime, str] | None = None
    ) -> list[AuditEntry]:
        where = ""
        args: tuple[str, ...] = ()
        if before is not None:
            ts = format_ts(before[0])
            where, args = " WHERE ts < ? OR (ts = ? AND id < ?)", (ts, ts, before[1])
        rows = await self._worker.run(
            lambda conn: conn.execute(
                f"SELECT {AUDIT_COLUMNS} FROM audit_log{where} ORDER BY ts DESC, id DESC LIMIT ?",
                (*args, limit),
            ).fetchall()
        )
        return [audit_row(r) for r in rows]
