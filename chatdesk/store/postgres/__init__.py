"""The shared store: PostgreSQL through a bounded asyncpg pool, for many processes."""

from __future__ import annotations

from ...errors import StoreError
from .audit import PostgresAudit
from .blocks import PostgresBlocks
from .consolesessions import PostgresConsoleSessions
from .conversations import PostgresConversations
from .database import Database
from .feedback import PostgresFeedback
from .followers import PostgresFollowers
from .help import PostgresHelp
from .helpdesk import PostgresHelpdesk
from .hooks import PostgresHooks
from .imports import PostgresTicketImports
from .leases import PostgresLeases
from .mail import PostgresMail
from .notices import PostgresApiTokens, PostgresNotices
from .people import PostgresCanned, PostgresOperators, PostgresPresence
from .problems import PostgresProblems
from .queries import PostgresQueries
from .reports import PostgresReports
from .requesters import PostgresRequesters
from .retention import PostgresRetention
from .routing import PostgresRouting
from .savedviews import PostgresSavedViews
from .schema import check_version, migrate, schema_version
from .search import PostgresTicketQueries
from .tickets import PostgresNotes, PostgresTickets

__all__ = ["PostgresStore", "migrate"]


class PostgresStore:
    """:class:`~chatdesk.store.Store` on PostgreSQL.

    Every method of every part is one statement or one transaction, atomic across the
    processes sharing the database; it returns once committed. The schema is created and
    upgraded only by ``chatdesk db migrate`` (:func:`migrate`): :meth:`open` refuses a
    database whose schema is not this code's. Usage::

        store = PostgresStore("postgresql://chatdesk@db/chatdesk", pool_size=10)
        await store.open()
    """

    name = "postgresql"

    def __init__(self, url: str, *, pool_size: int = 10) -> None:
        self._db = db = Database(url, pool_size=pool_size)
        self.conversations = PostgresConversations(db)
        self.feedback = PostgresFeedback(db)
        self.operators = PostgresOperators(db)
        self.presence = PostgresPresence(db)
        self.canned = PostgresCanned(db)
        self.tickets = PostgresTickets(db)
        self.notes = PostgresNotes(db)
        self.routing = PostgresRouting(db)
        self.queries = PostgresQueries(db)
        self.leases = PostgresLeases(db)
        self.helpdesk = PostgresHelpdesk(db)
        self.ticket_queries = PostgresTicketQueries(db)
        self.requesters = PostgresRequesters(db)
        self.notices = PostgresNotices(db)
        self.audit = PostgresAudit(db)
        self.api_tokens = PostgresApiTokens(db)
        self.reports = PostgresReports(db)
        self.hooks = PostgresHooks(db)
        self.followers = PostgresFollowers(db)
        self.problems = PostgresProblems(db)
        self.blocks = PostgresBlocks(db)
        self.saved_views = PostgresSavedViews(db)
        self.console_sessions = PostgresConsoleSessions(db)
        self.imports = PostgresTicketImports(db)
        self.retention = PostgresRetention(db)
        self.mail = PostgresMail(db)
        self.help = PostgresHelp(db)

    async def open(self) -> None:
        """Open the pool and check the schema's version.

        :raises ConfigError: if the schema is missing, behind or newer (naming the command
            to run).
        :raises StoreError: if the database cannot be reached.
        """
        await self._db.open()
        try:
            async with self._db.connection() as conn:
                check_version(await schema_version(conn))
        except BaseException:
            await self._db.close()
            raise

    async def close(self) -> None:
        """Wait for operations under way, then close every connection."""
        await self._db.close()

    async def ping(self) -> None:
        """Check the database answers."""
        async with self._db.connection() as conn:
            if await conn.fetchval("SELECT 1") != 1:
                raise StoreError("the database gave a wrong answer")
