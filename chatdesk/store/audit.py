"""Store protocol of the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from ..models import AuditEntry

__all__ = ["AuditStore"]


class AuditStore(Protocol):
    """Administrative acts, appended and never changed (``chatdesk/audit.py``)."""

    async def add_audit(self, entry: AuditEntry) -> None:
        """Store an entry."""
        ...

    async def list_audit(
        self, *, limit: int = 50, before: tuple[datetime, str] | None = None
    ) -> list[AuditEntry]:
        """Return up to ``limit`` entries, newest first; ``before``: only those older than
        that entry's (time, id), the next page."""
        ...
