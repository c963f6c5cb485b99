"""chatdesk: a self-hosted chatbot, live chat and ticketing desk."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .version import __version__

if TYPE_CHECKING:
    from .app import create_app
    from .config import Settings

__all__ = ["Settings", "__version__", "create_app"]


def __getattr__(name: str) -> Any:
    # Lazy: importing one submodule (the CLI, a store) must not load the whole server.
    if name == "create_app":
        from .app import create_app

        return create_app
    if name == "Settings":
        from .config import Settings

        return Settings
    raise AttributeError(f"module 'chatdesk' has no attribute {name!r}")
