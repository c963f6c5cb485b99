"""The retention policy (``[privacy]`` in chatdesk.toml): old chats that never became a
ticket are deleted with the help centre's searches of that age, closed tickets
anonymised, by a periodic job on one process."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from .deskconfig import Retention
from .events import Event
from .models import utcnow
from .store import Store

__all__ = ["BATCH", "MAX_BATCHES", "RESCAN", "RetentionJob"]

log = logging.getLogger(__name__)

#: Rows a transaction takes: a batch holds SQLite's one writer for milliseconds, and the
#: messages that wait behind it are served between two batches.
BATCH = 200
#: Batches a turn takes at most, of each kind: a desk that turns the policy on with years
#: behind it gets through them over a few turns instead of in one long one.
MAX_BATCHES = 25
#: How often the chats' scan starts again from the beginning: a chat it went past while
#: people had it (queued, live) and that was handed back without a new message is due by
#: then, though its last activity is behind the scan's cursor.
RESCAN = timedelta(days=1)


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
        # Where the chats' scan goes on from: the chats it keeps (those with a ticket) are
        # then looked at once per process, not at every batch (bench/README.md, "Retention").
        self._chats_after = ""
        self._rescan_at = clock()

    async def run(self) -> list[Event]:
        """Delete and anonymise what is due, a batch at a time; return no events (nobody
        is connected to a chat or a ticket this old)."""
        now = self.clock()
        if now >= self._rescan_at:
            self._chats_after, self._rescan_at = "", now + RESCAN
        chats = searches = tickets = 0
        retention = self.store.retention
        if self.policy.chats is not None:
            quiet_since = now - self.policy.chats
            chats = await self._batches(lambda: self._delete_chats(quiet_since))
            searches = await self._batches(
                lambda: retention.forget_searches(quiet_since, limit=BATCH)
            )
        if self.policy.tickets is not None:
            closed_before = now - self.policy.tickets
            tickets = await self._batches(
                lambda: retention.anonymise_tickets(closed_before, now=now, limit=BATCH)
            )
        if chats or searches or tickets:
            log.info(
                "retention: %d chat(s) deleted, %d help-centre search(es) forgotten,"
                " %d closed ticket(s) anonymised", chats, searches, tickets,
            )  # fmt: skip
        return []

    async def _delete_chats(self, before: datetime) -> int:
        done, self._chats_after = await self.store.retention.delete_chats(
            before, limit=BATCH, after=self._chats_after
        )
        return done

    @staticmethod
    async def _batches(batch: Callable[[], Awaitable[int]]) -> int:
        """Run ``batch`` until it takes less than a whole one, at most :data:`MAX_BATCHES`
        times; return how many rows it took in all."""
        total = 0
        for _ in range(MAX_BATCHES):
            done = await batch()
            total += done
            if done < BATCH:
                break
        return total

    async def due(self) -> tuple[int, int]:
        """Return how many chats and closed tickets the policy would take now."""
        now = self.clock()
        far = datetime.min.replace(tzinfo=now.tzinfo)  # kept for ever: nothing is due
        return await self.store.retention.count_expired(
            chats_before=now - self.policy.chats if self.policy.chats else far,
            tickets_before=now - self.policy.tickets if self.policy.tickets else far,
        )
