"""Storage backends behind per-aggregate protocols; :func:`create_store` picks one."""

from __future__ import annotations

from ..config import Settings
from .audit import AuditStore
from .base import Store
from .blocks import BlockStore
from .consolesessions import ConsoleSessionStore
from .conversations import MAX_PAGE, ConversationStore, FeedbackStore
from .followers import FollowerStore
from .help import HelpStore
from .helpdesk import HelpdeskStore, TicketQueries
from .hooks import HookStore
from .imports import TicketImportStore
from .leases import LeaseStore
from .mail import MailStore
from .notices import ApiTokenStore, NoticeStore
from .people import CannedStore, OperatorStore, PresenceStore
from .postgres import PostgresStore
from .problems import ProblemStore
from .queries import InboxQueries
from .reports import ReportQueries
from .requesters import RequesterStore
from .retention import RetentionStore
from .routing import RoutingStore
from .savedviews import SavedViewStore
from .sqlite import SqliteStore
from .tickets import NoteStore, TicketStore

__all__ = [
    "MAX_PAGE",
    "ApiTokenStore",
    "AuditStore",
    "BlockStore",
    "CannedStore",
    "ConsoleSessionStore",
    "ConversationStore",
    "FeedbackStore",
    "FollowerStore",
    "HelpStore",
    "HelpdeskStore",
    "HookStore",
    "InboxQueries",
    "LeaseStore",
    "MailStore",
    "NoteStore",
    "NoticeStore",
    "OperatorStore",
    "PostgresStore",
    "PresenceStore",
    "ProblemStore",
    "ReportQueries",
    "RequesterStore",
    "RetentionStore",
    "RoutingStore",
    "SavedViewStore",
    "SqliteStore",
    "Store",
    "TicketImportStore",
    "TicketQueries",
    "TicketStore",
    "create_store",
]


def create_store(settings: Settings) -> Store:
    """Return the (unopened) store that ``settings`` ask for."""
    settings.validate()
    if settings.backend == "postgresql":
        return PostgresStore(settings.database_url, pool_size=settings.database_pool_size)
    return SqliteStore(
        settings.sqlite_path,
        synchronous=settings.sqlite_synchronous,
        cache_mb=settings.sqlite_cache_mb,
    )
