"""Storage backends behind per-aggregate protocols; :func:`create_store` picks one."""

from __future__ import annotations

from ..config import Settings
from ..errors import ConfigError
from .base import Store
from .conversations import MAX_PAGE, ConversationStore, FeedbackStore
from .help import HelpStore
from .helpdesk import HelpdeskStore, TicketQueries
from .leases import LeaseStore
from .notices import ApiTokenStore, NoticeStore
from .people import CannedStore, OperatorStore, PresenceStore
from .queries import InboxQueries
from .requesters import RequesterStore
from .routing import RoutingStore
from .sqlite import SqliteStore
from .tickets import NoteStore, TicketStore

__all__ = [
    "MAX_PAGE",
    "ApiTokenStore",
    "CannedStore",
    "ConversationStore",
    "FeedbackStore",
    "HelpStore",
    "HelpdeskStore",
    "InboxQueries",
    "LeaseStore",
    "NoteStore",
    "NoticeStore",
    "OperatorStore",
    "PresenceStore",
    "RequesterStore",
    "RoutingStore",
    "SqliteStore",
    "Store",
    "TicketQueries",
    "TicketStore",
    "create_store",
]


def create_store(settings: Settings) -> Store:
    """Return the (unopened) store that ``settings`` ask for."""
    if settings.store == "sqlite":
        return SqliteStore(
            settings.data_dir / "chatdesk.sqlite3", synchronous=settings.sqlite_synchronous
        )
    raise ConfigError(f"CHATDESK_STORE={settings.store!r} is not available yet")
