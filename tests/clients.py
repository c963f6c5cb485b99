"""Test-side Socket.IO clients that record every event for waiting on, never sleeping.

Every event and ack they receive is checked against its wire struct (chatdesk/wire): a
field the server sends that the schema does not describe fails the test that got it.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import Any

import aiohttp
import msgspec
import socketio

from chatdesk.wire import ACKS, OUTGOING, ErrorAck

TIMEOUT = 5.0


class VisitorClient:
    """A real socketio.AsyncClient on the /visitor namespace."""

    namespace = "/visitor"
    first_event = "session"

    def __init__(self, url: str) -> None:
        self.url = url
        # Our own HTTP session, closed in close() even when connecting failed.
        self.http = aiohttp.ClientSession()
        self.sio = socketio.AsyncClient(reconnection=False, http_session=self.http)
        self.queues: defaultdict[str, asyncio.Queue[Any]] = defaultdict(asyncio.Queue)
        self.session: dict[str, Any] = {}
        self.connect_error: Any = None
        self.schema_errors: list[str] = []
        self.sio.on("*", self._record, namespace=self.namespace)
        self.sio.on("connect_error", self._refused, namespace=self.namespace)

    async def _record(self, event: str, *args: Any) -> None:
        payload = args[0] if len(args) == 1 else args
        kind = OUTGOING[self.namespace].get(event)  # type: ignore[index]
        try:
            assert kind is not None, f"the server sent an undocumented event {event!r}"
            msgspec.convert(payload, kind)
        except (AssertionError, msgspec.ValidationError) as exc:
            # Handlers' exceptions are swallowed by python-socketio: fail at close().
            self.schema_errors.append(f"{self.namespace} {event}: {exc}")
        self.queues[event].put_nowait(payload)

    async def _refused(self, data: Any) -> None:
        self.connect_error = data

    async def connect(
        self, auth: dict[str, Any] | None = None, *, wait_session: bool = True, **kw: Any
    ) -> None:
        await self.sio.connect(
            self.url,
            namespaces=[self.namespace],
            auth=auth,
            transports=["websocket"],
            wait_timeout=TIMEOUT,
            **kw,
        )
        if wait_session:
            self.session = await self.next(self.first_event)

    @property
    def token(self) -> str:
        return str(self.session["token"])

    async def next(self, event: str, timeout: float = TIMEOUT) -> Any:
        """Wait for the next ``event`` and return its payload."""
        return await asyncio.wait_for(self.queues[event].get(), timeout)

    def pending(self, event: str) -> list[Any]:
        """Return (and consume) the ``event`` payloads already received."""
        queue = self.queues[event]
        return [queue.get_nowait() for _ in range(queue.qsize())]

    async def call(self, event: str, data: Any = None, timeout: float = TIMEOUT) -> Any:
        """Emit with an ack callback and return the ack (checked against its schema)."""
        ack = await self.sio.call(event, data, namespace=self.namespace, timeout=timeout)
        if isinstance(ack, dict) and ack.get("ok") is False:
            msgspec.convert(ack, ErrorAck)
        elif event in ACKS[self.namespace]:  # type: ignore[index]
            msgspec.convert(ack, ACKS[self.namespace][event])  # type: ignore[index]
        return ack

    async def bot_reply(self) -> dict[str, Any]:
        """Return the next message by the bot (skipping the echo of the visitor's own)."""
        while (message := await self.next("message"))["author"] != "bot":
            pass
        return dict(message)

    async def say(self, text: str, client_id: str | None = None) -> dict[str, Any]:
        """Send a message; return the message from a successful ack."""
        ack = await self.call("message", {"client_id": client_id or _new_id(), "text": text})
        assert ack["ok"] is True, ack
        return dict(ack["message"])

    async def close(self) -> None:
        if self.sio.connected:
            await self.sio.disconnect()
        await self.http.close()
        assert not self.schema_errors, self.schema_errors


def _new_id() -> str:
    import uuid

    return uuid.uuid4().hex


class OperatorClient(VisitorClient):
    """A real socketio.AsyncClient on the /operator namespace (log in with a cookie)."""

    namespace = "/operator"
    first_event = "hello"
