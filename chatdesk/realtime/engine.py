"""Engine.IO's aiohttp WebSocket, closed without an exception.

python-engineio's aiohttp driver raises ``OSError`` from ``wait()`` when the peer closes.
That exception's traceback holds the frames of the socket's handler, whose locals hold the
task that raised it: a reference cycle of ~70 objects per closed connection (the Engine.IO
socket, its aiohttp request and handler, two tasks, their frames and contexts) that only
Python's cyclic garbage collector can free, and that the collector must then find. The
handler already reads ``None`` as "closed by the client" (and a ``None`` upgrade packet as a
failed upgrade, as it does the exception), so returning ``None`` keeps its behaviour and
lets reference counting free a closed connection at once. bench/README.md ("Hot path",
"Second pass") has the census: 69 cyclic objects per closed connection before, 5-8 after
(those of asyncio's own socket transport, which :func:`chatdesk.gctune.break_transport_cycles`
frees on Python 3.11: "Seventh pass").
"""

from __future__ import annotations

import logging
from typing import Any

import socketio
from aiohttp.web import WebSocketResponse
from engineio.async_drivers.aiohttp import WebSocket

__all__ = ["QuietWebSocket", "install_quiet_websocket"]

log = logging.getLogger(__name__)


class QuietWebSocket(WebSocket):  # type: ignore[misc]
    """The aiohttp driver's WebSocket: ``wait()`` answers ``None`` once the peer closed,
    and permessage-deflate is accepted only when :attr:`compress` says so."""

    #: WebSocket connections of this process that have ended, since it started.
    closed = 0
    #: Accept permessage-deflate when the client offers it (every browser does). aiohttp
    #: then keeps a compressor per connection: ~100 kB per idle visitor, for chat
    #: messages too short to gain from it (bench/README.md), so a server declines it
    #: unless ``CHATDESK_WEBSOCKET_COMPRESSION=on`` (:func:`install_quiet_websocket`).
    compress = True

    async def __call__(self, environ: dict[str, Any]) -> WebSocketResponse:
        """Accept the WebSocket and serve it (the driver's own steps, with ``compress``).

        Declining by the response, not by a middleware that hands on a copy of the
        request without the offer: both requests then lived as long as the visit (~2 kB
        per visitor, bench/README.md, "Eighth pass").
        """
        request = environ["aiohttp.request"]
        self._sock = WebSocketResponse(
            max_msg_size=self.server.max_http_buffer_size, compress=self.compress
        )
        await self._sock.prepare(request)
        self.environ = environ
        await self.handler(self)
        return self._sock

    async def close(self) -> None:
        """Close the connection (Engine.IO does, once, when a visit ends) and count it.

        Counted here rather than around ``__call__``: a coroutine of ours suspended there
        would be held for the whole visit, per connection (bench/README.md, "Eighth pass").
        """
        QuietWebSocket.closed += 1
        await super().close()

    async def wait(self) -> str | bytes | None:
        """Return the next frame's data, or ``None`` when the connection is closed."""
        message = await self._sock.receive()
        data = message.data
        if isinstance(data, str | bytes):
            return data
        return None


def install_quiet_websocket(sio: socketio.AsyncServer, *, compress: bool) -> bool:
    """Make ``sio``'s Engine.IO server use :class:`QuietWebSocket` (accepting
    permessage-deflate only if ``compress``); False if it cannot.

    Engine.IO picks its WebSocket class from the driver table of its async mode (the
    private ``_async`` mapping, the same one for every server): this server gets its own
    copy with one entry changed. If a release of python-engineio changes that table, the
    server keeps the stock driver (correct, only collected later) and says so; the caller
    then declines compression its own way.
    """
    drivers = getattr(sio.eio, "_async", None)
    if not isinstance(drivers, dict) or drivers.get("websocket") is not WebSocket:
        log.warning("python-engineio's driver table changed: closed sockets wait for the GC")
        return False
    driver = type("QuietWebSocket", (QuietWebSocket,), {"compress": compress})
    sio.eio._async = {**drivers, "websocket": driver}
    return True
