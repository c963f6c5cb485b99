"""What every chatdesk namespace shares: error-safe handlers and reserved-event guards."""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

import socketio

from ..errors import ChatdeskError, InvalidPayload, RateLimited
from ..metrics import Metrics
from .throttle import TokenBucket

__all__ = ["BaseNamespace", "acked", "error_reply"]

log = logging.getLogger(__name__)

NS = TypeVar("NS", bound="BaseNamespace")
Handler = Callable[[NS, str, Any], Awaitable[dict[str, Any]]]

_RESERVED = frozenset({"connect", "disconnect", "connect_error"})


def error_reply(error: ChatdeskError) -> dict[str, Any]:
    """Return the ack sent for a failed request."""
    return {"ok": False, "error": error.to_payload()}


def acked(handler: Handler[NS]) -> Callable[..., Awaitable[dict[str, Any]]]:
    """Wrap an event handler so it always acks ``{"ok": true, ...}`` or ``{"ok": false,
    "error": {...}}`` and never raises out to python-socketio; the time to the ack is
    recorded in the namespace's metrics."""
    event = handler.__name__.removeprefix("on_")
    perf = time.perf_counter

    @functools.wraps(handler)
    async def wrapper(self: NS, sid: str, *args: Any) -> dict[str, Any]:
        started = perf()
        try:
            if len(args) > 1:
                raise InvalidPayload("send one object per event")
            reply = {"ok": True, **await handler(self, sid, args[0] if args else None)}
        except ChatdeskError as exc:
            reply = error_reply(exc)
        except Exception:
            log.exception("handler %s failed", handler.__name__)
            reply = error_reply(ChatdeskError("something went wrong on our side; please retry"))
        if self.metrics is not None:
            self.metrics.observe_ack(self.namespace, event, perf() - started)
        return reply

    return wrapper


class BaseNamespace(socketio.AsyncNamespace):  # type: ignore[misc]
    """A namespace that clients cannot trick into running its lifecycle handlers, and
    that runs follow-up work (welcomes, bot replies) as tracked background tasks.

    :param metrics: where acks' latencies go (None: nowhere).
    """

    def __init__(self, namespace: str, metrics: Metrics | None = None) -> None:
        super().__init__(namespace)
        self.metrics = metrics
        self._tasks: set[asyncio.Task[None]] = set()

    def spawn(self, work: Coroutine[Any, Any, None], what: str) -> None:
        """Run ``work`` in the background, logging (never raising) its failure."""

        async def guarded() -> None:
            try:
                await work
            except Exception:
                log.exception("%s %s task failed", self.namespace, what)

        # Keep a reference: the event loop only holds weak ones to tasks.
        task = asyncio.ensure_future(guarded())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def drain(self) -> None:
        """Wait for the background work under way to finish."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    @staticmethod
    def check_bucket(bucket: TokenBucket) -> None:
        """Take a token from a connection's bucket, or raise RateLimited."""
        if not bucket.allow():
            raise RateLimited("you are sending too fast; wait a moment")

    async def connected(self, sid: str) -> bool:
        """Wait until python-socketio has sent ``sid``'s CONNECT packet (emits sent from a
        connect handler would overtake it and be dropped by clients); False if it left."""
        for _ in range(100):
            if self.server.manager.is_connected(sid, self.namespace):
                return True
            await asyncio.sleep(0)
        return False

    async def trigger_event(self, event: str, *args: Any) -> Any:
        """Dispatch to ``on_<event>``, refusing reserved names sent as client events."""
        if (
            event in _RESERVED
            and args
            and self.server.manager.is_connected(args[0], self.namespace)
        ):
            # python-socketio dispatches a client's "connect"/"disconnect" *event* to the
            # same handler as the real lifecycle call; only connected sids can send events,
            # while the real calls happen before connect completes or after disconnect began.
            log.warning("ignored a client-sent %r event from %s", event, args[0])
            return None
        try:
            return await super().trigger_event(event, *args)
        except socketio.exceptions.ConnectionRefusedError:
            raise
        except Exception:
            log.exception("event %r failed", event)
            return None
