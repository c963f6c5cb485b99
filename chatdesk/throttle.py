"""Attempt counters in a time window (login failures...), shared through `limits` storage."""

from __future__ import annotations

import time
from typing import Any

from limits import RateLimitItem, parse
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string
from redis.asyncio import Redis

__all__ = ["Throttle"]


class Throttle:
    """Count attempts per key within a moving window.

    The storage is in this process's memory by default; on Redis every process of the
    desk shares the counts. Usage::

        throttle = Throttle()  # or Throttle.on_redis(redis)
        failures = throttle.limit("5/15 minutes")
        if not await throttle.allows(failures, "email", email): ...
        await throttle.count(failures, "email", email)

    :param storage_uri: a `limits` storage URI: ``memory://`` or ``redis://host:6379/0``.
    :param options: passed to the `limits` storage.
    """

    def __init__(self, storage_uri: str = "memory://", **options: Any) -> None:
        storage = storage_from_string(f"async+{storage_uri}", **options)
        self._limiter = MovingWindowRateLimiter(storage)

    @classmethod
    def on_redis(cls, redis: Redis) -> Throttle:
        """Return a throttle whose counts live in Redis, on ``redis``'s (bounded) pool."""
        return cls(
            "redis://",
            implementation="redispy",
            connection_pool=redis.connection_pool,
            key_prefix="chatdesk:throttle",
        )

    @staticmethod
    def limit(text: str) -> RateLimitItem:
        """Return the limit ``text`` describes (``"5/15 minutes"``)."""
        return parse(text)

    async def allows(self, limit: RateLimitItem, *key: str) -> bool:
        """Return whether one more attempt for ``key`` stays within ``limit``."""
        return await self._limiter.test(limit, *key)

    async def count(self, limit: RateLimitItem, *key: str) -> bool:
        """Count an attempt for ``key``; return whether it was within ``limit``."""
        return await self._limiter.hit(limit, *key)

    async def forget(self, limit: RateLimitItem, *key: str) -> None:
        """Forget the attempts counted for ``key``."""
        await self._limiter.clear(limit, *key)

    async def retry_after(self, limit: RateLimitItem, *key: str) -> float:
        """Return the seconds until one more attempt for ``key`` fits within ``limit``."""
        stats = await self._limiter.get_window_stats(limit, *key)
        return max(0.0, stats.reset_time - time.time())
