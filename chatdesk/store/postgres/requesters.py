"""PostgreSQL: requesters, organisations, invitations and site seats.

A member cap is checked under the organisation's row lock: two requesters joining at once
take turns, and the second counts the first.
"""

from __future__ import annotations

from datetime import datetime

import asyncpg

from ...errors import Conflict, NotFound
from ...models import (
    Invitation,
    Organisation,
    OrgRole,
    Requester,
    RequesterPage,
    RequesterQuery,
    format_ts,
    new_id,
)
from ..directory import directory_sql, directory_summary
from ..erasure import erase_statements
from ..threadrows import (
    END_SESSIONS,
    INVITATION_COLUMNS,
    ORGANISATION_COLUMNS,
    REQUESTER_COLUMNS,
    SET_NOTE,
    invitation_row,
    organisation_row,
    requester_row,
)
from .addresses import PostgresAddresses
from .database import Connection, Database, rowcount
from .orgdomains import PostgresOrgDomains
from .threads import ORG_SEATS, SITE_EDITORS

__all__ = ["PostgresRequesters"]

# Byte order, whatever the database's collation: the same lists as on SQLite.
_C = 'COLLATE "C"'


async def _join(conn: Connection, requester_id: str, organisation_id: str, role: str) -> bool:
    """Make the requester a member unless the organisation is full (inside a transaction)."""
    # FOR NO KEY UPDATE: joins take turns, yet seats (whose foreign key only shares the
    # row's key) are not held up.
    cap = await conn.fetchrow(
        "SELECT max_members FROM organisations WHERE id = $1 FOR NO KEY UPDATE", organisation_id
    )
    if cap is None:
        raise NotFound("no such organisation")
    if cap[0] is not None:
        others = await conn.fetchval(
            "SELECT COUNT(*) FROM requesters WHERE organisation_id = $1 AND id != $2",
            organisation_id,
            requester_id,
        )
        if others >= cap[0]:
            return False
    await conn.execute(
        "UPDATE requesters SET organisation_id = $2, org_role = $3 WHERE id = $1",
        requester_id,
        organisation_id,
        role,
    )
    return True


