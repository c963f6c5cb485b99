"""SQLite: requesters, organisations, invitations and site seats."""

from __future__ import annotations

import sqlite3
from datetime import datetime

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
from .addresses import SqliteAddresses, find_requester
from .orgdomains import SqliteOrgDomains
from .worker import SqliteWorker

__all__ = ["SqliteRequesters"]

_R = ", ".join(f"r.{c.strip()}" for c in REQUESTER_COLUMNS.split(","))


def _requester(conn: sqlite3.Connection, where: str, key: str) -> Requester | None:
    row = conn.execute(f"SELECT {REQUESTER_COLUMNS} FROM requesters WHERE {where}", (key,))
    found = row.fetchone()
    return None if found is None else requester_row(found)


def _organisation(conn: sqlite3.Connection, organisation_id: str) -> Organisation | None:
    row = conn.execute(
        f"SELECT {ORGANISATION_COLUMNS} FROM organisations WHERE id = ?", (organisation_id,)
    ).fetchone()
    return None if row is None else organisation_row(row)


def _join(conn: sqlite3.Connection, requester_id: str, organisation_id: str, role: str) -> bool:
    """Make the requester a member unless the organisation is full."""
    organisation = _organisation(conn, organisation_id)
    if organisation is None:
        raise NotFound("no such organisation")
    if organisation.max_members is not None:
        (others,) = conn.execute(
            "SELECT COUNT(*) FROM requesters WHERE organisation_id = ? AND id != ?",
            (organisation_id, requester_id),
        ).fetchone()
        if others >= organisation.max_members:
            return False
    conn.execute(
        "UPDATE requesters SET organisation_id = ?, org_role = ? WHERE id = ?",
        (organisation_id, role, requester_id),
    )
    return True


