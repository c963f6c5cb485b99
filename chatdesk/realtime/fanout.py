"""Fan-out across processes: python-socketio's Redis manager on our bounded pool."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import socketio
from redis.asyncio import Redis

__all__ = ["BoundedRedisManager"]

log = logging.getLogger(__name__)


class BoundedRedisManager(socketio.AsyncRedisManager):  # type: ignore[misc]
    """``AsyncRedisManager`` that publishes through a client on a bounded pool.

    python-socketio builds its Redis client with ``Redis.from_url()``: redis-py's default
    pool opens a connection per publish under way, and a relay under load collapses
    (../shared/PERFORMANCE.md). The manager has no option for a pool, so its one client
    factory, ``_redis_connect``, is replaced: publishes share ``redis``'s bounded pool
    (waiting for a free connection), and the listener gets a connection of its own, so a
    busy pool never delays what other processes send here. Usage::

        redis = connect_redis(settings)
        sio = socketio.AsyncServer(client_manager=BoundedRedisManager(redis, url))
        ...
        await sio.manager.close()

    :param redis: the process's client (its pool bounds the connections).
    :param url: the same Redis, for the listening connection.
    """

    def __init__(self, redis: Redis, url: str, **kwargs: Any) -> None:
        # Pub/sub ignores database numbers: desks on different databases of one Redis
        # must not hear each other.
        db = redis.connection_pool.connection_kwargs.get("db", 0)
        kwargs.setdefault("channel", f"chatdesk:{db}")
        super().__init__(url, **kwargs)
        self._publisher = redis
        self._listener = Redis.from_url(url, health_check_interval=30)

    def _redis_connect(self) -> None:
        # Called by the listener before each (re)subscription, and by _publish after a
        # failure; the pool reconnects broken connections itself.
        self.redis = self._publisher
        self.pubsub = self._listener.pubsub(ignore_subscribe_messages=True)
        self.connected = True

    async def ready(self, wait: float = 5.0) -> bool:
        """Start listening now (python-socketio waits for the first client) and wait, at
        most ``wait`` seconds, until the subscription is sent: then nothing published for
        this process's clients after start-up is missed. False (logged) on a timeout."""
        if not self.server.manager_initialized:
            self.server.manager_initialized = True
            self.initialize()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        while not (self.pubsub is not None and self.pubsub.subscribed):
            if loop.time() > deadline:
                log.warning("Redis fan-out is not listening yet; retrying in the background")
                return False
            # No event tells when redis-py has sent SUBSCRIBE; start-up only.
            await asyncio.sleep(0.01)
        return True

    async def close(self) -> None:
        """Stop listening and close every connection."""
        thread = getattr(self, "thread", None)
        if isinstance(thread, asyncio.Task):
            thread.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await thread
        pubsub: Any = self.pubsub  # redis-py's PubSub.aclose is not annotated
        if pubsub is not None:
            with contextlib.suppress(Exception):
                await pubsub.aclose()
        with contextlib.suppress(Exception):
            await self._listener.aclose()
