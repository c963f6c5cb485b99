"""Requests about a requester's personal data (GDPR art. 15, 16 and 17), their portal
sessions and their records (two of one person merged, an address detached), each one
written to the audit log: the console's privacy page, a requester's page, a ticket's
requester panel, the API and ``chatdesk requesters export | forget | signout | merge |
detach``."""

from __future__ import annotations

from typing import Any

from .audit import AuditTrail
from .errors import Forbidden
from .helpdesk import Helpdesk
from .models import AuditAction, Operator, Requester, RequesterSummary

__all__ = ["DIRECTORY_EXPORT_MAX", "Privacy"]

#: Requesters in one download of the directory, at most (a search narrows a bigger one).
DIRECTORY_EXPORT_MAX = 50_000


class Privacy:
    """Export or erase what the desk holds about a requester, on the record.

    ``actor`` is the admin who asked, or None for the command line. The audit log names
    the requester by id, never by address: after an erasure it must not be the place
    that still holds it.
    """

    def __init__(self, helpdesk: Helpdesk, audit: AuditTrail) -> None:
        self.helpdesk = helpdesk
        self.audit = audit

    async def export(self, actor: Operator | None, email: str) -> dict[str, Any]:
        """Return what the desk holds about the requester with this e-mail.

        :raises NotFound: ``unknown_requester``.
        """
        requester = await self.helpdesk.people.find(email)
        data = await self.helpdesk.views.export(requester)
        await self.audit.record(actor, AuditAction.REQUESTER_EXPORTED, f"requester {requester.id}")
        return data

    async def forget(self, actor: Operator | None, email: str) -> int:
        """Erase the requester with this e-mail; return how many tickets they had (kept,
        anonymous).

        :raises NotFound: ``unknown_requester``.
        """
        requester = await self.helpdesk.people.find(email)
        count = await self.helpdesk.people.forget(requester.email)
        await self.audit.record(
            actor,
            AuditAction.REQUESTER_FORGOTTEN,
            f"requester {requester.id}",
            f"{count} ticket(s) kept, anonymous",
        )
        return count

    async def sign_out(self, actor: Operator | None, email: str) -> Requester:
        """End every portal session of the requester with this e-mail (a shared computer,
        a lost phone: they sign in again by e-mail link); return them after.

        :raises NotFound: ``unknown_requester``.
        """
        requester = await self.helpdesk.people.find(email)
        ended = await self.helpdesk.signin.end_sessions(requester)
        await self.audit.record(
            actor, AuditAction.REQUESTER_SIGNED_OUT, f"requester {requester.id}"
        )
        return ended

    async def merge(self, actor: Operator | None, source: Requester, into: Requester) -> Requester:
        """Merge ``source`` into ``into`` (one person, two records: GDPR art. 16's
        rectification); return ``into`` after. The audit log names both by id.

        :raises Conflict: ``same_requester``, ``other_organisation``.
        :raises NotFound: ``unknown_requester``.
        """
        merged = await self.helpdesk.identities.merge(source, into, by=actor)
        await self.audit.record(
            actor,
            AuditAction.REQUESTER_MERGED,
            f"requester {merged.id}",
            f"requester {source.id} merged into them",
        )
        return merged

    async def detach(self, actor: Operator | None, requester: Requester, address: str) -> Requester:
        """Make one of the requester's other addresses a requester of its own again, with
        the tickets filed from it; return that requester.

        :raises InvalidPayload: ``invalid_email``.
        :raises NotFound: ``unknown_address``.
        """
        detached = await self.helpdesk.identities.detach(requester, address, by=actor)
        await self.audit.record(
            actor,
            AuditAction.ADDRESS_DETACHED,
            f"requester {requester.id}",
            f"an address of theirs made requester {detached.id}",
        )
        return detached

    async def export_directory(
        self, actor: Operator, *, q: str = "", organisation: str | None = None, sort: str = "name"
    ) -> list[RequesterSummary]:
        """Return the requesters of the directory (a search, an organisation's members),
        every page up to :data:`DIRECTORY_EXPORT_MAX`, for an admin's download (on the
        audit log: the customers' data leaving the desk).

        :raises Forbidden: ``actor`` is not an admin.
        """
        if not actor.is_admin:
            raise Forbidden("only admins export the requesters")
        found: list[RequesterSummary] = []
        for page in range(1, DIRECTORY_EXPORT_MAX // 100 + 1):
            batch = await self.helpdesk.directory.search(
                None, q=q, organisation=organisation, sort=sort, page=page, per_page=100
            )
            found += batch.requesters
            if len(batch.requesters) < 100:
                break
        parts = [f"search {q!r}"] if q else []
        parts += [f"organisation {organisation}"] if organisation else []
        narrowed = "; ".join(parts)
        await self.audit.record(
            actor, AuditAction.DIRECTORY_EXPORTED, "requesters",
            f"{len(found)} requester(s)" + (f" ({narrowed})" if narrowed else ""),
        )  # fmt: skip
        return found
