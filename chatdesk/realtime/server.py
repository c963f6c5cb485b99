"""Build the Socket.IO server; the client manager (in-memory or Redis) is chosen here."""

from __future__ import annotations

from collections.abc import Awaitable

import socketio
from aiohttp import hdrs, web
from aiohttp.typedefs import Handler, Middleware
from redis.asyncio import Redis

from ..config import Settings
from ..wire import SocketJson
from .engine import install_quiet_websocket
from .fanout import BoundedRedisManager
from .origins import OriginPolicy
from .sends import DirectSendManager

__all__ = ["TextPacket", "create_sio", "install_quiet_websocket", "websocket_compression"]


class TextPacket(socketio.packet.Packet):  # type: ignore[misc]
    """python-socketio's packet, without looking for binary parts in what is sent.

    Everything chatdesk sends is JSON (msgspec), yet python-socketio's packet walks every
    list and dict of each event and ack it sends in case one holds ``bytes`` (~3% of the
    loop's busy time at 1,000 messages a second; bench/README.md, "Seventh pass"). A
    client's binary packets are still decoded as before (and then refused by the wire
    structs, which take no bytes).
    """

    uses_binary_events = False


def create_sio(settings: Settings, redis: Redis | None = None) -> socketio.AsyncServer:
    """Return an AsyncServer for aiohttp, configured from ``settings``.

    :param redis: the process's Redis client: emits then reach the clients of every
        process through Redis (:class:`BoundedRedisManager`); None: this process only.
    """
    manager: socketio.AsyncManager = DirectSendManager()
    if redis is not None:
        manager = BoundedRedisManager(redis, settings.redis_url)
    sio = socketio.AsyncServer(
        async_mode="aiohttp",
        client_manager=manager,
        # Long-polling needs sticky sessions (Engine.IO sessions live in one process);
        # `websocket` alone suits balancers without them (docs/deploy.md).
        transports=list(settings.transports),
        # msgspec reads and writes every packet (and encodes wire structs directly).
        serializer=TextPacket,
        json=SocketJson,
        cors_allowed_origins=OriginPolicy(settings.allowed_origins),
        # Frames up to 1 MB are parsed so an over-long message gets a clear error ack
        # (text_too_long); bigger frames are abuse and close the connection.
        max_http_buffer_size=max(1_000_000, settings.max_message_length * 12 + 4096),
        ping_interval=25,
        ping_timeout=20,
        logger=False,
        engineio_logger=False,
    )
    return sio


def websocket_compression(enabled: bool) -> Middleware:
    """Return a middleware that declines permessage-deflate on the socket unless ``enabled``
    (only where :func:`install_quiet_websocket` could not: it declines it itself).

    Browsers always offer it, and aiohttp then keeps a compressor per connection: ~100 kB
    of memory per idle visitor (bench/README.md), for chat messages too short to gain from
    compression. Declining means handing engine.io the request without the offer.
    """

    @web.middleware
    def middleware(request: web.Request, handler: Handler) -> Awaitable[web.StreamResponse]:
        if (
            not enabled
            and request.path.startswith("/socket.io")
            and hdrs.SEC_WEBSOCKET_EXTENSIONS in request.headers
        ):
            headers = request.headers.copy()
            del headers[hdrs.SEC_WEBSOCKET_EXTENSIONS]
            request = request.clone(headers=headers)
        # Not awaited: no frame of ours for the visit's length (see web/middleware.py).
        return handler(request)

    return middleware
