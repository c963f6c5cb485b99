"""Typed keys for the shared objects the web handlers read from the application."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from aiohttp import web

from ..bot.library import KnowledgeLibrary
from ..config import Settings
from ..events import Event
from ..services import Services

__all__ = ["LIBRARY", "PUBLISH", "SERVICES", "SETTINGS", "EventSink"]


class EventSink(Protocol):
    """Publishes the events a service returned (the app's Publisher, which web handlers
    may not import: transports stay independent)."""

    async def __call__(self, events: Iterable[Event]) -> None:
        """Publish ``events`` in order."""
        ...


SETTINGS = web.AppKey("settings", Settings)
SERVICES = web.AppKey("services", Services)
LIBRARY = web.AppKey("library", KnowledgeLibrary)
PUBLISH = web.AppKey("publish", EventSink)
