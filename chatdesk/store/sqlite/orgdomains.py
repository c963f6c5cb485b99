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
from ..orgmerge import MERGE_ORGANISATION, NOTICES_OF, SET_AUDIENCE, moved_audience
from ..threadrows import ORGANISATION_COLUMNS, organisation_row
from .worker import SqliteWorker

__all__ = ["SqliteOrgDomains"]


def _q(sql: str) -> str:
    """The shared SQL with SQLite's placeholders."""
    return re.sub(r"\$\d+", "?", sql)


def _numbered(sql: str) -> str:
    """The shared SQL with SQLite's numbered placeholders (``$2`` → ``?2``)."""
    return re.sub(r"\$(\d+)", r"?\1", sql)


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

    async def merge_organisations(self, source_id: str, target_id: str) -> Organisation | None:
        def job(conn: sqlite3.Connection) -> Organisation | None:
            found = [
                conn.execute(
                    f"SELECT {ORGANISATION_COLUMNS} FROM organisations WHERE id = ?", (i,)
                ).fetchone()
                for i in (source_id, target_id)
            ]
            if source_id == target_id or None in found:
                return None
            for sql in MERGE_ORGANISATION:
                conn.execute(_numbered(sql), (source_id, target_id))
            for notice_id, audience in conn.execute(_numbered(NOTICES_OF), (source_id,)).fetchall():
                moved = moved_audience(audience, source_id, target_id)
                conn.execute(_numbered(SET_AUDIENCE), (notice_id, moved))
            return organisation_row(found[1])

        return await self._worker.run(job)

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
