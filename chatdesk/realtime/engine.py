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

import socketio
from engineio.async_drivers.aiohttp import WebSocket

__all__ = ["QuietWebSocket", "install_quiet_websocket"]

log = logging.getLogger(__name__)


class QuietWebSocket(WebSocket):  # type: ignore[misc]
    """The aiohttp driver's WebSocket: ``wait()`` answers ``None`` once the peer closed."""

    #: WebSocket connections of this process that have ended, since it started.
    closed = 0

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


def install_quiet_websocket(sio: socketio.AsyncServer) -> bool:
    """Make ``sio``'s Engine.IO server use :class:`QuietWebSocket`; False if it cannot.

    Engine.IO picks its WebSocket class from the driver table of its async mode (the
    private ``_async`` mapping, the same one for every server): this server gets its own
    copy with one entry changed. If a release of python-engineio changes that table, the
    server keeps the stock driver (correct, only collected later) and says so.
    """
    drivers = getattr(sio.eio, "_async", None)
    if not isinstance(drivers, dict) or drivers.get("websocket") is not WebSocket:
        log.warning("python-engineio's driver table changed: closed sockets wait for the GC")
        return False
    sio.eio._async = {**drivers, "websocket": QuietWebSocket}
    return True