class SqliteRequesters(SqliteOrgDomains, SqliteAddresses):
    """:class:`~chatdesk.store.RequesterStore` on SQLite."""

    def __init__(self, worker: SqliteWorker) -> None:
        self._worker = worker

    async def save_requester(
        self, email: str, *, name: str, phone: str, lang: str, now: datetime
    ) -> Requester:
        def job(conn: sqlite3.Connection) -> Requester:
            owner = conn.execute(
                "SELECT requester_id FROM requester_addresses WHERE address = ?", (email,)
            ).fetchone()
            if owner is not None:  # one of a merged requester's other addresses
                conn.execute(
                    "UPDATE requesters SET"
                    " name = CASE WHEN name = '' THEN ? ELSE name END,"
                    " phone = CASE WHEN phone = '' THEN ? ELSE phone END,"
                    " lang = CASE WHEN lang = '' THEN ? ELSE lang END WHERE id = ?",
                    (name, phone, lang, owner[0]),
                )
                found = _requester(conn, "id = ?", owner[0])
                assert found is not None
                return found
            conn.execute(
                "INSERT INTO requesters (id, email, name, phone, lang, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (email) DO UPDATE SET"
                " name = CASE WHEN name = '' THEN excluded.name ELSE name END,"
                " phone = CASE WHEN phone = '' THEN excluded.phone ELSE phone END,"
                " lang = CASE WHEN lang = '' THEN excluded.lang ELSE lang END",
                (new_id(), email, name, phone, lang, format_ts(now)),
            )
            found = _requester(conn, "email = ?", email)
            assert found is not None
            return found

        return await self._worker.run(job)

    async def update_requester(
        self, requester_id: str, *, name: str, phone: str, lang: str
    ) -> Requester | None:
        def job(conn: sqlite3.Connection) -> Requester | None:
            conn.execute(
                "UPDATE requesters SET name = ?, phone = ?, lang = ? WHERE id = ?",
                (name, phone, lang, requester_id),
            )
            return _requester(conn, "id = ?", requester_id)

        return await self._worker.run(job)

    async def set_requester_note(self, requester_id: str, note: str) -> Requester | None:
        def job(conn: sqlite3.Connection) -> Requester | None:
            conn.execute(SET_NOTE.replace("$1", "?").replace("$2", "?"), (note, requester_id))
            return _requester(conn, "id = ?", requester_id)

        return await self._worker.run(job)

    async def end_requester_sessions(self, requester_id: str) -> Requester | None:
        def job(conn: sqlite3.Connection) -> Requester | None:
            conn.execute(END_SESSIONS.replace("$1", "?"), (requester_id,))
            return _requester(conn, "id = ?", requester_id)

        return await self._worker.run(job)

    async def erase_requester(self, requester: Requester) -> int:
        def job(conn: sqlite3.Connection) -> int:
            (count,) = conn.execute(
                "SELECT count(*) FROM tickets WHERE requester_id = ?", (requester.id,)
            ).fetchone()
            others = conn.execute(
                "SELECT address FROM requester_addresses WHERE requester_id = ?", (requester.id,)
            ).fetchall()
            values = {"id": [requester.id], "email": [requester.email, *(a for (a,) in others)]}
            for sql, param in erase_statements("?"):
                for value in values[param]:
                    conn.execute(sql, (value,))
            return int(count)

        return await self._worker.run(job)

    async def get_requester(self, requester_id: str) -> Requester | None:
        return await self._worker.run(lambda conn: _requester(conn, "id = ?", requester_id))

    async def find_requester(self, email: str) -> Requester | None:
        return await self._worker.run(lambda conn: find_requester(conn, email))

    async def list_requesters(self, query: RequesterQuery) -> RequesterPage:
        params: list[object] = []

        def mark(value: object) -> str:
            params.append(value)
            return "?"

        page, count, filters = directory_sql(query, mark, "sqlite")

        def job(conn: sqlite3.Connection) -> RequesterPage:
            rows = conn.execute(page, params).fetchall()
            # Nothing on the first page: nothing matches.
            total = rows[0][-1] if rows else 0 if query.page == 1 else None
            if total is None:  # no filter, or a search past its last page
                (total,) = conn.execute(count, params[:filters]).fetchone()
            return RequesterPage([directory_summary(r) for r in rows], int(total))

        return await self._worker.run(job)

    async def add_organisation(self, organisation: Organisation) -> None:
        o = organisation

        def job(conn: sqlite3.Connection) -> None:
            try:
                conn.execute(
                    "INSERT INTO organisations (id, name, name_key, contract_active, max_members,"
                    " max_editors_per_site, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        o.id,
                        o.name,
                        o.name.casefold(),
                        int(o.contract_active),
                        o.max_members,
                        o.max_editors_per_site,
                        format_ts(o.created_at),
                    ),
                )
            except sqlite3.IntegrityError:
                raise Conflict(f"an organisation named {o.name!r} exists", code="exists") from None

        await self._worker.run(job)

    async def get_organisation(self, organisation_id: str) -> Organisation | None:
        return await self._worker.run(lambda conn: _organisation(conn, organisation_id))

    async def find_organisation(self, name: str) -> Organisation | None:
        row = await self._worker.run(
            lambda conn: conn.execute(
                f"SELECT {ORGANISATION_COLUMNS} FROM organisations WHERE name_key = ?",
                (name.strip().casefold(),),
            ).fetchone()
        )
        return None if row is None else organisation_row(row)

    async def list_organisations(self) -> list[Organisation]:
        rows = await self._worker.run(
            lambda conn: conn.execute(
                f"SELECT {ORGANISATION_COLUMNS} FROM organisations ORDER BY name_key"
            ).fetchall()
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

        def job(conn: sqlite3.Connection) -> Organisation:
            if values:
                columns = ", ".join(f"{k} = ?" for k in values)
                conn.execute(
                    f"UPDATE organisations SET {columns} WHERE id = ?",
                    (*values.values(), organisation_id),
                )
            found = _organisation(conn, organisation_id)
            if found is None:
                raise NotFound("no such organisation")
            return found

        return await self._worker.run(job)

    async def set_member(
        self, requester_id: str, organisation_id: str | None, role: OrgRole
    ) -> bool:
        def job(conn: sqlite3.Connection) -> bool:
            if _requester(conn, "id = ?", requester_id) is None:
                raise NotFound("no such requester")
            if organisation_id is None:
                conn.execute(
                    "UPDATE requesters SET organisation_id = NULL, org_role = 'member'"
                    " WHERE id = ?",
                    (requester_id,),
                )
                conn.execute("DELETE FROM site_seats WHERE requester_id = ?", (requester_id,))
                return True
            return _join(conn, requester_id, organisation_id, role.value)

        return await self._worker.run(job)

    async def list_members(self, organisation_id: str) -> list[Requester]:
        rows = await self._worker.run(
            lambda conn: conn.execute(
                f"SELECT {REQUESTER_COLUMNS} FROM requesters WHERE organisation_id = ?"
                " ORDER BY org_role != 'admin', email",
                (organisation_id,),
            ).fetchall()
        )
        return [requester_row(r) for r in rows]

    async def add_invitation(self, invitation: Invitation) -> None:
        i = invitation
        await self._worker.run(
            lambda conn: conn.execute(
                f"INSERT INTO invitations ({INVITATION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    i.id,
                    i.email,
                    i.organisation_id,
                    i.invited_by,
                    format_ts(i.created_at),
                    format_ts(i.expires_at),
                    format_ts(i.accepted_at) if i.accepted_at else None,
                ),
            )
        )

    async def pending_invitation(self, email: str, now: datetime) -> Invitation | None:
        row = await self._worker.run(
            lambda conn: conn.execute(
                f"SELECT {INVITATION_COLUMNS} FROM invitations WHERE email = ?"
                " AND accepted_at IS NULL AND expires_at > ?"
                " ORDER BY created_at DESC, rowid DESC LIMIT 1",
                (email, format_ts(now)),
            ).fetchone()
        )
        return None if row is None else invitation_row(row)

    async def accept_invitation(self, invitation_id: str, requester_id: str, now: datetime) -> bool:
        def job(conn: sqlite3.Connection) -> bool:
            row = conn.execute(
                "UPDATE invitations SET accepted_at = ? WHERE id = ? AND accepted_at IS NULL"
                " RETURNING organisation_id",
                (format_ts(now), invitation_id),
            ).fetchone()
            if row is None:
                return False
            conn.execute("UPDATE requesters SET invited = 1 WHERE id = ?", (requester_id,))
            if row[0] is not None:
                current = _requester(conn, "id = ?", requester_id)
                if current is not None and current.organisation_id != row[0]:
                    _join(conn, requester_id, row[0], OrgRole.MEMBER.value)
            return True

        return await self._worker.run(job)

    async def list_invitations(self, organisation_id: str | None = None) -> list[Invitation]:
        where, params = (
            ("WHERE organisation_id = ?", (organisation_id,)) if organisation_id else ("", ())
        )
        rows = await self._worker.run(
            lambda conn: conn.execute(
                f"SELECT {INVITATION_COLUMNS} FROM invitations {where}"
                " ORDER BY created_at DESC, rowid DESC",
                params,
            ).fetchall()
        )
        return [invitation_row(r) for r in rows]

    async def site_editors(self, organisation_id: str, site_id: str) -> list[Requester]:
        rows = await self._worker.run(
            lambda conn: conn.execute(
                f"SELECT {_R} FROM site_seats s JOIN requesters r ON r.id = s.requester_id"
                " WHERE s.organisation_id = ? AND s.site_id = ? ORDER BY s.created_at, r.email",
                (organisation_id, site_id),
            ).fetchall()
        )
        return [requester_row(r) for r in rows]

    async def withdraw_invitation(
        self, invitation_id: str, organisation_id: str, now: datetime
    ) -> bool:
        at = format_ts(now)
        changed = await self._worker.run(
            lambda conn: (
                conn.execute(
                    "UPDATE invitations SET expires_at = ? WHERE id = ? AND organisation_id = ?"
                    " AND accepted_at IS NULL AND expires_at > ?",
                    (at, invitation_id, organisation_id, at),
                ).rowcount
            )
        )
        return bool(changed)

    async def release_seat(self, organisation_id: str, site_id: str, requester_id: str) -> bool:
        changed = await self._worker.run(
            lambda conn: (
                conn.execute(
                    "DELETE FROM site_seats WHERE organisation_id = ? AND site_id = ?"
                    " AND requester_id = ?",
                    (organisation_id, site_id, requester_id),
                ).rowcount
            )
        )
        return bool(changed)

    async def org_seats(self, organisation_id: str) -> list[tuple[str, Requester]]:
        rows = await self._worker.run(
            lambda conn: conn.execute(
                f"SELECT {_R}, s.site_id FROM site_seats s JOIN requesters r"
                " ON r.id = s.requester_id WHERE s.organisation_id = ?"
                " ORDER BY s.site_id, s.created_at, r.email",
                (organisation_id,),
            ).fetchall()
        )
        return [(r[-1], requester_row(r)) for r in rows]
