"""Typed keys for the shared objects the web handlers read from the application."""

from __future__ import annotations

from aiohttp import web

from ..bot.library import KnowledgeLibrary
from ..config import Settings
from ..metrics import Metrics
from ..services import Services

__all__ = ["LIBRARY", "METRICS", "SERVICES", "SETTINGS"]

SETTINGS = web.AppKey("settings", Settings)
SERVICES = web.AppKey("services", Services)
LIBRARY = web.AppKey("library", KnowledgeLibrary)
METRICS = web.AppKey("metrics", Metrics)
