"""A flood limit per visitor, shared by all of their connections on every process."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from redis.asyncio import Redis

__all__ = ["FLUSH_SECONDS", "VisitorFlood"]

log = logging.getLogger(__name__)

#: How often a process adds what it counted to the shared counts in Redis.
FLUSH_SECONDS = 0.05


#: KEYS: (current, previous) window keys per visitor; ARGV: ttl, then each visitor's count
#: (negative: a late count for an ended window, whose totals are not wanted).
_FLUSH_SCRIPT = """
local out = {}
for i = 2, #ARGV do
  local n = tonumber(ARGV[i])
  local key = KEYS[2 * (i - 1) - 1]
  local total = redis.call('INCRBY', key, math.abs(n))
  if total == math.abs(n) then redis.call('EXPIRE', key, ARGV[1]) end
  if n > 0 then
    out[#out + 1] = total
    out[#out + 1] = tonumber(redis.call('GET', KEYS[2 * (i - 1)]) or '0')
  end
end
return out
"""


@dataclass(slots=True)
class _Count:
    window: int  # index of the current window
    count: int = 0  # best known count in it, every process included
    previous: int = 0  # count of the window before
    unsent: int = 0  # counted here, not yet added in Redis


class VisitorFlood:
    """Allow each visitor ``amount`` events per ``window`` seconds in total, however many
    tabs and processes their connections are spread over.

    Decisions are local and synchronous (no round trip on the hot path): this process
    counts at once, and every :data:`FLUSH_SECONDS` adds its counts to the visitor's in
    Redis, reading back the total with the other processes' counts. So the limit holds
    across the cluster give or take one batch. The window slides: the previous window's
    count weighs in proportion to how much of it still lies within ``window`` seconds.
    Usage::

        flood = VisitorFlood.for_visitors(rate=1.0, burst=10, tabs=3, redis=redis)
        if not flood.allow(visitor_id): ...  # refuse
        await flood.close()

    :param redis: where processes share their counts; None: this process's own counts.
    :param clock: wall-clock seconds (windows must line up across processes).
    """

    def __init__(
        self,
        amount: int,
        window: float,
        *,
        redis: Redis | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.amount = amount
        self.window = window
        self.redis = redis
        self.clock = clock
        self._counts: dict[str, _Count] = {}
        #: Visitors counted since the last flush, with Redis: the only ones it sends (walking
        #: every active visitor's count 20 times a second cost more than the counting).
        self._counted: set[str] = set()
        #: The window whose quiet visitors the last flush forgot (once per window).
        self._pruned = -1
        #: Counts of windows that ended before they were sent: (visitor, window, n).
        self._late: list[tuple[str, int, int]] = []
        self._timer: asyncio.TimerHandle | None = None
        self._task: asyncio.Task[None] | None = None
        self._failing = False

    @classmethod
    def for_visitors(
        cls, *, rate: float, burst: int, tabs: int, redis: Redis | None = None
    ) -> VisitorFlood:
        """Return the limit for ``tabs`` connections' worth of a token bucket of ``rate``
        per second and ``burst``: ``tabs * burst`` at once, ``tabs * rate`` sustained."""
        window = max(1.0, burst / rate)
        return cls(tabs * max(burst, math.ceil(rate * window)), window, redis=redis)

    def allow(self, visitor_id: str) -> bool:
        """Count one event of ``visitor_id``; False (not counted) past the limit."""
        now = self.clock()
        index = int(now // self.window)
        count = self._counts.get(visitor_id)
        if count is None:
            count = self._counts[visitor_id] = _Count(index)
        elif count.window != index:
            self._roll(visitor_id, count, index)
        elapsed = now / self.window - index
        if count.previous * (1.0 - elapsed) + count.count + 1 > self.amount:
            return False
        count.count += 1
        count.unsent += 1
        if self.redis is not None:  # alone, this process has nothing to send
            self._counted.add(visitor_id)
        if self._timer is None and self._task is None:
            delay = FLUSH_SECONDS if self.redis is not None else self.window
            self._timer = asyncio.get_running_loop().call_later(delay, self._start_flush)
        return True

    def _roll(self, visitor_id: str, count: _Count, index: int) -> None:
        if count.unsent:
            self._late.append((visitor_id, count.window, count.unsent))
        count.previous = count.count if index == count.window + 1 else 0
        count.window, count.count, count.unsent = index, 0, 0

    def _start_flush(self) -> None:
        self._timer = None
        self._task = asyncio.ensure_future(self._flush_and_reschedule())

    async def _flush_and_reschedule(self) -> None:
        try:
            await self.flush()
        finally:
            self._task = None
        if self._counts:
            delay = FLUSH_SECONDS if self.redis is not None else self.window
            self._timer = asyncio.get_running_loop().call_later(delay, self._start_flush)

    async def flush(self) -> None:
        """Add this process's counts to the shared ones and read the totals back; forget
        visitors quiet for a whole window."""
        index = int(self.clock() // self.window)
        if index != self._pruned:
            self._pruned = index
            for visitor_id in [v for v, c in self._counts.items() if c.window < index - 1]:
                count = self._counts.pop(visitor_id)
                if count.unsent:
                    self._late.append((visitor_id, count.window, count.unsent))
        counted, self._counted = self._counted, set()
        if self.redis is None:
            self._late.clear()
            return
        batch = []
        for visitor_id in counted:
            current = self._counts.get(visitor_id)
            if current is not None and current.unsent:
                batch.append((visitor_id, current.window, current.unsent))
        late, self._late = self._late, []
        if not batch and not late:
            return
        for visitor_id, _, sent in batch:
            self._counts[visitor_id].unsent -= sent
        try:
            totals = await self._send(batch, late)
        except Exception as exc:  # shared counts are best effort; local ones still hold
            if not self._failing:
                log.warning("flood counts not shared (Redis): %s", exc)
            self._failing = True
            return
        self._failing = False
        for (visitor_id, window, _), (total, previous) in zip(batch, totals, strict=True):
            known = self._counts.get(visitor_id)
            if known is not None and known.window == window:
                known.count = max(known.count, total + known.unsent)
                known.previous = max(known.previous, previous)

    async def _send(
        self, batch: list[tuple[str, int, int]], late: list[tuple[str, int, int]]
    ) -> list[tuple[int, int]]:
        assert self.redis is not None
        keys, args = [], [math.ceil(self.window * 2) + 1]
        for visitor_id, window, n in batch:
            keys += [self._key(visitor_id, window), self._key(visitor_id, window - 1)]
            args.append(n)
        for visitor_id, window, n in late:
            keys += [self._key(visitor_id, window), ""]
            args.append(-n)  # negative: add, no total wanted back
        # One command per flush, however many visitors (a script runs atomically).
        replies = await self.redis.eval(_FLUSH_SCRIPT, len(keys), *keys, *args)
        return [(int(replies[i]), int(replies[i + 1])) for i in range(0, 2 * len(batch), 2)]

    @staticmethod
    def _key(visitor_id: str, window: int) -> str:
        return f"chatdesk:flood:{visitor_id}:{window}"

    async def close(self) -> None:
        """Stop flushing (the shared counts expire by themselves)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
