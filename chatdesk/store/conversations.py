"""Store protocols for visitors, their conversations and messages, and the bot's records."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Literal, Protocol

from ..models import (
    MAX_PAGE,
    PEOPLE_MODES,
    Author,
    Conversation,
    LangSource,
    Message,
    MessageDraft,
    Miss,
    Mode,
    Visitor,
    Votes,
)

__all__ = [
    "BY_ACTIVITY",
    "FORGET_TRANSCRIPTS",
    "MARK_READ",
    "MAX_PAGE",
    "ConversationStore",
    "FeedbackStore",
    "ReadSide",
    "active_minute",
    "answered_by_people",
    "miss_change",
    "transcript_key",
]


#: Whose read mark :meth:`ConversationStore.mark_read` moves.
ReadSide = Literal["visitor", "operator"]
#: The statement moving it, per side ({p}: the dialect's placeholder; {f}: LEAST or min).
MARK_READ = {
    "visitor": "UPDATE conversations SET visitor_read_seq = {f}({p}1, last_seq),"
    " visitor_read_at = {p}2 WHERE id = {p}3 AND visitor_read_seq < {f}({p}1, last_seq)"
    " RETURNING visitor_read_seq",
    "operator": "UPDATE conversations SET operator_read_seq = {f}({p}1, last_seq),"
    " operator_read_at = {p}2 WHERE id = {p}3 AND operator_read_seq < {f}({p}1, last_seq)"
    " RETURNING operator_read_seq",
}


def answered_by_people(author: str) -> str:
    """Return the SQL value of ``answered_seq`` in a message's append (``author``: the
    placeholder of the message's author): a visitor's message in a conversation people
    have counts as answered once stored, and the bot's compare-and-set is not needed
    (one write per message instead of two). Both dialects; old values on the right."""
    people = ", ".join(f"'{mode.value}'" for mode in sorted(PEOPLE_MODES))
    return (
        f"CASE WHEN {author} = '{Author.VISITOR.value}' AND mode IN ({people})"
        " THEN last_seq + 1 ELSE answered_seq END"
    )


def active_minute(ts: str) -> str:
    """Return the minute of a stored time (``format_ts``'s text), which orders the inbox
    (its index moves once a minute per conversation, not at every message)."""
    return ts[:16]


def transcript_key(conversation_id: str, mail_id: str) -> str:
    """Return the outbox key of a conversation's transcript mail: the conversation's
    "forget me" finds its transcripts by it (the address typed goes with the visitor)."""
    return f"transcript:{conversation_id}:{mail_id}"


#: Parameter: a ``transcript_key`` prefix pattern (``transcript:<conversation id>:%``).
FORGET_TRANSCRIPTS = "DELETE FROM mail_outbox WHERE kind = 'transcript' AND dedupe_key LIKE {p}1"


#: The inbox's order by last activity: by the indexed minute, then within it exactly.
BY_ACTIVITY = "c.active_minute DESC, c.updated_at DESC"


def miss_change(misses: Sequence[bool]) -> tuple[bool, int]:
    """Return how the bot's misses in a row change after ``misses`` (in order; True: a
    miss): whether they start again from zero (there was a hit), then how many to add."""
    if False in misses:
        last_hit = len(misses) - 1 - misses[::-1].index(False)
        return True, len(misses) - last_hit - 1
    return False, len(misses)


class ConversationStore(Protocol):
    """Visitors, conversations and messages. Each method is one atomic operation.

    Implementations must make every method safe to call concurrently from many
    processes: read-then-write (sequence numbers, de-duplication) happens inside the
    store, never in a service. Usage::

        visitor, conversation = await store.conversations.create_visitor(
            lang="fr", page="", now=utcnow()
        )
        message, created = await store.conversations.append_message(conversation.id, draft)
    """

    async def create_visitor(
        self,
        *,
        lang: str,
        page: str,
        now: datetime,
        lang_source: LangSource = LangSource.DEFAULT,
    ) -> tuple[Visitor, Conversation]:
        """Create a visitor and their first conversation together.

        :param lang: the visitor's language.
        :param page: the URL of the page the widget was opened on.
        :param now: creation time.
        :param lang_source: where ``lang`` came from.
        """
        ...

    async def get_visitor(self, visitor_id: str) -> Visitor | None:
        """Return the visitor, or ``None`` if unknown (or forgotten)."""
        ...

    async def block_visitor(self, visitor_id: str, until: datetime | None, *, by: str = "") -> bool:
        """Block the visitor until ``until``, by operator ``by`` (a later block replaces
        it; None lifts it); False if unknown."""
        ...

    async def blocked_visitors(self, now: datetime) -> list[tuple[Visitor, str | None]]:
        """Return the visitors blocked at ``now``, each with their latest conversation's
        id, the block that ends first first."""
        ...

    async def delete_visitor(self, visitor_id: str) -> None:
        """Delete the visitor with their conversations, messages and ratings (no error if
        unknown); their tickets stay, without the conversation or contact details."""
        ...

    async def current_conversation(self, visitor_id: str) -> Conversation | None:
        """Return the visitor's most recent conversation, or ``None``."""
        ...

    async def get_conversation(self, conversation_id: str) -> Conversation | None:
        """Return a conversation by id, or ``None``."""
        ...

    async def note_visit(
        self,
        conversation_id: str,
        *,
        lang: str,
        page: str,
        lang_source: LangSource | None = None,
    ) -> None:
        """Record the conversation's language (and, when given, where it came from) and the
        page of the visitor's latest connection."""
        ...

    async def mark_read(
        self, conversation_id: str, seq: int, at: datetime, *, side: ReadSide = "visitor"
    ) -> int | None:
        """Record that the visitor (or, ``side="operator"``, the operator who has it) has
        seen the conversation up to ``seq`` (at most its last message) at ``at``; return
        the new mark, or None when it did not move (an older or equal ``seq``, an unknown
        conversation)."""
        ...

    async def append_message(
        self, conversation_id: str, draft: MessageDraft
    ) -> tuple[Message, bool]:
        """Store ``draft`` as the conversation's next message, atomically.

        Assigns ``seq`` = previous last seq + 1. When ``draft.client_id`` is set and a
        message from the same author with that client id exists in the conversation,
        nothing is stored and the existing message is returned. A visitor's message in a
        conversation people have (queued, live, waiting) counts as answered once stored:
        ``answered_seq`` moves to it in the same write (the bot does not answer there).

        :returns: ``(message, created)``; ``created`` is False for a de-duplicated retry.
        :raises NotFound: if the conversation does not exist.
        """
        ...

    async def append_and_read(
        self, conversation_id: str, draft: MessageDraft
    ) -> tuple[Message, bool, Conversation]:
        """Like :meth:`append_message`, also returning the conversation as it is right after
        the append (in the same operation: no second round trip on the hot path)."""
        ...

    async def append_replies(
        self,
        conversation_id: str,
        drafts: Sequence[MessageDraft],
        *,
        answered_from: int,
        answered_to: int,
        misses: Sequence[bool] = (),
    ) -> list[Message] | None:
        """Store the responder's replies to the visitor's messages up to ``answered_to``.

        A compare-and-set on the conversation's ``answered_seq``: only if it still is
        ``answered_from`` are the drafts appended (contiguously, in order) and
        ``answered_seq`` set to ``answered_to``; otherwise nothing is stored and ``None``
        returned (another process answered meanwhile). So every visitor message is
        answered once, in order, whichever process answers it.

        ``misses`` are the bot's misses (True) and hits (False) on those messages, in
        order: each miss adds one to the conversation's ``bot_misses``, a hit sets them
        back to zero (:func:`miss_change`). In the same write, so a question costs one
        round trip after the visitor's message.
        """
        ...

    async def list_messages(
        self, conversation_id: str, *, since: int = 0, limit: int = 50
    ) -> tuple[list[Message], bool]:
        """Return messages with ``seq > since`` in order, at most ``limit`` (clamped to
        1..:data:`MAX_PAGE`), and whether more follow."""
        ...

    async def set_mode(
        self, conversation_id: str, mode: Mode, *, expect: Mode | None = None
    ) -> bool:
        """Set who answers the conversation; with ``expect``, only if it is currently that.

        :returns: whether the mode was changed (False: the conversation was not in
            ``expect``, e.g. another process escalated it first).
        """
        ...


