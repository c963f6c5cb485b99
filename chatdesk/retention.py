"""The retention policy (``[privacy]`` in chatdesk.toml): old chats that never became a
ticket are deleted, closed tickets anonymised, by a periodic job on one process."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from .deskconfig import Retention
from .events import Event
from .models import utcnow
from .store import Store

__all__ = ["BATCH", "MAX_BATCHES", "RetentionJob"]

log = logging.getLogger(__name__)

#: Rows a transaction takes: a batch holds SQLite's one writer for milliseconds, and the
#: messages that wait behind it are served between two batches.
BATCH = 200
#: Batches a turn takes at most, of each kind: a desk that turns the policy on with years
#: behind it gets through them over a few turns instead of in one long one.
MAX_BATCHES = 25


class RetentionJob:
    """Apply the desk's retention policy; nothing when ``policy`` keeps everything.

    Usage: ``Job("retention", timedelta(minutes=10), RetentionJob(store, policy).run)``.
    """

    def __init__(
        self, store: Store, policy: Retention, *, clock: Callable[[], datetime] = utcnow
    ) -> None:
        self.store = store
        self.policy = policy
        self.clock = clock

    async def run(self) -> list[Event]:
        """Delete and anonymise what is due, a batch at a time; return no events (nobody
        is connected to a chat or a ticket this old)."""
        now = self.clock()
        chats = tickets = 0
        if self.policy.chats is not None:
            before = now - self.policy.chats
            for _ in range(MAX_BATCHES):
                done = await self.store.retention.delete_chats(before, limit=BATCH)
                chats += done
                if done < BATCH:
                    break
        if self.policy.tickets is not None:
            before = now - self.policy.tickets
            for _ in range(MAX_BATCHES):
                done = await self.store.retention.anonymise_tickets(before, now=now, limit=BATCH)
                tickets += done
                if done < BATCH:
                    break
        if chats or tickets:
            log.info(
                "retention: %d chat(s) deleted, %d closed ticket(s) anonymised", chats, tickets
            )
        return []

    async def due(self) -> tuple[int, int]:
        """Return how many chats and closed tickets the policy would take now."""
        now = self.clock()
        far = datetime.min.replace(tzinfo=now.tzinfo)  # kept for ever: nothing is due
        return await self.store.retention.count_expired(
            chats_before=now - self.policy.chats if self.policy.chats else far,
            tickets_before=now - self.policy.tickets if self.policy.tickets else far,
        )
