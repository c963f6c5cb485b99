"""PostgreSQL: service notices and API tokens."""

from __future__ import annotations

import json
from datetime import datetime

from ...models import ApiToken, ServiceNotice, format_ts
from ..threadrows import BEARER_COLUMNS, NOTICE_COLUMNS, notice_row, token_row
from .database import Database

__all__ = ["PostgresApiTokens", "PostgresNotices"]


class PostgresNotices:
    """:class:`~chatdesk.store.NoticeStore` on PostgreSQL."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def add_notice(self, notice: ServiceNotice) -> None:
        n = notice
        await self._db.execute(
            f"INSERT INTO notices ({NOTICE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            n.id,
            n.title,
            n.body,
            n.severity.value,
            format_ts(n.starts_at),
            format_ts(n.ends_at) if n.ends_at else None,
            json.dumps(list(n.audience)),
            n.published_by,
            format_ts(n.created_at),
        )

    async def active_notices(
        self,
        now: datetime,
        organisation_id: str | None = None,
        *,
        starting_before: datetime | None = None,
    ) -> list[ServiceNotice]:
        rows = await self._db.fetch(
            f"SELECT {NOTICE_COLUMNS} FROM notices WHERE starts_at <= $2"
            " AND (ends_at IS NULL OR ends_at > $1)"
            " ORDER BY starts_at DESC, created_at DESC, rowid DESC",
            format_ts(now),
            format_ts(max(now, starting_before or now)),
        )
        notices = [notice_row(r) for r in rows]
        # Audiences are short lists: filtered here rather than with JSON in SQL.
        return [n for n in notices if not n.audience or organisation_id in n.audience]

    async def list_notices(self, *, limit: int = 100) -> list[ServiceNotice]:
        rows = await self._db.fetch(
            f"SELECT {NOTICE_COLUMNS} FROM notices ORDER BY created_at DESC, rowid DESC LIMIT $1",
            limit,
        )
        return [notice_row(r) for r in rows]

    async def end_notice(self, notice_id: str, now: datetime) -> bool:
        changed = await self._db.execute(
            "UPDATE notices SET ends_at = $2 WHERE id = $1 AND (ends_at IS NULL OR ends_at > $2)",
            notice_id,
            format_ts(now),
        )
        return bool(changed)


class PostgresApiTokens:
    """:class:`~chatdesk.store.ApiTokenStore` on PostgreSQL."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def add_api_token(self, token: ApiToken) -> None:
        t = token
        await self._db.execute(
            f"INSERT INTO api_tokens ({BEARER_COLUMNS}) VALUES ($1, $2, $3, $4, $5, NULL, NULL)",
            t.id,
            t.operator_id,
            t.name,
            t.token_hash,
            format_ts(t.created_at),
        )

    async def use_api_token(self, token_hash: str, now: datetime) -> ApiToken | None:
        row = await self._db.fetchrow(
            "UPDATE api_tokens SET last_used_at = $2 WHERE token_hash = $1"
            f" AND revoked_at IS NULL RETURNING {BEARER_COLUMNS}",
            token_hash,
            format_ts(now),
        )
        return None if row is None else token_row(row)

    async def revoke_api_token(self, token_id: str, now: datetime) -> bool:
        changed = await self._db.execute(
            "UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
            token_id,
            format_ts(now),
        )
        return bool(changed)

    async def list_api_tokens(self, operator_id: str | None = None) -> list[ApiToken]:
        where, params = ("WHERE operator_id = $1", (operator_id,)) if operator_id else ("", ())
        rows = await self._db.fetch(
            f"SELECT {BEARER_COLUMNS} FROM api_tokens {where} ORDER BY created_at DESC, rowid DESC",
            *params,
        )
        return [token_row(r) for r in rows]
