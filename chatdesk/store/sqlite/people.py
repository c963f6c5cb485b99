"""SQLite: operator accounts, their presence, and canned responses."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import datetime

from ...errors import Conflict, NotFound
from ...models import CannedResponse, Operator, Presence, PresenceStatus, format_ts, parse_ts
from ..rows import OPERATOR_COLUMNS, OPERATOR_READ, canned_row, operator_row
from .worker import SqliteWorker

__all__ = ["SqliteCanned", "SqliteOperators", "SqlitePresence"]


class SqliteOperators:
    """:class:`~chatdesk.store.OperatorStore` on SQLite."""

    def __init__(self, worker: SqliteWorker) -> None:
        self._worker = worker

    async def add_operator(self, operator: Operator, password_hash: str) -> None:
        def job(conn: sqlite3.Connection) -> None:
            try:
                conn.execute(
                    f"INSERT INTO operators ({OPERATOR_COLUMNS}, password_hash)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
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
                    ),
                )
            except sqlite3.IntegrityError:
                raise Conflict(
                    f"an operator with e-mail {operator.email} exists", code="operator_exists"
                ) from None

        await self._worker.run(job)

    async def get_operator(self, operator_id: str) -> Operator | None:
        row = await self._worker.read_inline(
            lambda conn: conn.execute(
                f"SELECT {OPERATOR_READ} FROM operators WHERE id = ?", (operator_id,)
            ).fetchone()
        )
        return None if row is None else operator_row(row)

    async def operator_credentials(self, email: str) -> tuple[Operator, str] | None:
        row = await self._worker.run(
            lambda conn: conn.execute(
                f"SELECT {OPERATOR_READ}, password_hash FROM operators WHERE email = ?",
                (email,),
            ).fetchone()
        )
        return None if row is None else (operator_row(row), row[-1])

    async def list_operators(self) -> list[Operator]:
        rows = await self._worker.run(
            lambda conn: conn.execute(
                f"SELECT {OPERATOR_READ} FROM operators ORDER BY name, email"
            ).fetchall()
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
        def job(conn: sqlite3.Connection) -> Operator:
            # Any change of access bumps session_version: existing sessions end.
            if disabled is not None:
                conn.execute(
                    "UPDATE operators SET disabled = ?, session_version = session_version + 1"
                    " WHERE email = ?",
                    (int(disabled), email),
                )
            if password_hash is not None:
                conn.execute(
                    "UPDATE operators SET password_hash = ?, invited_at = NULL,"
                    " session_version = session_version + 1 WHERE email = ?",
                    (password_hash, email),
                )
            if end_sessions:
                conn.execute(
                    "UPDATE operators SET session_version = session_version + 1 WHERE email = ?",
                    (email,),
                )
            row = conn.execute(
                f"SELECT {OPERATOR_READ} FROM operators WHERE email = ?", (email,)
            ).fetchone()
            if row is None:
                raise NotFound(f"no operator with e-mail {email}")
            return operator_row(row)

        return await self._worker.run(job)

    async def set_away(
        self, operator_id: str, until: datetime | None, replacement_id: str | None
    ) -> Operator:
        args = (format_ts(until) if until else None, replacement_id, operator_id)

        def job(conn: sqlite3.Connection) -> Operator:
            row = conn.execute(
                "UPDATE operators SET away_until = ?, replacement_id = ?"
                f" WHERE id = ? RETURNING {OPERATOR_READ}",
                args,
            ).fetchone()
            if row is None:
                raise NotFound("no such operator")
            return operator_row(row)

        return await self._worker.run(job)

    async def mark_invited(self, operator_id: str, at: datetime) -> bool:
        args = (format_ts(at), operator_id)
        return bool(
            await self._worker.run(
                lambda conn: (
                    conn.execute("UPDATE operators SET invited_at = ? WHERE id = ?", args).rowcount
                )
            )
        )

    async def mark_seen(self, operator_id: str, at: datetime, *, since: datetime) -> bool:
        args = (format_ts(at), operator_id, format_ts(since))

        def job(conn: sqlite3.Connection) -> bool:
            cursor = conn.execute(
                "UPDATE operators SET last_seen_at = ?"
                " WHERE id = ? AND (last_seen_at IS NULL OR last_seen_at <= ?)",
                args,
            )
            return cursor.rowcount > 0

        return await self._worker.run(job)

    async def edit_operator(self, operator: Operator) -> Operator:
        o = operator

        def job(conn: sqlite3.Connection) -> Operator:
            row = conn.execute(
                "UPDATE operators SET name = ?, role = ?, departments = ?, languages = ?,"
                " capacity = ?, mail_notifications = ?, signature = ?"
                f" WHERE email = ? RETURNING {OPERATOR_READ}",
                (
                    o.name, o.role.value, json.dumps(list(o.departments)),
                    json.dumps(list(o.languages)), o.capacity, int(o.mail_notifications),
                    o.signature, o.email,
                ),
            ).fetchone()  # fmt: skip
            if row is None:
                raise NotFound(f"no operator with e-mail {o.email}")
            return operator_row(row)

        return await self._worker.run(job)

    async def operator_totp(self, operator_id: str) -> tuple[str, int, list[str]]:
        row = await self._worker.run(
            lambda conn: conn.execute(
                "SELECT totp_secret, totp_step, recovery_codes FROM operators WHERE id = ?",
                (operator_id,),
            ).fetchone()
        )
        if row is None:
            raise NotFound("no such operator")
        return row[0], row[1], [c for c in row[2].split(",") if c]

    async def set_totp(
        self, operator_id: str, secret: str, recovery_codes: Sequence[str]
    ) -> Operator:
        def job(conn: sqlite3.Connection) -> Operator:
            row = conn.execute(
                "UPDATE operators SET totp_secret = ?, totp_step = 0, recovery_codes = ?,"
                f" session_version = session_version + 1 WHERE id = ? RETURNING {OPERATOR_READ}",
                (secret, ",".join(recovery_codes), operator_id),
            ).fetchone()
            if row is None:
                raise NotFound("no such operator")
            return operator_row(row)

        return await self._worker.run(job)

    async def reseal_totp(self, operator_id: str, old: str, new: str) -> bool:
        cursor = await self._worker.run(
            lambda conn: conn.execute(
                "UPDATE operators SET totp_secret = ? WHERE id = ? AND totp_secret = ?",
                (new, operator_id, old),
            )
        )
        return bool(cursor.rowcount == 1)

    async def use_totp_step(self, operator_id: str, step: int) -> bool:
        cursor = await self._worker.run(
            lambda conn: conn.execute(
                "UPDATE operators SET totp_step = ? WHERE id = ? AND totp_step < ?",
                (step, operator_id, step),
            )
        )
        return bool(cursor.rowcount == 1)

    async def use_recovery_code(self, operator_id: str, code_hash: str) -> bool:
        def job(conn: sqlite3.Connection) -> bool:
            row = conn.execute(
                "SELECT recovery_codes FROM operators WHERE id = ?", (operator_id,)
            ).fetchone()
            codes = row[0].split(",") if row and row[0] else []
            if code_hash not in codes:
                return False
            codes.remove(code_hash)
            conn.execute(
                "UPDATE operators SET recovery_codes = ? WHERE id = ?",
                (",".join(codes), operator_id),
            )
            return True

        return await self._worker.run(job)

    async def set_recovery_codes(self, operator_id: str, recovery_codes: Sequence[str]) -> None:
        cursor = await self._worker.run(
            lambda conn: conn.execute(
                "UPDATE operators SET recovery_codes = ? WHERE id = ?",
                (",".join(recovery_codes), operator_id),
            )
        )
        if cursor.rowcount != 1:
            raise NotFound("no such operator")


class SqlitePresence:
    """:class:`~chatdesk.store.PresenceStore` on SQLite."""

    def __init__(self, worker: SqliteWorker) -> None:
        self._worker = worker

    async def operator_connected(self, operator_id: str) -> Presence:
        row = await self._worker.run(
            lambda conn: conn.execute(
                "INSERT INTO presence (operator_id, status, connections) VALUES (?, 'online', 1)"
                " ON CONFLICT (operator_id) DO UPDATE SET connections = connections + 1,"
                " left_at = NULL,"
                " status = CASE WHEN status = 'offline' THEN 'online' ELSE status END"
                " RETURNING status, connections",
                (operator_id,),
            ).fetchone()
        )
        return Presence(PresenceStatus(row[0]), int(row[1]))

    async def operator_disconnected(self, operator_id: str, now: datetime) -> int:
        row = await self._worker.run(
            lambda conn: conn.execute(
                "UPDATE presence SET connections = MAX(connections - 1, 0),"
                " left_at = CASE WHEN connections <= 1 THEN ? ELSE left_at END"
                " WHERE operator_id = ? RETURNING connections",
                (format_ts(now), operator_id),
            ).fetchone()
        )
        return 0 if row is None else int(row[0])

    async def set_presence(self, operator_id: str, status: PresenceStatus) -> None:
        await self._worker.run(
            lambda conn: conn.execute(
                "INSERT INTO presence (operator_id, status, connections) VALUES (?, ?, 0)"
                " ON CONFLICT (operator_id) DO UPDATE SET status = excluded.status",
                (operator_id, PresenceStatus(status).value),
            )
        )

    async def presence(self) -> dict[str, Presence]:
        rows = await self._worker.run(
            lambda conn: conn.execute(
                "SELECT operator_id, status, connections, left_at FROM presence"
            ).fetchall()
        )
        return {
            r[0]: Presence(PresenceStatus(r[1]), r[2], parse_ts(r[3]) if r[3] else None)
            for r in rows
        }

    async def expire_presence(self, left_before: datetime) -> list[str]:
        rows = await self._worker.run(
            lambda conn: conn.execute(
                "UPDATE presence SET status = 'offline' WHERE connections = 0"
                " AND status != 'offline' AND left_at IS NOT NULL AND left_at < ?"
                " RETURNING operator_id",
                (format_ts(left_before),),
            ).fetchall()
        )
        return [r[0] for r in rows]


class SqliteCanned:
    """:class:`~chatdesk.store.CannedStore` on SQLite."""

    def __init__(self, worker: SqliteWorker) -> None:
        self._worker = worker

    async def list_canned(self, lang: str | None = None) -> list[CannedResponse]:
        sql, params = "SELECT shortcut, lang, text, status, tags FROM canned", []
        if lang is not None:
            sql, params = sql + " WHERE lang = ?", [lang]
        rows = await self._worker.run(
            lambda conn: conn.execute(sql + " ORDER BY shortcut, lang", params).fetchall()
        )
        return [canned_row(r) for r in rows]

    async def save_canned(self, response: CannedResponse) -> None:
        await self._worker.run(
            lambda conn: conn.execute(
                "INSERT OR REPLACE INTO canned (shortcut, lang, text, status, tags)"
                " VALUES (?, ?, ?, ?, ?)",
                (
                    response.shortcut,
                    response.lang,
                    response.text,
                    response.status,
                    ",".join(response.tags),
                ),
            )
        )

    async def delete_canned(self, shortcut: str, lang: str) -> bool:
        deleted = await self._worker.run(
            lambda conn: (
                conn.execute(
                    "DELETE FROM canned WHERE shortcut = ? AND lang = ?", (shortcut, lang)
                ).rowcount
            )
        )
        return bool(deleted)
