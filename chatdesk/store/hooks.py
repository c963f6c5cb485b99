"""Store protocol for webhooks: the feed of ticket changes and the deliveries."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from ..models.hooks import HookDelivery, HookFeedItem, HookState

__all__ = ["HookStore"]


class HookStore(Protocol):
    """The durable side of webhooks (docs/webhooks.md).

    **The feed**: every ticket history row and every ticket message adds one
    :class:`HookFeedItem` *in the same transaction* as the row (triggers, whichever code
    path writes it). :meth:`consume_feed` turns an item into deliveries exactly once.

    **The deliveries** stay until their endpoint took them or they are given up::

        for item in await store.hooks.take_feed(200):
            await store.hooks.consume_feed(item.id, plan(item))
        for delivery in await store.hooks.claim_deliveries(now, until=now + lease, limit=20):
            ...  # post, then mark_delivered() or mark_delivery_failed()
    """

    async def take_feed(self, limit: int) -> list[HookFeedItem]:
        """Return the oldest feed items, oldest first (they stay until consumed)."""
        ...

    async def consume_feed(self, item_id: int, deliveries: Sequence[HookDelivery]) -> bool:
        """Remove the item and store ``deliveries`` with it, all or nothing; False
        (nothing stored) when the item was consumed already."""
        ...

    async def claim_deliveries(
        self, now: datetime, *, until: datetime, limit: int
    ) -> list[HookDelivery]:
        """Return queued deliveries whose attempt is due, in the feed's order, and keep
        them from other claims until ``until``."""
        ...

    async def mark_delivered(self, delivery_id: str, now: datetime) -> None:
        """Record that the endpoint took the delivery."""
        ...

    async def mark_delivery_failed(
        self, delivery_id: str, error: str, *, retry_at: datetime | None, now: datetime
    ) -> HookDelivery | None:
        """Count a failed attempt: queued again from ``retry_at``, or failed for good
        (None). Return the delivery after."""
        ...

    async def list_deliveries(self, state: HookState, *, limit: int = 100) -> list[HookDelivery]:
        """Return deliveries in ``state``, newest first."""
        ...

    async def count_deliveries(self) -> dict[str, dict[HookState, int]]:
        """Return how many deliveries each endpoint has in each state (states with none
        left out)."""
        ...

    async def retry_delivery(self, delivery_id: str, now: datetime) -> bool:
        """Queue a failed delivery again at once; False if it is not failed."""
        ...

    async def purge_deliveries(self, before: datetime) -> int:
        """Drop deliveries sent or given up before ``before``; return how many."""
        ...
