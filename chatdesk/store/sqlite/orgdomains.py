"""SQLite: organisations' e-mail domains (a mixin of the requesters' store)."""

from __future__ import annotations

import re
import sqlite3
from datetime import datetime

from ...errors import Conflict, NotFound
from ...models import Organisation, format_ts
from ..orgdomains import (
    ADD_DOMAIN,
    DOMAIN_ORGANISATION,
    JOINABLE,
    ORGANISATION_DOMAINS,
    REMOVE_DOMAIN,
)
from ..threadrows import ORGANISATION_COLUMNS, organisation_row
from .worker import SqliteWorker

__all__ = ["SqliteOrgDomains"]


def _q(sql: str) -> str:
    """The shared SQL with SQLite's placeholders."""
    return re.sub(r"\$\d+", "?", sql)


class SqliteOrgDomains:
    """The domain methods of :class:`~chatdesk.store.RequesterStore` on SQLite."""

    _worker: SqliteWorker

    async def add_domain(self, organisation_id: str, domain: str, now: datetime) -> None:
        def job(conn: sqlite3.Connection) -> None:
            if (
                conn.execute(
                    "SELECT 1 FROM organisations WHERE id = ?", (organisation_id,)
                ).fetchone()
                is None
            ):
                raise NotFound("no such organisation")
            try:
                conn.execute(_q(ADD_DOMAIN), (domain, organisation_id, format_ts(now)))
            except sqlite3.IntegrityError:
                raise Conflict(
                    f"{domain} is an organisation's already", code="domain_taken"
                ) from None

        await self._worker.run(job)

    async def remove_domain(self, organisation_id: str, domain: str) -> bool:
        def job(conn: sqlite3.Connection) -> bool:
            return conn.execute(_q(REMOVE_DOMAIN), (organisation_id, domain)).rowcount > 0

        return await self._worker.run(job)

    async def organisation_domains(self, organisation_id: str) -> list[str]:
        sql = _q(ORGANISATION_DOMAINS.format(collate=""))
        rows = await self._worker.run(lambda conn: conn.execute(sql, (organisation_id,)).fetchall())
        return [r[0] for r in rows]

    async def domain_organisation(self, domain: str) -> Organisation | None:
        sql = _q(DOMAIN_ORGANISATION)
        row = await self._worker.run(lambda conn: conn.execute(sql, (domain,)).fetchone())
        return None if row is None else organisation_row(row)

    async def join_by_domain(self, organisation_id: str, domain: str) -> int:
        def job(conn: sqlite3.Connection) -> int:
            row = conn.execute(
                f"SELECT {ORGANISATION_COLUMNS} FROM organisations WHERE id = ?",
                (organisation_id,),
            ).fetchone()
            if row is None:
                raise NotFound("no such organisation")
            cap = organisation_row(row).max_members
            room = -1  # no cap: SQLite's LIMIT -1 is none
            if cap is not None:
                (members,) = conn.execute(
                    "SELECT COUNT(*) FROM requesters WHERE organisation_id = ?", (organisation_id,)
                ).fetchone()
                room = max(0, cap - members)
            ids = [r[0] for r in conn.execute(_q(JOINABLE), (f"%@{domain}", room))]
            conn.executemany(
                "UPDATE requesters SET organisation_id = ?, org_role = 'member' WHERE id = ?",
                [(organisation_id, i) for i in ids],
            )
            return len(ids)

        return await self._worker.run(job)
