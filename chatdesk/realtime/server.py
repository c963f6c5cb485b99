"""Build the Socket.IO server; the client manager (in-memory or Redis) is chosen here."""

from __future__ import annotations

import socketio

from ..config import Settings
from .origins import OriginPolicy

__all__ = ["create_sio"]


def create_sio(settings: Settings) -> socketio.AsyncServer:
    """Return an AsyncServer for aiohttp, configured from ``settings``."""
    manager = None
    if settings.redis_url:
        manager = socketio.AsyncRedisManager(settings.redis_url)
    return socketio.AsyncServer(
        async_mode="aiohttp",
        client_manager=manager,
        cors_allowed_origins=OriginPolicy(settings.allowed_origins),
        # Frames up to 1 MB are parsed so an over-long message gets a clear error ack
        # (text_too_long); bigger frames are abuse and close the connection.
        max_http_buffer_size=max(1_000_000, settings.max_message_length * 12 + 4096),
        ping_interval=25,
        ping_timeout=20,
        logger=False,
        engineio_logger=False,
    )
