"""Requests about a requester's personal data (GDPR art. 15 and 17), each one written to
the audit log: the console's privacy page and ``chatdesk requesters export | forget``."""

from __future__ import annotations

from typing import Any

from .audit import AuditTrail
from .helpdesk import Helpdesk
from .models import AuditAction, Operator

__all__ = ["Privacy"]


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
