"""Storage backends behind one protocol; :func:`create_store` picks the configured one."""

from __future__ import annotations

from ..config import Settings
from ..errors import ConfigError
from .base import MAX_PAGE, Claim, Presence, Store, Summary
from .sqlite import SqliteStore

__all__ = ["MAX_PAGE", "Claim", "Presence", "SqliteStore", "Store", "Summary", "create_store"]


def create_store(settings: Settings) -> Store:
    """Return the (unopened) store that ``settings`` ask for."""
    if settings.store == "sqlite":
        return SqliteStore(
            settings.data_dir / "chatdesk.sqlite3", synchronous=settings.sqlite_synchronous
        )
    raise ConfigError(f"CHATDESK_STORE={settings.store!r} is not available yet")
