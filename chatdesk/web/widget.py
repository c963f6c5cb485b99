"""Serve the built widget bundle (``/widget.js``) and the demo site's assets."""

from __future__ import annotations

from aiohttp import web

__all__ = ["setup"]


def setup(app: web.Application) -> None:
    """Add the widget routes to ``app``."""
