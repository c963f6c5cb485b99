"""Events of live chat and the console: messages, typing, read receipts, escalation, the
visitor's state, the inbox, presence, notes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from ..models import (
    Author,
    InboxView,
    Message,
    Note,
    PresenceStatus,
)
from .base import Event

__all__ = [
    "ChatMentioned",
    "ConversationChanged",
    "ConversationEscalated",
    "DeskChanged",
    "InboxCounts",
    "LanguageChanged",
    "MessagePosted",
    "NotePosted",
    "OperatorOffered",
    "OperatorRead",
    "PresenceChanged",
    "StateChanged",
    "TypingChanged",
    "VisitorBlocked",
    "VisitorRead",
]


@dataclass(frozen=True, slots=True)
class MessagePosted(Event):
    """A message was stored in a conversation."""

    name: ClassVar[str] = "message_posted"
    message: Message


@dataclass(frozen=True, slots=True)
class TypingChanged(Event):
    """Someone started or stopped typing; never stored."""

    name: ClassVar[str] = "typing_changed"
    conversation_id: str
    author: Author
    on: bool


@dataclass(frozen=True, slots=True)
class VisitorRead(Event):
    """The visitor has seen their conversation up to ``seq`` (a read receipt)."""

    name: ClassVar[str] = "visitor_read"
    conversation_id: str
    seq: int
    at: datetime


@dataclass(frozen=True, slots=True)
class OperatorRead(Event):
    """The operator who has the conversation has seen it up to ``seq``."""

    name: ClassVar[str] = "operator_read"
    conversation_id: str
    seq: int


@dataclass(frozen=True, slots=True)
class ConversationEscalated(Event):
    """The conversation must go to a person; from now on the bot stays silent.

    ``reason`` is ``visitor_request`` (asked for a person), ``entry`` (a topic marked
    ``escalate`` in the knowledge) or ``bot_unsure``; ``trigger_seq`` is the visitor
    message that caused it (None for the "Talk to a person" button).
    """

    name: ClassVar[str] = "conversation_escalated"
    conversation_id: str
    reason: str
    department: str
    priority: str
    entry_id: str | None = None
    trigger_seq: int | None = None


@dataclass(frozen=True, slots=True)
class StateChanged(Event):
    """A conversation's state (queue, operator, ticket...) changed; ``state`` is the new one."""

    name: ClassVar[str] = "state_changed"
    conversation_id: str
    state: dict[str, Any]


@dataclass(frozen=True, slots=True)
class VisitorBlocked(Event):
    """An operator blocked a chat visitor until ``until`` (abuse): their widgets are told
    and closed, and their connections refused until then."""

    name: ClassVar[str] = "visitor_blocked"
    visitor_id: str
    conversation_id: str
    until: datetime


@dataclass(frozen=True, slots=True)
class DeskChanged(Event):
    """The desk's status for visitors changed (online, away, closed)."""

    name: ClassVar[str] = "desk_changed"
    desk: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ConversationChanged(Event):
    """A conversation's summary changed; every operator's lists update from it."""

    name: ClassVar[str] = "conversation_changed"
    conversation_id: str
    summary: dict[str, Any]


@dataclass(frozen=True, slots=True)
class InboxCounts(Event):
    """The sizes of one operator's queue / mine / all lists."""

    name: ClassVar[str] = "inbox_counts"
    operator_id: str
    counts: dict[InboxView, int]


@dataclass(frozen=True, slots=True)
class OperatorOffered(Event):
    """A queued conversation is offered to one operator (auto-assign)."""

    name: ClassVar[str] = "operator_offered"
    operator_id: str
    conversation_id: str
    expires_at: str
    summary: dict[str, Any]


@dataclass(frozen=True, slots=True)
class PresenceChanged(Event):
    """An operator's presence changed."""

    name: ClassVar[str] = "presence_changed"
    operator_id: str
    name_: str
    status: PresenceStatus


@dataclass(frozen=True, slots=True)
class NotePosted(Event):
    """A private note was added; only operators hear it."""

    name: ClassVar[str] = "note_posted"
    note: Note


@dataclass(frozen=True, slots=True)
class ChatMentioned(Event):
    """A note on a chat names colleagues (``@Bob``): each is told in their console."""

    name: ClassVar[str] = "chat_mentioned"
    note: Note
    operator_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LanguageChanged(Event):
    """A conversation's language changed (the visitor chose it, or writes in it); every
    tab switches, with the bot's welcome in the new language."""

    name: ClassVar[str] = "language_changed"
    conversation_id: str
    lang: str
    welcome: dict[str, Any] | None
