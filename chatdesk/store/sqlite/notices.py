"""SQLite: service notices and API tokens."""

from __future__ import annotations

import json
from datetime import datetime

from ...models import ApiToken, ServiceNotice, format_ts
from ..threadrows import BEARER_COLUMNS, NOTICE_COLUMNS, notice_row, token_row
from .worker import SqliteWorker

__all__ = ["SqliteApiTokens", "SqliteNotices"]


class SqliteNotices:
    """:class:`~chatdesk.store.NoticeStore` on SQLite."""

    def __init__(self, worker: SqliteWorker) -> None:
        self._worker = worker

    async def add_notice(self, notice: ServiceNotice) -> None:
        n = notice
        await self._worker.run(
            lambda conn: conn.execute(
                f"INSERT INTO notices ({NOTICE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    n.id,
                    n.title,
                    n.body,
                    n.severity.value,
                    format_ts(n.starts_at),
                    format_ts(n.ends_at) if n.ends_at else None,
                    json.dumps(list(n.audience)),
                    n.published_by,
                    format_ts(n.created_at),
                ),
            )
        )

    async def active_notices(
        self,
        now: datetime,
        organisation_id: str | None = None,
        *,
        starting_before: datetime | None = None,
    ) -> list[ServiceNotice]:
        at = format_ts(now)
        before = format_ts(max(now, starting_before or now))
        # Read at every visitor's connection: a small table, on the loop.
        rows = await self._worker.read_inline(
            lambda conn: conn.execute(
                f"SELECT {NOTICE_COLUMNS} FROM notices WHERE starts_at <= ?"
                " AND (ends_at IS NULL OR ends_at > ?)"
                " ORDER BY starts_at DESC, created_at DESC, rowid DESC",
                (before, at),
            ).fetchall()
        )
        notices = [notice_row(r) for r in rows]
        # Audiences are short lists: filtered here rather than with JSON in SQL.
        return [n for n in notices if not n.audience or organisation_id in n.audience]

    async def list_notices(self, *, limit: int = 100) -> list[ServiceNotice]:
        rows = await self._worker.run(
            lambda conn: conn.execute(
                f"SELECT {NOTICE_COLUMNS} FROM notices ORDER BY created_at DESC, rowid DESC"
                " LIMIT ?",
                (limit,),
            ).fetchall()
        )
        return [notice_row(r) for r in rows]

    async def end_notice(self, notice_id: str, now: datetime) -> bool:
        at = format_ts(now)
        changed = await self._worker.run(
            lambda conn: (
                conn.execute(
                    "UPDATE notices SET ends_at = ? WHERE id = ?"
                    " AND (ends_at IS NULL OR ends_at > ?)",
                    (at, notice_id, at),
                ).rowcount
            )
        )
        return bool(changed)


class SqliteApiTokens:
    """:class:`~chatdesk.store.ApiTokenStore` on SQLite."""

    def __init__(self, worker: SqliteWorker) -> None:
        self._worker = worker

    async def add_api_token(self, token: ApiToken) -> None:
        t = token
        await self._worker.run(
            lambda conn: conn.execute(
                f"INSERT INTO api_tokens ({BEARER_COLUMNS}) VALUES (?, ?, ?, ?, ?, NULL, NULL)",
                (t.id, t.operator_id, t.name, t.token_hash, format_ts(t.created_at)),
            )
        )

    async def use_api_token(self, token_hash: str, now: datetime) -> ApiToken | None:
        row = await self._worker.run(
            lambda conn: conn.execute(
                "UPDATE api_tokens SET last_used_at = ? WHERE token_hash = ?"
                f" AND revoked_at IS NULL RETURNING {BEARER_COLUMNS}",
                (format_ts(now), token_hash),
            ).fetchone()
        )
        return None if row is None else token_row(row)

    async def revoke_api_token(self, token_id: str, now: datetime) -> bool:
        changed = await self._worker.run(
            lambda conn: (
                conn.execute(
                    "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                    (format_ts(now), token_id),
                ).rowcount
            )
        )
        return bool(changed)

    async def list_api_tokens(self, operator_id: str | None = None) -> list[ApiToken]:
        where, params = ("WHERE operator_id = ?", (operator_id,)) if operator_id else ("", ())
        rows = await self._worker.run(
            lambda conn: conn.execute(
                f"SELECT {BEARER_COLUMNS} FROM api_tokens {where}"
                " ORDER BY created_at DESC, rowid DESC",
                params,
            ).fetchall()
        )
        return [token_row(r) for r in rows]
