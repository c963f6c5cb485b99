"""PostgreSQL: operator accounts, their presence, and canned responses."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

import asyncpg

from ...errors import Conflict, NotFound
from ...models import CannedResponse, Operator, Presence, PresenceStatus, format_ts, parse_ts
from ..rows import OPERATOR_COLUMNS, OPERATOR_READ, canned_row, operator_row
from .database import Database

__all__ = ["PostgresCanned", "PostgresOperators", "PostgresPresence"]


class PostgresOperators:
    """:class:`~chatdesk.store.OperatorStore` on PostgreSQL."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def add_operator(self, operator: Operator, password_hash: str) -> None:
        async with self._db.connection() as conn:
            try:
                await conn.execute(
                    f"INSERT INTO operators ({OPERATOR_COLUMNS}, password_hash)"
                    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
                    operator.id,
                    operator.email,
                    operator.name,
                    operator.role.value,
                    json.dumps(list(operator.departments)),
                    json.dumps(list(operator.languages)),
                    operator.capacity,
                    int(operator.disabled),
                    operator.session_version,
                    format_ts(operator.created_at) if operator.created_at else "",
                    int(operator.mail_notifications),
                    operator.signature,
                    password_hash,
                )
            except asyncpg.UniqueViolationError:
                raise Conflict(
                    f"an operator with e-mail {operator.email} exists", code="operator_exists"
                ) from None

    async def get_operator(self, operator_id: str) -> Operator | None:
        row = await self._db.fetchrow(
            f"SELECT {OPERATOR_READ} FROM operators WHERE id = $1", operator_id
        )
        return None if row is None else operator_row(row)

    async def operator_credentials(self, email: str) -> tuple[Operator, str] | None:
        row = await self._db.fetchrow(
            f"SELECT {OPERATOR_READ}, password_hash FROM operators WHERE email = $1", email
        )
        return None if row is None else (operator_row(row), row[-1])

    async def list_operators(self) -> list[Operator]:
        # Byte order, whatever the database's collation: the same list as on SQLite.
        rows = await self._db.fetch(
            f'SELECT {OPERATOR_READ} FROM operators ORDER BY name COLLATE "C", email COLLATE "C"'
        )
        return [operator_row(r) for r in rows]

    async def update_operator(
        self,
        email: str,
        *,
        disabled: bool | None = None,
        password_hash: str | None = None,
        end_sessions: bool = False,
    ) -> Operator:
        # Any change of access bumps session_version (once per change): sessions end.
        row = await self._db.fetchrow(
            "UPDATE operators SET disabled = COALESCE($2::integer, disabled),"
            " password_hash = COALESCE($3::text, password_hash),"
            " invited_at = CASE WHEN $3::text IS NULL THEN invited_at END,"
            " session_version = session_version + ($2::integer IS NOT NULL)::integer"
            " + ($3::text IS NOT NULL)::integer + $4::integer"
            f" WHERE email = $1 RETURNING {OPERATOR_READ}",
            email,
            None if disabled is None else int(disabled),
            password_hash,
            int(end_sessions),
        )
        if row is None:
            raise NotFound(f"no operator with e-mail {email}")
        return operator_row(row)

    async def set_away(
        self, operator_id: str, until: datetime | None, replacement_id: str | None
    ) -> Operator:
        row = await self._db.fetchrow(
            "UPDATE operators SET away_until = $1, replacement_id = $2"
            f" WHERE id = $3 RETURNING {OPERATOR_READ}",
            format_ts(until) if until else None, replacement_id, operator_id,
        )  # fmt: skip
        if row is None:
            raise NotFound("no such operator")
        return operator_row(row)

    async def mark_invited(self, operator_id: str, at: datetime) -> bool:
        changed = await self._db.execute(
            "UPDATE operators SET invited_at = $1 WHERE id = $2", format_ts(at), operator_id
        )
        return changed > 0

    async def mark_seen(self, operator_id: str, at: datetime, *, since: datetime) -> bool:
        changed = await self._db.execute(
            "UPDATE operators SET last_seen_at = $1"
            " WHERE id = $2 AND (last_seen_at IS NULL OR last_seen_at <= $3)",
            format_ts(at), operator_id, format_ts(since),
        )  # fmt: skip
        return changed > 0

    async def edit_operator(self, operator: Operator) -> Operator:
        o = operator
        row = await self._db.fetchrow(
            "UPDATE operators SET name = $2, role = $3, departments = $4, languages = $5,"
            " capacity = $6, mail_notifications = $7, signature = $8"
            f" WHERE email = $1 RETURNING {OPERATOR_READ}",
            o.email, o.name, o.role.value, json.dumps(list(o.departments)),
            json.dumps(list(o.languages)), o.capacity, int(o.mail_notifications), o.signature,
        )  # fmt: skip
        if row is None:
            raise NotFound(f"no operator with e-mail {o.email}")
        return operator_row(row)

    async def operator_totp(self, operator_id: str) -> tuple[str, int, list[str]]:
        row = await self._db.fetchrow(
            "SELECT totp_secret, totp_step, recovery_codes FROM operators WHERE id = $1",
            operator_id,
        )
        if row is None:
            raise NotFound("no such operator")
        return row[0], row[1], [c for c in row[2].split(",") if c]

    async def set_totp(
        self, operator_id: str, secret: str, recovery_codes: Sequence[str]
    ) -> Operator:
        row = await self._db.fetchrow(
            "UPDATE operators SET totp_secret = $2, totp_step = 0, recovery_codes = $3,"
            f" session_version = session_version + 1 WHERE id = $1 RETURNING {OPERATOR_READ}",
            operator_id, secret, ",".join(recovery_codes),
        )  # fmt: skip
        if row is None:
            raise NotFound("no such operator")
        return operator_row(row)

    async def reseal_totp(self, operator_id: str, old: str, new: str) -> bool:
        changed = await self._db.execute(
            "UPDATE operators SET totp_secret = $3 WHERE id = $1 AND totp_secret = $2",
            operator_id,
            old,
            new,
        )
        return changed == 1

    async def use_totp_step(self, operator_id: str, step: int) -> bool:
        changed = await self._db.execute(
            "UPDATE operators SET totp_step = $2 WHERE id = $1 AND totp_step < $2",
            operator_id,
            step,
        )
        return changed == 1

    async def use_recovery_code(self, operator_id: str, code_hash: str) -> bool:
        # One statement: two processes given the same code cannot both strike it off.
        changed = await self._db.execute(
            "UPDATE operators SET recovery_codes = array_to_string(array_remove("
            "string_to_array(recovery_codes, ','), $2), ',')"
            " WHERE id = $1 AND $2 = ANY(string_to_array(recovery_codes, ','))",
            operator_id,
            code_hash,
        )
        return changed == 1

    async def set_recovery_codes(self, operator_id: str, recovery_codes: Sequence[str]) -> None:
        changed = await self._db.execute(
            "UPDATE operators SET recovery_codes = $2 WHERE id = $1",
            operator_id,
            ",".join(recovery_codes),
        )
        if changed != 1:
            raise NotFound("no such operator")


