"""Typed keys for the shared objects the web handlers read from the application."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable

from aiohttp import web

from ..bot.library import KnowledgeLibrary
from ..config import Settings
from ..events import Event
from ..services import Services

__all__ = ["LIBRARY", "PUBLISH", "SERVICES", "SETTINGS", "Publish"]

#: Publishes a service's events (the realtime publisher's, set by the app: web handlers
#: must not import realtime).
Publish = Callable[[Iterable[Event]], Awaitable[None]]

SETTINGS = web.AppKey("settings", Settings)
SERVICES = web.AppKey("services", Services)
LIBRARY = web.AppKey("library", KnowledgeLibrary)
PUBLISH: web.AppKey[Publish] = web.AppKey("publish")
