"""Typed keys for the shared objects kept on the aiohttp application."""

from __future__ import annotations

import socketio
from aiohttp import web

from ..bot.library import KnowledgeLibrary
from ..config import Settings
from ..conversation import ConversationService
from ..realtime.operator import OperatorNamespace
from ..realtime.publish import Publisher
from ..realtime.visitor import VisitorNamespace
from ..services import Services
from ..store import Store

__all__ = [
    "CONVERSATIONS",
    "LIBRARY",
    "OPERATORS_NS",
    "PUBLISHER",
    "SERVICES",
    "SETTINGS",
    "SIO",
    "STORE",
    "VISITORS",
]

SETTINGS = web.AppKey("settings", Settings)
STORE = web.AppKey("store", Store)
CONVERSATIONS = web.AppKey("conversations", ConversationService)
SIO = web.AppKey("sio", socketio.AsyncServer)
LIBRARY = web.AppKey("library", KnowledgeLibrary)
VISITORS = web.AppKey("visitors", VisitorNamespace)
SERVICES = web.AppKey("services", Services)
PUBLISHER = web.AppKey("publisher", Publisher)
OPERATORS_NS = web.AppKey("operators_ns", OperatorNamespace)
