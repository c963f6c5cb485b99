"""Typed keys for the shared objects the web handlers read from the application."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from aiohttp import web

from ..bot.library import KnowledgeLibrary
from ..config import Settings
from ..events import Event
from ..services import Services

__all__ = ["LIBRARY", "PUBLISH", "SERVICES", "SETTINGS", "PublishHook"]


class PublishHook(Protocol):
    """The app's publisher, for handlers whose service returns events (web does not
    import realtime)."""

    async def __call__(self, events: Iterable[Event]) -> None:
        """Publish ``events`` to whoever should hear them."""
        ...


SETTINGS = web.AppKey("settings", Settings)
SERVICES = web.AppKey("services", Services)
LIBRARY = web.AppKey("library", KnowledgeLibrary)
PUBLISH = web.AppKey("publish", PublishHook)
