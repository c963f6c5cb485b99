"""The embedded default store: one SQLite file in WAL mode, written by one thread."""

from __future__ import annotations

from pathlib import Path

from .audit import SqliteAudit
from .blocks import SqliteBlocks
from .consolesessions import SqliteConsoleSessions
from .conversations import SqliteConversations
from .feedback import SqliteFeedback
from .followers import SqliteFollowers
from .help import SqliteHelp
from .helpdesk import SqliteHelpdesk
from .hooks import SqliteHooks
from .imports import SqliteTicketImports
from .leases import SqliteLeases
from .mail import SqliteMail
from .migrations import migrate
from .notices import SqliteApiTokens, SqliteNotices
from .people import SqliteCanned, SqliteOperators, SqlitePresence
from .problems import SqliteProblems
from .queries import SqliteQueries
from .reports import SqliteReports
from .requesters import SqliteRequesters
from .retention import SqliteRetention
from .routing import SqliteRouting
from .savedviews import SqliteSavedViews
from .search import SqliteTicketQueries
from .tickets import SqliteNotes, SqliteTickets
from .worker import CACHE_MB, SqliteWorker

__all__ = ["SqliteStore"]


class SqliteStore:
    """:class:`~chatdesk.store.Store` on SQLite.

    Every method of every part is one job on the :class:`SqliteWorker` thread, so each is
    one transaction: atomic across tasks (and processes sharing the file, through SQLite's
    write lock).
    """

    name = "sqlite"

    def __init__(
        self, path: Path, *, synchronous: str = "normal", cache_mb: int = CACHE_MB
    ) -> None:
        self.path = path
        self._worker = worker = SqliteWorker(
            path, synchronous=synchronous, cache_mb=cache_mb, setup=migrate
        )
        self.conversations = SqliteConversations(worker)
        self.feedback = SqliteFeedback(worker)
        self.operators = SqliteOperators(worker)
        self.presence = SqlitePresence(worker)
        self.canned = SqliteCanned(worker)
        self.tickets = SqliteTickets(worker)
        self.notes = SqliteNotes(worker)
        self.routing = SqliteRouting(worker)
        self.queries = SqliteQueries(worker)
        self.leases = SqliteLeases(worker)
        self.helpdesk = SqliteHelpdesk(worker)
        self.ticket_queries = SqliteTicketQueries(worker)
        self.requesters = SqliteRequesters(worker)
        self.notices = SqliteNotices(worker)
        self.audit = SqliteAudit(worker)
        self.api_tokens = SqliteApiTokens(worker)
        self.reports = SqliteReports(worker)
        self.hooks = SqliteHooks(worker)
        self.followers = SqliteFollowers(worker)
        self.problems = SqliteProblems(worker)
        self.blocks = SqliteBlocks(worker)
        self.saved_views = SqliteSavedViews(worker)
        self.console_sessions = SqliteConsoleSessions(worker)
        self.imports = SqliteTicketImports(worker)
        self.retention = SqliteRetention(worker)
        self.mail = SqliteMail(worker)
        self.help = SqliteHelp(worker)

    async def open(self) -> None:
        """Open the file (creating or migrating the schema) and start the writer thread."""
        await self._worker.start()

    async def close(self) -> None:
        """Finish queued work, then close the file."""
        await self._worker.stop()

    async def ping(self) -> None:
        """Check the database answers."""
        await self._worker.run(lambda conn: conn.execute("SELECT 1").fetchone())