class PostgresPresence:
    """:class:`~chatdesk.store.PresenceStore` on PostgreSQL."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def operator_connected(self, operator_id: str) -> Presence:
        row = await self._db.fetchrow(
            "INSERT INTO presence AS p (operator_id, status, connections)"
            " VALUES ($1, 'online', 1)"
            " ON CONFLICT (operator_id) DO UPDATE SET connections = p.connections + 1,"
            " left_at = NULL,"
            " status = CASE WHEN p.status = 'offline' THEN 'online' ELSE p.status END"
            " RETURNING status, connections",
            operator_id,
        )
        assert row is not None  # an upsert always returns its row
        return Presence(PresenceStatus(row[0]), int(row[1]))

    async def operator_disconnected(self, operator_id: str, now: datetime) -> int:
        row = await self._db.fetchrow(
            "UPDATE presence SET connections = GREATEST(connections - 1, 0),"
            " left_at = CASE WHEN connections <= 1 THEN $2 ELSE left_at END"
            " WHERE operator_id = $1 RETURNING connections",
            operator_id,
            format_ts(now),
        )
        return 0 if row is None else int(row[0])

    async def set_presence(self, operator_id: str, status: PresenceStatus) -> None:
        await self._db.execute(
            "INSERT INTO presence (operator_id, status, connections) VALUES ($1, $2, 0)"
            " ON CONFLICT (operator_id) DO UPDATE SET status = excluded.status",
            operator_id,
            PresenceStatus(status).value,
        )

    async def presence(self) -> dict[str, Presence]:
        rows = await self._db.fetch(
            "SELECT operator_id, status, connections, left_at FROM presence"
        )
        return {
            r[0]: Presence(PresenceStatus(r[1]), r[2], parse_ts(r[3]) if r[3] else None)
            for r in rows
        }

    async def expire_presence(self, left_before: datetime) -> list[str]:
        rows = await self._db.fetch(
            "UPDATE presence SET status = 'offline' WHERE connections = 0"
            " AND status != 'offline' AND left_at IS NOT NULL AND left_at < $1"
            " RETURNING operator_id",
            format_ts(left_before),
        )
        return [r[0] for r in rows]


class PostgresCanned:
    """:class:`~chatdesk.store.CannedStore` on PostgreSQL."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def list_canned(self, lang: str | None = None) -> list[CannedResponse]:
        rows = await self._db.fetch(
            "SELECT shortcut, lang, text, status, tags FROM canned"
            " WHERE $1::text IS NULL OR lang = $1"
            ' ORDER BY shortcut COLLATE "C", lang COLLATE "C"',
            lang,
        )
        return [canned_row(r) for r in rows]

    async def save_canned(self, response: CannedResponse) -> None:
        await self._db.execute(
            "INSERT INTO canned (shortcut, lang, text, status, tags) VALUES ($1, $2, $3, $4, $5)"
            " ON CONFLICT (shortcut, lang) DO UPDATE SET text = excluded.text,"
            " status = excluded.status, tags = excluded.tags",
            response.shortcut,
            response.lang,
            response.text,
            response.status,
            ",".join(response.tags),
        )

    async def delete_canned(self, shortcut: str, lang: str) -> bool:
        deleted = await self._db.execute(
            "DELETE FROM canned WHERE shortcut = $1 AND lang = $2", shortcut, lang
        )
        return bool(deleted)
