"""Typed keys for the shared objects the web handlers read from the application."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from aiohttp import web

from ..bot.library import KnowledgeLibrary
from ..config import Settings
from ..events import Event
from ..metrics import Metrics
from ..services import Services

__all__ = ["EVENTS", "LIBRARY", "METRICS", "SERVICES", "SETTINGS", "EventSink"]


class EventSink(Protocol):
    """Where web handlers hand the events a service returned (the app's publisher)."""

    async def publish(self, events: Iterable[Event]) -> None:
        """Tell everyone concerned (sockets now, e-mail later)."""


SETTINGS = web.AppKey("settings", Settings)
SERVICES = web.AppKey("services", Services)
LIBRARY = web.AppKey("library", KnowledgeLibrary)
#: The app's publisher, seen by web handlers without importing realtime.
EVENTS: web.AppKey[EventSink] = web.AppKey("events")
METRICS = web.AppKey("metrics", Metrics)
