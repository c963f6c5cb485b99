"""Typed keys for the shared objects kept on the aiohttp application."""

from __future__ import annotations

import socketio
from aiohttp import web

from ..bot.library import KnowledgeLibrary
from ..config import Settings
from ..conversation import ConversationService
from ..realtime.visitor import VisitorNamespace
from ..store import Store

__all__ = ["CONVERSATIONS", "LIBRARY", "SETTINGS", "SIO", "STORE", "VISITORS"]

SETTINGS = web.AppKey("settings", Settings)
STORE = web.AppKey("store", Store)
CONVERSATIONS = web.AppKey("conversations", ConversationService)
SIO = web.AppKey("sio", socketio.AsyncServer)
LIBRARY = web.AppKey("library", KnowledgeLibrary)
VISITORS = web.AppKey("visitors", VisitorNamespace)
