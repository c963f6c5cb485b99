"""Typed keys for the shared objects kept on the aiohttp application."""

from __future__ import annotations

import socketio
from aiohttp import web

from ..config import Settings
from ..conversation import ConversationService
from ..store import Store

__all__ = ["CONVERSATIONS", "SETTINGS", "SIO", "STORE"]

SETTINGS = web.AppKey("settings", Settings)
STORE = web.AppKey("store", Store)
CONVERSATIONS = web.AppKey("conversations", ConversationService)
SIO = web.AppKey("sio", socketio.AsyncServer)
