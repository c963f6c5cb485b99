"""The audit log: what admins do to operators' accounts and to requesters' personal data.

Each act is written after it succeeded, by the service that did it, and never changed;
admins read it in the console (``/console/audit``). It records who (an operator, or the
command line on the desk's machine), what, to whom and when: never a password, a secret or
a forgotten requester's address.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from .errors import Forbidden
from .models import AuditAction, AuditEntry, Operator, utcnow
from .models.clock import new_sortable_id
from .store import Store

__all__ = ["COMMAND_LINE", "PAGE", "AuditTrail"]

#: Who acted when no operator did: ``chatdesk`` commands on the desk's machine.
COMMAND_LINE = "command line"
#: Entries shown per page.
PAGE = 50


class AuditTrail:
    """Write and read the audit log."""

    def __init__(self, store: Store, *, clock: Callable[[], datetime] = utcnow) -> None:
        self.store = store
        self.clock = clock
        self._last_id = ""

    def _new_id(self) -> str:
        """Return an id after every one this trail made: entries of the same instant (a
        script's burst) keep the order they were written in."""
        made = new_sortable_id()
        if made <= self._last_id:
            made = f"{int(self._last_id, 16) + 1:032x}"
        self._last_id = made
        return made

    async def record(
        self, actor: Operator | None, action: AuditAction, target: str, detail: str = ""
    ) -> AuditEntry:
        """Write that ``actor`` (None: the command line) did ``action`` to ``target``."""
        entry = AuditEntry(
            id=self._new_id(),
            ts=self.clock(),
            actor_id=actor.id if actor else None,
            actor=actor.email if actor else COMMAND_LINE,
            action=action,
            target=target[:200],
            detail=detail[:500],
        )
        await self.store.audit.add_audit(entry)
        return entry

    async def page(
        self, reader: Operator, *, before: tuple[datetime, str] | None = None
    ) -> list[AuditEntry]:
        """Return a page of entries, newest first (admins only).

        :raises Forbidden: ``reader`` is not an admin.
        """
        if not reader.is_admin:
            raise Forbidden("only admins read the audit log")
        return await self.store.audit.list_audit(limit=PAGE, before=before)
