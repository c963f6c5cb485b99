"""The Store: one object per backend holding a store for each aggregate."""

from __future__ import annotations

from typing import Protocol

from .audit import AuditStore
from .blocks import BlockStore
from .consolesessions import ConsoleSessionStore
from .conversations import ConversationStore, FeedbackStore
from .followers import FollowerStore
from .help import HelpStore
from .helpdesk import HelpdeskStore, TicketQueries
from .hooks import HookStore
from .imports import TicketImportStore
from .leases import LeaseStore
from .mail import MailStore
from .notices import ApiTokenStore, NoticeStore
from .people import CannedStore, OperatorStore, PresenceStore
from .problems import ProblemStore
from .queries import InboxQueries
from .reports import ReportQueries
from .requesters import RequesterStore
from .retention import RetentionStore
from .routing import RoutingStore
from .savedviews import SavedViewStore
from .tickets import NoteStore, TicketStore

__all__ = ["Store"]


class Store(Protocol):
    """A storage backend: its lifetime, and one store per aggregate.

    Services receive only the aggregate stores they need. Usage::

        store = SqliteStore(path)
        await store.open()
        visitor, conversation = await store.conversations.create_visitor(
            lang="fr", page="", now=utcnow()
        )
        await store.close()
    """

    #: Short backend name shown by ``/healthz``.
    name: str

    @property
    def conversations(self) -> ConversationStore:
        """Visitors, conversations and messages."""
        ...

    @property
    def feedback(self) -> FeedbackStore:
        """What visitors tell the bot."""
        ...

    @property
    def operators(self) -> OperatorStore:
        """Operator accounts."""
        ...

    @property
    def presence(self) -> PresenceStore:
        """Who is at their console."""
        ...

    @property
    def canned(self) -> CannedStore:
        """Canned responses."""
        ...

    @property
    def tickets(self) -> TicketStore:
        """Tickets."""
        ...

    @property
    def notes(self) -> NoteStore:
        """Private notes."""
        ...

    @property
    def routing(self) -> RoutingStore:
        """The queue, claims and offers."""
        ...

    @property
    def queries(self) -> InboxQueries:
        """The console's read models."""
        ...

    @property
    def leases(self) -> LeaseStore:
        """Leases of periodic jobs."""
        ...

    @property
    def helpdesk(self) -> HelpdeskStore:
        """Tickets as a channel: threads, history, files."""
        ...

    @property
    def ticket_queries(self) -> TicketQueries:
        """Ticket lists and full-text search."""
        ...

    @property
    def reports(self) -> ReportQueries:
        """The reports' figures."""
        ...

    @property
    def requesters(self) -> RequesterStore:
        """Requesters, organisations, invitations, seats."""
        ...

    @property
    def notices(self) -> NoticeStore:
        """Service notices."""
        ...

    @property
    def api_tokens(self) -> ApiTokenStore:
        """API tokens."""
        ...

    @property
    def audit(self) -> AuditStore:
        """The audit log."""
        ...

    @property
    def hooks(self) -> HookStore:
        """The webhooks' feed and deliveries."""
        ...

    @property
    def followers(self) -> FollowerStore:
        """Who follows which ticket."""
        ...

    @property
    def problems(self) -> ProblemStore:
        """Which tickets are linked to which problem ticket."""
        ...

    @property
    def blocks(self) -> BlockStore:
        """The senders the desk takes nothing from."""
        ...

    @property
    def imports(self) -> TicketImportStore:
        """Tickets imported from another helpdesk."""
        ...

    @property
    def saved_views(self) -> SavedViewStore:
        """The ticket lists operators saved."""
        ...

    @property
    def console_sessions(self) -> ConsoleSessionStore:
        """Operators' console sessions (one per sign-in and browser)."""
        ...

    @property
    def retention(self) -> RetentionStore:
        """What the retention policy deletes and anonymises."""
        ...

    @property
    def mail(self) -> MailStore:
        """The mail feed, outbox, inbound and held mail."""
        ...

    @property
    def help(self) -> HelpStore:
        """The help centre's views, searches and deflections."""
        ...

    async def open(self) -> None:
        """Connect, and create or migrate the schema."""
        ...

    async def close(self) -> None:
        """Flush pending work and release connections."""
        ...

    async def ping(self) -> None:
        """Check the store answers; raise :class:`~chatdesk.errors.StoreError` if not."""
        ...
