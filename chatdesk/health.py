"""The desk's health for load balancers and metrics: whether the store answers, its
backend, and the totals every process reports (queue length, tickets by status)."""

from __future__ import annotations

from .models import InboxView, Status
from .store import Store

__all__ = ["Health"]


class Health:
    """What ``/healthz`` and ``/metrics`` ask of the desk's records."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @property
    def backend(self) -> str:
        """Return the storage backend's name (``sqlite``, ``postgresql``)."""
        return self.store.name

    async def ping(self) -> None:
        """Check the store answers; raise :class:`~chatdesk.errors.StoreError` if not."""
        await self.store.ping()

    async def totals(self) -> tuple[int, dict[Status, int]]:
        """Return the desk's queue length (queued and waiting) and its tickets by status."""
        counts = await self.store.queries.inbox_counts("")
        return counts[InboxView.QUEUE], await self.store.queries.ticket_counts()
