"""The process's one Redis client on a bounded pool, shared by fan-out and throttles."""

from __future__ import annotations

from redis.asyncio import BlockingConnectionPool, Redis

from .config import Settings

__all__ = ["POOL_WAIT_SECONDS", "connect_redis"]

#: How long a command waits for a free connection of the pool before failing. Long: under
#: a burst, waiting is what keeps the load bounded (latency grows, nothing is dropped).
POOL_WAIT_SECONDS = 30.0


def connect_redis(settings: Settings) -> Redis | None:
    """Return a client for ``CHATDESK_REDIS_URL`` (None when unset); no connection is made
    until the first command.

    redis-py's default asyncio pool opens a connection for every command under way: under
    load thousands, until Redis or the process gives up (../shared/PERFORMANCE.md). This
    pool holds at most ``CHATDESK_REDIS_POOL_SIZE`` and makes the rest wait their turn.
    """
    if not settings.redis_url:
        return None
    pool = BlockingConnectionPool.from_url(
        settings.redis_url,
        max_connections=settings.redis_pool_size,
        timeout=POOL_WAIT_SECONDS,
        health_check_interval=30,
        # An unreachable Redis must fail a publish, not hang it for the OS's TCP timeout.
        socket_connect_timeout=5,
        socket_timeout=10,
    )
    return Redis(connection_pool=pool)
