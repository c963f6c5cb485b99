"""Domain records shared by services and stores: visitors, conversations, messages."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

__all__ = [
    "Author",
    "Conversation",
    "Message",
    "MessageDraft",
    "Miss",
    "Mode",
    "Visitor",
    "format_ts",
    "new_id",
    "parse_ts",
    "utcnow",
]


class Mode(StrEnum):
    """Who has a conversation (docs/protocol.md, `state`)."""

    BOT = "bot"  # the FAQ bot answers
    QUEUED = "queued"  # escalated, waiting in the queue for an operator
    LIVE = "live"  # an operator has it
    WAITING = "waiting"  # escalated while nobody could take it: the ticket waits
    CLOSED = "closed"  # an operator closed it; a new visitor message reopens it


class Author(StrEnum):
    """Who wrote a message."""

    VISITOR = "visitor"
    BOT = "bot"
    OPERATOR = "operator"
    SYSTEM = "system"


def utcnow() -> datetime:
    """Return the current time in UTC, to the millisecond (the precision we store)."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def new_id() -> str:
    """Return a new random identifier (32 hex characters)."""
    return uuid.uuid4().hex


def format_ts(ts: datetime) -> str:
    """Format a UTC time as ISO 8601 with milliseconds and a ``Z`` suffix."""
    return ts.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{ts.microsecond // 1000:03d}Z"


def parse_ts(text: str) -> datetime:
    """Parse a time written by :func:`format_ts`."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@dataclass(frozen=True, slots=True)
class Visitor:
    """Someone using the widget; known only by the signed token their browser keeps."""

    id: str
    created_at: datetime
    lang: str
    name: str = ""
    email: str = ""


@dataclass(frozen=True, slots=True)
class Conversation:
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


@dataclass(frozen=True, slots=True)
class MessageDraft:
    """A message before the store gives it its sequence number."""

    author: Author
    text: str
    client_id: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    id: str = field(default_factory=new_id)
    ts: datetime = field(default_factory=utcnow)


@dataclass(frozen=True, slots=True)
class Message:
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
    extra: dict[str, Any] = field(default_factory=dict)

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
class Operator:
    """A person answering conversations in the console."""

    id: str
    email: str
    name: str
    role: str  # "admin" or "operator"
    departments: tuple[str, ...]
    languages: tuple[str, ...]
    capacity: int | None = None  # None: the desk's default
    disabled: bool = False
    session_version: int = 1
    created_at: datetime | None = None

    @property
    def is_admin(self) -> bool:
        """Return whether the operator may manage the desk (canned responses...)."""
        return self.role == "admin"

    def to_payload(self) -> dict[str, Any]:
        """Return the operator as shown to other operators (no secrets)."""
        return {
            "id": self.id,
            "email": self.email,
            "name": self.name,
            "role": self.role,
            "departments": list(self.departments),
            "languages": list(self.languages),
            "capacity": self.capacity,
        }


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
class CannedResponse:
    """A reply operators insert by typing ``/shortcut``, per language."""

    shortcut: str
    lang: str
    text: str

    def to_payload(self) -> dict[str, str]:
        """Return the response as sent to the console."""
        return {"shortcut": self.shortcut, "lang": self.lang, "text": self.text}


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