class FeedbackStore(Protocol):
    """What visitors tell the bot about its answers."""

    async def record_feedback(
        self, conversation_id: str, message_id: str, *, useful: bool, now: datetime
    ) -> None:
        """Store (or replace) a visitor's rating of a bot message of their conversation.

        :raises NotFound: if the message is not a bot message of that conversation.
        """
        ...

    async def record_choice(
        self, conversation_id: str, message_id: str, entry_id: str, now: datetime
    ) -> None:
        """Remember that the visitor picked ``entry_id`` (their message ``message_id``)."""
        ...

    async def feedback_summary(self) -> dict[str, tuple[int, int]]:
        """Return ``{entry_id: (useful, not useful)}`` over every rated bot answer."""
        ...

    async def record_page_vote(
        self, entry_id: str, lang: str, voter: str, *, useful: bool, now: datetime
    ) -> None:
        """Store (or replace) a help-centre reader's "was this helpful?" on an entry's page.

        :param voter: an opaque key of the reader (one vote per reader and entry).
        """
        ...

    async def votes(
        self, *, since: datetime | None = None, until: datetime | None = None
    ) -> dict[str, Votes]:
        """Return ``{entry_id: Votes}``: the bot's rated answers and the pages' votes given
        in the period (``since <= ts < until``; None leaves that side open)."""
        ...

    async def misses(self, *, since: datetime | None = None, limit: int = 5000) -> list[Miss]:
        """Return the visitor questions the bot served badly since ``since`` (newest first,
        at most ``limit``): a no-answer or suggestions only, a 👎 on its answer, or an
        escalation because it was unsure or the visitor asked (the visitor's last messages
        before the ticket). For ``chatdesk kb gaps``."""
        ...

    async def dismiss_misses(self, misses: Sequence[Miss], operator_id: str, now: datetime) -> None:
        """Leave ``misses`` out of the gaps from now on (by :attr:`Miss.key`; one already
        dismissed stays as it was)."""
        ...

    async def dismissed_misses(self, *, since: datetime | None = None) -> set[str]:
        """Return the keys of the dismissed misses asked at ``since`` or later."""
        ...
