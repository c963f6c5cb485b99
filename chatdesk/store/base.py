"""The Store protocol: every persistent operation chatdesk needs, named for the domain."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from ..models import (
    CannedResponse,
    Conversation,
    Message,
    MessageDraft,
    Miss,
    Mode,
    Note,
    Operator,
    Visitor,
)
from ..tickets import Ticket, TicketDraft

__all__ = ["MAX_PAGE", "Claim", "Presence", "Store", "Summary"]

#: Most messages a single :meth:`Store.list_messages` call returns.
MAX_PAGE = 200


class Claim(StrEnum):
    """The outcome of an operator taking a conversation."""

    CLAIMED = "claimed"  # it is theirs now (or already was)
    TAKEN = "taken"  # someone else has it (or it is offered to someone else)
    FULL = "full"  # the operator is at capacity
    GONE = "gone"  # it is no longer waiting for a person


@dataclass(frozen=True, slots=True)
class Presence:
    """An operator's presence: status, open connections, when the last one closed."""

    status: str  # online, away, offline
    connections: int = 0
    left_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Summary:
    """A conversation as listed in the console: with its ticket and last message."""

    conversation: Conversation
    ticket: Ticket | None
    last_message: Message | None


class Store(Protocol):
    """Persistence for chatdesk. Each method is one atomic operation.

    Implementations must make every method safe to call concurrently from many
    processes: operations that read-then-write (sequence numbers, de-duplication)
    happen inside the store, never in a service. Usage::

        store = SqliteStore(path)
        await store.open()
        visitor, conversation = await store.create_visitor(lang="fr", page="", now=utcnow())
        message, created = await store.append_message(conversation.id, draft)
        await store.close()
    """

    #: Short backend name shown by ``/healthz``.
    name: str

    async def open(self) -> None:
        """Connect, and create or migrate the schema."""

    async def close(self) -> None:
        """Flush pending work and release connections."""

    async def ping(self) -> None:
        """Check the store answers; raise :class:`~chatdesk.errors.StoreError` if not."""

    async def create_visitor(
        self, *, lang: str, page: str, now: datetime
    ) -> tuple[Visitor, Conversation]:
        """Create a visitor and their first conversation together.

        :param lang: the visitor's language.
        :param page: the URL of the page the widget was opened on.
        :param now: creation time.
        """

    async def get_visitor(self, visitor_id: str) -> Visitor | None:
        """Return the visitor, or ``None`` if unknown (or forgotten)."""

    async def delete_visitor(self, visitor_id: str) -> None:
        """Delete the visitor with their conversations, messages and ratings (no error if
        unknown)."""

    async def current_conversation(self, visitor_id: str) -> Conversation | None:
        """Return the visitor's most recent conversation, or ``None``."""

    async def get_conversation(self, conversation_id: str) -> Conversation | None:
        """Return a conversation by id, or ``None``."""

    async def note_visit(self, conversation_id: str, *, lang: str, page: str) -> None:
        """Record the language and page of the visitor's latest connection."""

    async def append_message(
        self, conversation_id: str, draft: MessageDraft
    ) -> tuple[Message, bool]:
        """Store ``draft`` as the conversation's next message, atomically.

        Assigns ``seq`` = previous last seq + 1. When ``draft.client_id`` is set and a
        message from the same author with that client id exists in the conversation,
        nothing is stored and the existing message is returned.

        :returns: ``(message, created)``; ``created`` is False for a de-duplicated retry.
        :raises NotFound: if the conversation does not exist.
        """

    async def append_and_read(
        self, conversation_id: str, draft: MessageDraft
    ) -> tuple[Message, bool, Conversation]:
        """Like :meth:`append_message`, also returning the conversation as it is right after
        the append (in the same operation: no second round trip on the hot path)."""

    async def list_messages(
        self, conversation_id: str, *, since: int = 0, limit: int = 50
    ) -> tuple[list[Message], bool]:
        """Return messages with ``seq > since`` in order, at most ``limit`` (capped at
        :data:`MAX_PAGE`), and whether more follow."""

    async def set_mode(
        self, conversation_id: str, mode: Mode, *, expect: Mode | None = None
    ) -> bool:
        """Set who answers the conversation; with ``expect``, only if it is currently that.

        :returns: whether the mode was changed (False: the conversation was not in
            ``expect``, e.g. another process escalated it first).
        """

    async def count_bot_miss(self, conversation_id: str, *, missed: bool) -> int:
        """Add one to the bot's misses in a row (or reset them to 0); return the new count."""

    async def record_feedback(
        self, conversation_id: str, message_id: str, *, useful: bool, now: datetime
    ) -> None:
        """Store (or replace) a visitor's rating of a bot message of their conversation.

        :raises NotFound: if the message is not a bot message of that conversation.
        """

    async def record_choice(
        self, conversation_id: str, message_id: str, entry_id: str, now: datetime
    ) -> None:
        """Remember that the visitor picked ``entry_id`` (their message ``message_id``)."""

    async def feedback_summary(self) -> dict[str, tuple[int, int]]:
        """Return ``{entry_id: (useful, not useful)}`` over every rated bot answer."""

    # -- operators ---------------------------------------------------------------

    async def add_operator(self, operator: Operator, password_hash: str) -> None:
        """Create an operator. :raises Conflict: if the e-mail is taken."""

    async def get_operator(self, operator_id: str) -> Operator | None:
        """Return an operator by id."""

    async def operator_credentials(self, email: str) -> tuple[Operator, str] | None:
        """Return the operator with ``email`` and their password hash."""

    async def list_operators(self) -> list[Operator]:
        """Return every operator, by name."""

    async def update_operator(
        self, email: str, *, disabled: bool | None = None, password_hash: str | None = None
    ) -> Operator:
        """Disable/enable or set a password; either ends the operator's sessions."""

    async def operator_connected(self, operator_id: str) -> None:
        """Count one more console connection; an offline operator comes online."""

    async def operator_disconnected(self, operator_id: str, now: datetime) -> int:
        """Count one connection less; return how many remain (0: the grace period starts)."""

    async def set_presence(self, operator_id: str, status: str) -> None:
        """Set an operator's status (``online``, ``away`` or ``offline``)."""

    async def presence(self) -> dict[str, Presence]:
        """Return every known operator's presence."""

    async def expire_presence(self, left_before: datetime) -> list[str]:
        """Mark offline the operators whose last connection closed before ``left_before``."""

    async def note_login_failure(self, key: str, now: datetime, window: timedelta) -> int:
        """Count a failed login for ``key`` within ``window``; return the count."""

    async def login_failures(self, key: str, now: datetime, window: timedelta) -> int:
        """Return the failed logins for ``key`` within ``window``."""

    async def clear_login_failures(self, key: str) -> None:
        """Forget failed logins for ``key`` (after a success)."""

    async def list_canned(self, lang: str | None = None) -> list[CannedResponse]:
        """Return canned responses (of one language)."""

    async def save_canned(self, response: CannedResponse) -> None:
        """Create or replace a canned response."""

    async def delete_canned(self, shortcut: str, lang: str) -> bool:
        """Delete a canned response; return whether it existed."""

    # -- tickets and routing -----------------------------------------------------

    async def open_ticket(
        self, conversation_id: str, draft: TicketDraft, *, mode: Mode, now: datetime
    ) -> Ticket | None:
        """Atomically number a new ticket and hand the conversation over (``mode``).

        Returns None when the conversation is already with people (one ticket at a time).
        """

    async def current_ticket(self, conversation_id: str) -> Ticket | None:
        """Return the conversation's latest ticket."""

    async def update_ticket(self, ticket_id: str, now: datetime, **fields: object) -> Ticket:
        """Update contact details, description, department, priority or due time."""

    async def rate_ticket(self, ticket_id: str, score: int, comment: str, now: datetime) -> bool:
        """Store the visitor's rating of a resolved ticket, once; return whether stored."""

    async def note_first_response(self, conversation_id: str, now: datetime) -> None:
        """Record the first operator reply on the current ticket (if not yet recorded)."""

    async def claim_conversation(
        self, conversation_id: str, operator_id: str, *, capacity: int, now: datetime
    ) -> Claim:
        """Atomically give a queued or waiting conversation to an operator with capacity."""

    async def transfer_conversation(
        self,
        conversation_id: str,
        from_operator: str,
        to_operator: str,
        *,
        capacity: int,
        now: datetime,
    ) -> Claim:
        """Atomically move a live conversation between operators."""

    async def requeue_conversation(
        self,
        conversation_id: str,
        *,
        now: datetime,
        holder: str | None = None,
        department: str | None = None,
    ) -> bool:
        """Put a conversation back in the queue (only if ``holder`` still has it)."""

    async def finish_conversation(
        self, conversation_id: str, *, mode: Mode, now: datetime, holder: str | None = None
    ) -> Ticket | None:
        """End the people's part: ``mode`` closed or bot, ticket resolved; return it."""

    async def offer_conversation(
        self, conversation_id: str, operator_id: str, now: datetime
    ) -> bool:
        """Reserve a queued conversation for one operator (auto-assign)."""

    async def withdraw_offers(
        self, *, offered_before: datetime | None = None, conversation_id: str | None = None
    ) -> list[tuple[str, str]]:
        """Withdraw offers (expired ones, or one conversation's); return (conversation,
        operator) pairs."""

    async def queued_conversations(
        self, department: str | None = None, *, unoffered: bool = False
    ) -> list[Conversation]:
        """Return queued conversations by priority, then waiting time."""

    async def live_load(self) -> dict[str, int]:
        """Return each operator's number of live conversations."""

    async def operator_conversations(self, operator_id: str) -> list[Conversation]:
        """Return an operator's live conversations."""

    async def summaries(
        self,
        view: str,
        *,
        operator_id: str | None = None,
        limit: int = 100,
        conversation_id: str | None = None,
    ) -> list[Summary]:
        """List conversations for the console: ``queue``, ``mine`` or ``all``."""

    async def inbox_counts(self, operator_id: str) -> dict[str, int]:
        """Return the sizes of the console's three lists for an operator."""

    async def add_note(self, note: Note) -> tuple[Note, bool]:
        """Store a private note (de-duplicated on client id); return it and if created."""

    async def list_notes(self, conversation_id: str) -> list[Note]:
        """Return a conversation's private notes in order."""

    async def misses(self, *, since: datetime | None = None, limit: int = 5000) -> list[Miss]:
        """Return the bot's misses (newest first): questions it did not answer, answers
        rated 👎, conversations escalated because it was unsure or the visitor asked.

        :param since: only misses at or after this time.
        :param limit: at most this many.
        """
