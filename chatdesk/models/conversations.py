"""Visitors, their conversations and messages, and operators' private notes."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

import msgspec

from .clock import format_ts, new_sortable_id, utcnow

__all__ = [
    "MAX_PAGE",
    "MAX_SEQ",
    "PEOPLE_MODES",
    "Author",
    "BotMiss",
    "Conversation",
    "LangSource",
    "Message",
    "MessageDraft",
    "Miss",
    "Mode",
    "Note",
    "Visitor",
]

# Conversation, MessageDraft and Message are frozen msgspec Structs, not frozen
# dataclasses: each visitor message builds one of each, and a frozen dataclass's
# __init__ (an object.__setattr__ call per field) cost 4-9 µs of it against ~1 µs
# (bench/README.md, "Ninth pass"). Change them with msgspec.structs.replace.

#: Most messages one page of a conversation's history holds.
MAX_PAGE = 200
#: The highest sequence number a message can have (the stores' seq columns are 32-bit):
#: a client's larger ``since`` or read mark means "after the last", and is taken as this.
MAX_SEQ = 2**31 - 1


class Mode(StrEnum):
    """Who has a conversation (docs/protocol.md, `state`)."""

    BOT = "bot"  # the FAQ bot answers
    QUEUED = "queued"  # escalated, waiting in the queue for an operator
    LIVE = "live"  # an operator has it
    WAITING = "waiting"  # escalated while nobody could take it: the ticket waits
    CLOSED = "closed"  # an operator closed it; a new visitor message reopens it


#: The modes in which people, not the bot, answer the visitor.
PEOPLE_MODES = frozenset({Mode.QUEUED, Mode.LIVE, Mode.WAITING})


class LangSource(StrEnum):
    """Where a conversation's language came from; a source replaces the language only if
    it ranks at least as high as the current one (:attr:`rank`)."""

    DEFAULT = "default"  # the desk's default: nothing else was known
    BROWSER = "browser"  # the visitor's browser languages
    DETECTED = "detected"  # the language the visitor writes in, detected with confidence
    VISITOR = "visitor"  # the visitor chose it in the widget
    SITE = "site"  # the page embedding the widget says (``data-lang``): the strongest

    @property
    def rank(self) -> int:
        """Return how strong this source is (a higher rank is never replaced by a lower)."""
        return _LANG_RANK.index(self)


_LANG_RANK = [
    LangSource.DEFAULT,
    LangSource.BROWSER,
    LangSource.DETECTED,
    LangSource.VISITOR,
    LangSource.SITE,
]


class Author(StrEnum):
    """Who wrote a message."""

    VISITOR = "visitor"
    BOT = "bot"
    OPERATOR = "operator"
    SYSTEM = "system"


@dataclass(frozen=True, slots=True)
class Visitor:
    """Someone using the widget; known only by the signed token their browser keeps."""

    id: str
    created_at: datetime
    lang: str
    name: str = ""
    email: str = ""
    #: Blocked by an operator until then (the widget's connections are refused).
    blocked_until: datetime | None = None
    #: The id of the operator who blocked them.
    blocked_by: str = ""

    def blocked_at(self, now: datetime) -> bool:
        """Whether the visitor is blocked at ``now``."""
        return self.blocked_until is not None and now < self.blocked_until


class Conversation(msgspec.Struct, frozen=True):
    """One visitor's thread of messages; ``last_seq`` is the newest message's sequence."""

    id: str
    visitor_id: str
    created_at: datetime
    lang: str
    page: str = ""
    status: str = "open"
    last_seq: int = 0
    mode: Mode = Mode.BOT
    bot_misses: int = 0
    #: Routing, once escalated: the department and priority of the current ticket, when
    #: the conversation entered the queue, and the operator who has it (live).
    department: str = ""
    priority: str = ""
    queued_at: datetime | None = None
    operator_id: str | None = None
    #: The seq of the last visitor message the responder answered (see
    #: ``ConversationStore.append_replies``).
    answered_seq: int = 0
    lang_source: LangSource = LangSource.DEFAULT
    #: How far the visitor has seen the conversation (a ``seq``), and when they did.
    visitor_read_seq: int = 0
    visitor_read_at: datetime | None = None
    #: How far the operator who has it has seen it, and when.
    operator_read_seq: int = 0
    operator_read_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class BotMiss:
    """A responder's note on its answer to one message: ``missed`` adds one to the
    conversation's bot misses in a row, a hit sets them back to zero. Stored together
    with the replies (``ConversationStore.append_replies``), in the same write."""

    missed: bool


class MessageDraft(msgspec.Struct, frozen=True):
    """A message before the store gives it its sequence number."""

    author: Author
    text: str
    client_id: str | None = None
    extra: dict[str, Any] = msgspec.field(default_factory=dict)
    id: str = msgspec.field(default_factory=new_sortable_id)  # appended, never updated
    ts: datetime = msgspec.field(default_factory=utcnow)


class Message(msgspec.Struct, frozen=True):
    """A stored message. ``seq`` counts from 1 within its conversation, without gaps.

    ``extra`` holds author-specific fields (a bot answer's ``entry_id``, an operator's
    name...) that are sent to clients beside the core fields.
    """

    id: str
    conversation_id: str
    seq: int
    author: Author
    text: str
    ts: datetime
    client_id: str | None = None
    extra: dict[str, Any] = msgspec.field(default_factory=dict)

    def to_payload(self) -> dict[str, Any]:
        """Return the message as sent over the wire (see docs/protocol.md)."""
        payload: dict[str, Any] = dict(self.extra)
        payload.update(
            id=self.id,
            seq=self.seq,
            conversation_id=self.conversation_id,
            author=self.author.value,
            text=self.text,
            ts=format_ts(self.ts),
        )
        if self.client_id is not None:
            payload["client_id"] = self.client_id
        return payload


@dataclass(frozen=True, slots=True)
class Note:
    """A private note on a conversation: operators see it, the visitor never does."""

    id: str
    conversation_id: str
    operator_id: str
    operator_name: str
    text: str
    ts: datetime
    client_id: str | None = None

    def to_payload(self) -> dict[str, Any]:
        """Return the note as sent to operators."""
        return {
            "id": self.id,
            "conversation_id": self.conversation_id,
            "operator": {"id": self.operator_id, "name": self.operator_name},
            "text": self.text,
            "ts": format_ts(self.ts),
            "client_id": self.client_id,
            "internal": True,
        }


@dataclass(frozen=True, slots=True)
class Miss:
    """A visitor question the bot did not serve well, for learning from (``kb gaps``).

    ``kind`` is ``no_answer`` (the bot did not know, or only suggested), ``thumbs_down``
    (the visitor rated its answer 👎) or ``escalation`` (the conversation went to a person
    because the bot was unsure or the visitor asked); ``entry_id`` is the entry the bot
    answered with, if any.
    """

    text: str
    lang: str
    kind: str
    entry_id: str | None
    ts: datetime
    conversation_id: str = ""

    @property
    def key(self) -> str:
        """Return a name for this miss that stays the same between reads (its conversation,
        kind, time and text): what a dismissal remembers."""
        line = f"{self.conversation_id}\t{self.kind}\t{format_ts(self.ts)}\t{self.text}"
        return hashlib.sha256(line.encode("utf-8")).hexdigest()[:32]
