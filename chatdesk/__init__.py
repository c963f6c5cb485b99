"""chatdesk: a self-hosted chatbot, live chat and ticketing desk."""

from __future__ import annotations

__version__ = "0.1.0"

from .app import create_app
from .config import Settings

__all__ = ["Settings", "__version__", "create_app"]
