"""Fan-out across processes: python-socketio's Redis manager on our bounded pool."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

import socketio
from redis.asyncio import Redis

from .sends import DirectSendManager

__all__ = ["BoundedRedisManager"]

log = logging.getLogger(__name__)


class BoundedRedisManager(socketio.AsyncRedisManager, DirectSendManager):  # type: ignore[misc]
    """``AsyncRedisManager`` that publishes through a client on a bounded pool.

    python-socketio builds its Redis client with ``Redis.from_url()``: redis-py's default
    pool opens a connection per publish under way, and a relay under load collapses
    (../shared/PERFORMANCE.md). The manager has no option for a pool, so its one client
    factory, ``_redis_connect``, is replaced: publishes use ``redis``'s bounded pool, and
    the listener gets a connection of its own, so a busy pool never delays what other
    processes send here. Publishes are batched (:meth:`_publish`). What reaches this
    process goes out as :class:`DirectSendManager` sends it. Usage::

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
        self._outbox: list[tuple[str, asyncio.Future[None]]] = []
        self._flusher: asyncio.Task[None] | None = None

    async def _publish(self, data: Any) -> None:
        """Publish ``data`` in the next batch; return once Redis has it (or gave up).

        One PUBLISH per emit costs a round trip and redis-py's per-command overhead;
        emits waiting at the same moment go out together in one pipeline instead, in the
        order they were made, one batch at a time (so on one connection of the pool).
        """
        done = asyncio.get_running_loop().create_future()
        self._outbox.append((self.json.dumps(data), done))
        if self._flusher is None:
            self._flusher = asyncio.ensure_future(self._flush())
        await done

    async def _flush(self) -> None:
        try:
            while self._outbox:
                batch, self._outbox = self._outbox, []
                for attempt in (1, 2):
                    try:
                        async with self._publisher.pipeline(transaction=False) as pipe:
                            for payload, _ in batch:
                                pipe.publish(self.channel, payload)
                            await pipe.execute()
                        break
                    except Exception as exc:  # Redis down: as python-socketio, log, go on
                        log.error(
                            "cannot publish %d event(s) to Redis%s: %s",
                            len(batch),
                            "; retrying" if attempt == 1 else "; giving up",
                            exc,
                        )
                for _, done in batch:
                    if not done.done():
                        done.set_result(None)
        finally:
            self._flusher = None

    def _redis_connect(self) -> None:
        # Called by the listener before each (re)subscription, and by _publish after a
        # failure; the pool reconnects broken connections itself.
        self.redis = self._publisher
        self.pubsub = self._listener.pubsub(ignore_subscribe_messages=True)
        self.connected = True

    async def _listen(self) -> AsyncIterator[bytes]:
        # Redis echoes this process's own publishes back; python-socketio decodes each
        # before ignoring it. Those end with our host id (the last key, as encoded): skip
        # them undecoded. (Callbacks, which must come back, carry it elsewhere.)
        own = f'"host_id":"{self.host_id}"}}'.encode()
        async for message in super()._listen():
            if not message.endswith(own):
                yield message

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
        """Stop listening and close every connection (after the publishes under way)."""
        if self._flusher is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(asyncio.shield(self._flusher), 5)
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