class PostgresRequesters(PostgresOrgDomains, PostgresAddresses):
    """:class:`~chatdesk.store.RequesterStore` on PostgreSQL."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def save_requester(
        self, email: str, *, name: str, phone: str, lang: str, now: datetime
    ) -> Requester:
        owner = await self._db.fetchval(
            "SELECT requester_id FROM requester_addresses WHERE address = $1", email
        )
        if owner is not None:  # one of a merged requester's other addresses
            row = await self._db.fetchrow(
                "UPDATE requesters SET"
                " name = CASE WHEN name = '' THEN $2 ELSE name END,"
                " phone = CASE WHEN phone = '' THEN $3 ELSE phone END,"
                " lang = CASE WHEN lang = '' THEN $4 ELSE lang END WHERE id = $1"
                f" RETURNING {REQUESTER_COLUMNS}",
                owner, name, phone, lang,
            )  # fmt: skip
            if row is not None:
                return requester_row(row)
        # One upsert: racing first contacts of one address make one requester.
        row = await self._db.fetchrow(
            "INSERT INTO requesters AS r (id, email, name, phone, lang, created_at)"
            " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (email) DO UPDATE SET"
            " name = CASE WHEN r.name = '' THEN excluded.name ELSE r.name END,"
            " phone = CASE WHEN r.phone = '' THEN excluded.phone ELSE r.phone END,"
            " lang = CASE WHEN r.lang = '' THEN excluded.lang ELSE r.lang END"
            f" RETURNING {REQUESTER_COLUMNS}",
            new_id(),
            email,
            name,
            phone,
            lang,
            format_ts(now),
        )
        assert row is not None
        return requester_row(row)

    async def update_requester(
        self, requester_id: str, *, name: str, phone: str, lang: str
    ) -> Requester | None:
        row = await self._db.fetchrow(
            "UPDATE requesters SET name = $2, phone = $3, lang = $4 WHERE id = $1"
            f" RETURNING {REQUESTER_COLUMNS}",
            requester_id,
            name,
            phone,
            lang,
        )
        return None if row is None else requester_row(row)

    async def set_requester_note(self, requester_id: str, note: str) -> Requester | None:
        row = await self._db.fetchrow(
            f"{SET_NOTE} RETURNING {REQUESTER_COLUMNS}", note, requester_id
        )
        return None if row is None else requester_row(row)

    async def end_requester_sessions(self, requester_id: str) -> Requester | None:
        row = await self._db.fetchrow(f"{END_SESSIONS} RETURNING {REQUESTER_COLUMNS}", requester_id)
        return None if row is None else requester_row(row)

    async def erase_requester(self, requester: Requester) -> int:
        async with self._db.transaction() as conn:
            count = await conn.fetchval(
                "SELECT count(*) FROM tickets WHERE requester_id = $1", requester.id
            )
            others = await conn.fetch(
                "SELECT address FROM requester_addresses WHERE requester_id = $1", requester.id
            )
            values = {"id": [requester.id], "email": [requester.email, *(r[0] for r in others)]}
            for sql, param in erase_statements("$1"):
                for value in values[param]:
                    await conn.execute(sql, value)
        return int(count)

    async def get_requester(self, requester_id: str) -> Requester | None:
        row = await self._db.fetchrow(
            f"SELECT {REQUESTER_COLUMNS} FROM requesters WHERE id = $1", requester_id
        )
        return None if row is None else requester_row(row)

    async def list_requesters(self, query: RequesterQuery) -> RequesterPage:
        params: list[object] = []

        def mark(value: object) -> str:
            params.append(value)
            return f"${len(params)}"

        page, count, filters = directory_sql(query, mark, "postgresql")
        rows = await self._db.fetch(page, *params)
        # Nothing on the first page: nothing matches.
        total = rows[0][-1] if rows else 0 if query.page == 1 else None
        if total is None:  # no filter, or a search past its last page
            total = await self._db.fetchval(count, *params[:filters])
        return RequesterPage([directory_summary(r) for r in rows], int(total))

    async def add_organisation(self, organisation: Organisation) -> None:
        o = organisation
        async with self._db.connection() as conn:
            try:
                await conn.execute(
                    "INSERT INTO organisations (id, name, name_key, contract_active, max_members,"
                    " max_editors_per_site, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    o.id,
                    o.name,
                    o.name.casefold(),
                    int(o.contract_active),
                    o.max_members,
                    o.max_editors_per_site,
                    format_ts(o.created_at),
                )
            except asyncpg.UniqueViolationError:
                raise Conflict(f"an organisation named {o.name!r} exists", code="exists") from None

    async def get_organisation(self, organisation_id: str) -> Organisation | None:
        row = await self._db.fetchrow(
            f"SELECT {ORGANISATION_COLUMNS} FROM organisations WHERE id = $1", organisation_id
        )
        return None if row is None else organisation_row(row)

    async def find_organisation(self, name: str) -> Organisation | None:
        row = await self._db.fetchrow(
            f"SELECT {ORGANISATION_COLUMNS} FROM organisations WHERE name_key = $1",
            name.strip().casefold(),
        )
        return None if row is None else organisation_row(row)

    async def list_organisations(self) -> list[Organisation]:
        rows = await self._db.fetch(
            f"SELECT {ORGANISATION_COLUMNS} FROM organisations ORDER BY name_key {_C}"
        )
        return [organisation_row(r) for r in rows]

    async def update_organisation(
        self,
        organisation_id: str,
        *,
        contract_active: bool | None = None,
        max_members: int | None = None,
        max_editors_per_site: int | None = None,
        note: str | None = None,
    ) -> Organisation:
        values: dict[str, object] = {}
        if contract_active is not None:
            values["contract_active"] = int(contract_active)
        if note is not None:
            values["note"] = note
        for name, cap in (
            ("max_members", max_members),
            ("max_editors_per_site", max_editors_per_site),
        ):
            if cap is not None:
                values[name] = cap or None  # 0 removes the cap
        # Column names are the keywords above, never input.
        columns = ", ".join(f"{k} = ${i}" for i, k in enumerate(values, start=2)) or "id = id"
        row = await self._db.fetchrow(
            f"UPDATE organisations SET {columns} WHERE id = $1 RETURNING {ORGANISATION_COLUMNS}",
            organisation_id,
            *values.values(),
        )
        if row is None:
            raise NotFound("no such organisation")
        return organisation_row(row)

    async def set_member(
        self, requester_id: str, organisation_id: str | None, role: OrgRole
    ) -> bool:
        async with self._db.transaction() as conn:
            if organisation_id is None:
                left = await conn.execute(
                    "UPDATE requesters SET organisation_id = NULL, org_role = 'member'"
                    " WHERE id = $1",
                    requester_id,
                )
                if not rowcount(left):
                    raise NotFound("no such requester")
                await conn.execute("DELETE FROM site_seats WHERE requester_id = $1", requester_id)
                return True
            if not await conn.fetchval("SELECT 1 FROM requesters WHERE id = $1", requester_id):
                raise NotFound("no such requester")
            return await _join(conn, requester_id, organisation_id, role.value)

    async def list_members(self, organisation_id: str) -> list[Requester]:
        rows = await self._db.fetch(
            f"SELECT {REQUESTER_COLUMNS} FROM requesters WHERE organisation_id = $1"
            f" ORDER BY org_role != 'admin', email {_C}",
            organisation_id,
        )
        return [requester_row(r) for r in rows]

    async def add_invitation(self, invitation: Invitation) -> None:
        i = invitation
        await self._db.execute(
            f"INSERT INTO invitations ({INVITATION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            i.id,
            i.email,
            i.organisation_id,
            i.invited_by,
            format_ts(i.created_at),
            format_ts(i.expires_at),
            format_ts(i.accepted_at) if i.accepted_at else None,
        )

    async def pending_invitation(self, email: str, now: datetime) -> Invitation | None:
        row = await self._db.fetchrow(
            f"SELECT {INVITATION_COLUMNS} FROM invitations WHERE email = $1"
            " AND accepted_at IS NULL AND expires_at > $2"
            " ORDER BY created_at DESC, rowid DESC LIMIT 1",
            email,
            format_ts(now),
        )
        return None if row is None else invitation_row(row)

    async def accept_invitation(self, invitation_id: str, requester_id: str, now: datetime) -> bool:
        async with self._db.transaction() as conn:
            # The invitation's row lock: a second acceptance waits, then finds it accepted.
            row = await conn.fetchrow(
                "UPDATE invitations SET accepted_at = $2 WHERE id = $1 AND accepted_at IS NULL"
                " RETURNING organisation_id",
                invitation_id,
                format_ts(now),
            )
            if row is None:
                return False
            current = await conn.fetchrow(
                "UPDATE requesters SET invited = 1 WHERE id = $1 RETURNING organisation_id",
                requester_id,
            )
            if row[0] is not None and current is not None and current[0] != row[0]:
                await _join(conn, requester_id, row[0], OrgRole.MEMBER.value)
            return True

    async def list_invitations(self, organisation_id: str | None = None) -> list[Invitation]:
        where, params = (
            ("WHERE organisation_id = $1", (organisation_id,)) if organisation_id else ("", ())
        )
        rows = await self._db.fetch(
            f"SELECT {INVITATION_COLUMNS} FROM invitations {where}"
            " ORDER BY created_at DESC, rowid DESC",
            *params,
        )
        return [invitation_row(r) for r in rows]

    async def site_editors(self, organisation_id: str, site_id: str) -> list[Requester]:
        rows = await self._db.fetch(SITE_EDITORS, organisation_id, site_id)
        return [requester_row(r) for r in rows]

    async def withdraw_invitation(
        self, invitation_id: str, organisation_id: str, now: datetime
    ) -> bool:
        changed = await self._db.execute(
            "UPDATE invitations SET expires_at = $3 WHERE id = $1 AND organisation_id = $2"
            " AND accepted_at IS NULL AND expires_at > $3",
            invitation_id,
            organisation_id,
            format_ts(now),
        )
        return bool(changed)

    async def release_seat(self, organisation_id: str, site_id: str, requester_id: str) -> bool:
        changed = await self._db.execute(
            "DELETE FROM site_seats WHERE organisation_id = $1 AND site_id = $2"
            " AND requester_id = $3",
            organisation_id,
            site_id,
            requester_id,
        )
        return bool(changed)

    async def org_seats(self, organisation_id: str) -> list[tuple[str, Requester]]:
        rows = await self._db.fetch(ORG_SEATS, organisation_id)
        return [(r["site_id"], requester_row(r)) for r in rows]
