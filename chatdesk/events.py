"""Domain events: what services report happened, for the transport layer to publish."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from .models import Author, Message

__all__ = ["ConversationEscalated", "Event", "MessagePosted", "TypingChanged"]


@dataclass(frozen=True, slots=True)
class Event:
    """Base of every domain event; ``name`` identifies the kind."""

    name: ClassVar[str] = "event"


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
class ConversationEscalated(Event):
    """The conversation must go to a person; from now on the bot stays silent.

    ``reason`` is ``visitor_request`` (asked for a person), ``entry`` (a topic marked
    ``escalate`` in the knowledge) or ``bot_unsure``.
    """

    name: ClassVar[str] = "conversation_escalated"
    conversation_id: str
    reason: str
    department: str
    priority: str
    entry_id: str | None = None
