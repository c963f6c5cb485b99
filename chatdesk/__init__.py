"""chatdesk: a self-hosted chatbot, live chat and ticketing desk."""

from __future__ import annotations

from .app import create_app
from .config import Settings
from .version import __version__

__all__ = ["Settings", "__version__", "create_app"]
