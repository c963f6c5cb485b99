"""PostgreSQL: organisations' e-mail domains (a mixin of the requesters' store).

Members join under the organisation's row lock, as one at a time does: the member cap
holds against requesters joining at the same moment.
"""

from __future__ import annotations

from datetime import datetime

import asyncpg

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
from .database import Database

__all__ = ["PostgresOrgDomains"]


class PostgresOrgDomains:
    """The domain methods of :class:`~chatdesk.store.RequesterStore` on PostgreSQL."""

    _db: Database

    async def merge_organisations(self, source_id: str, target_id: str) -> Organisation | None:
        if source_id == target_id:
            return None
        async with self._db.transaction() as conn:
            # Both rows locked, in id order (as merging requesters takes theirs): members
            # joining either meanwhile wait, and two merges never deadlock.
            rows = {
                r["id"]: r
                for r in await conn.fetch(
                    f"SELECT {ORGANISATION_COLUMNS} FROM organisations WHERE id = ANY($1)"
                    " ORDER BY id FOR UPDATE",
                    [source_id, target_id],
                )
            }
            if len(rows) != 2:
                return None
            for sql in MERGE_ORGANISATION:
                await conn.execute(sql, source_id, target_id)
            for notice in await conn.fetch(NOTICES_OF, source_id):
                moved = moved_audience(notice["audience"], source_id, target_id)
                await conn.execute(SET_AUDIENCE, notice["id"], moved)
            return organisation_row(rows[target_id])

    async def add_domain(self, organisation_id: str, domain: str, now: datetime) -> None:
        async with self._db.connection() as conn:
            try:
                await conn.execute(ADD_DOMAIN, domain, organisation_id, format_ts(now))
            except asyncpg.UniqueViolationError:
                raise Conflict(
                    f"{domain} is an organisation's already", code="domain_taken"
                ) from None
            except asyncpg.ForeignKeyViolationError:
                raise NotFound("no such organisation") from None

    async def remove_domain(self, organisation_id: str, domain: str) -> bool:
        return await self._db.execute(REMOVE_DOMAIN, organisation_id, domain) > 0

    async def organisation_domains(self, organisation_id: str) -> list[str]:
        sql = ORGANISATION_DOMAINS.format(collate=' COLLATE "C"')
        return [r[0] for r in await self._db.fetch(sql, organisation_id)]

    async def domain_organisation(self, domain: str) -> Organisation | None:
        row = await self._db.fetchrow(DOMAIN_ORGANISATION, domain)
        return None if row is None else organisation_row(row)

    async def join_by_domain(self, organisation_id: str, domain: str) -> int:
        async with self._db.transaction() as conn:
            found = await conn.fetchrow(
                "SELECT max_members FROM organisations WHERE id = $1 FOR NO KEY UPDATE",
                organisation_id,
            )
            if found is None:
                raise NotFound("no such organisation")
            room = None  # LIMIT NULL: no limit
            if found[0] is not None:
                members = await conn.fetchval(
                    "SELECT COUNT(*) FROM requesters WHERE organisation_id = $1", organisation_id
                )
                room = max(0, found[0] - members)
            ids = [r[0] for r in await conn.fetch(JOINABLE, f"%@{domain}", room)]
            await conn.execute(
                "UPDATE requesters SET organisation_id = $1, org_role = 'member'"
                " WHERE id = ANY($2::text[])",
                organisation_id, ids,
            )  # fmt: skip
            return len(ids)
