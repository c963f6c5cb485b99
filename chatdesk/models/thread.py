"""A ticket's thread: its messages, its history of events, and the files attached."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from .clock import format_ts, new_id, new_sortable_id, utcnow

__all__ = [
    "PLAYED_TYPES",
    "PREVIEWED_TYPES",
    "Attachment",
    "AuthorKind",
    "NewAttachment",
    "TicketEvent",
    "TicketMessage",
]


class AuthorKind(StrEnum):
    """Who wrote a ticket message or caused a ticket event."""

    REQUESTER = "requester"
    OPERATOR = "operator"
    SYSTEM = "system"


@dataclass(frozen=True, slots=True)
class TicketMessage:
    """A message of a ticket's own thread; ``internal`` ones (operators' notes) are never
    shown to the requester. ``client_id`` makes a retried post idempotent (per author)."""

    ticket_id: str
    author: AuthorKind
    author_id: str | None
    text: str
    internal: bool = False
    author_name: str = ""
    client_id: str | None = None
    id: str = field(default_factory=new_sortable_id)
    ts: datetime = field(default_factory=utcnow)

    def to_payload(self) -> dict[str, Any]:
        """Return the message for the wire."""
        return {
            "id": self.id,
            "ticket_id": self.ticket_id,
            "author": self.author.value,
            "author_id": self.author_id,
            "author_name": self.author_name,
            "text": self.text,
            "internal": self.internal,
            "ts": format_ts(self.ts),
            "client_id": self.client_id,
        }


@dataclass(frozen=True, slots=True)
class TicketEvent:
    """One line of a ticket's history: who (``actor``), when, what (``kind`` and ``data``).

    Kinds: ``created``, ``status``, ``assignee``, ``priority``, ``department``, ``type``,
    ``subject``, ``fields``, ``merged_into``, ``merged_from``, ``follow_up``,
    ``sla_warning``, ``sla_breach``, ``auto_close``, ``csat``, ``requester``.
    """

    ticket_id: str
    kind: str
    actor: AuthorKind
    actor_id: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    id: str = field(default_factory=new_sortable_id)
    ts: datetime = field(default_factory=utcnow)

    def to_payload(self) -> dict[str, Any]:
        """Return the event for the wire."""
        return {
            "id": self.id,
            "ticket_id": self.ticket_id,
            "kind": self.kind,
            "actor": self.actor.value,
            "actor_id": self.actor_id,
            "data": self.data,
            "ts": format_ts(self.ts),
        }


#: Raster images (checked on their bytes; no SVG, which may carry scripts): the console shows
#: them inline in the thread, so an operator sees a screenshot without downloading it.
PREVIEWED_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
#: Videos every browser plays: the console gives them a player (a screen recording seen
#: where it was sent). QuickTime files stay downloads: browsers play few of them.
PLAYED_TYPES = frozenset({"video/mp4", "video/webm"})


@dataclass(frozen=True, slots=True)
class Attachment:
    """A stored file's description; its bytes live in the store beside it.

    ``content_type`` was sniffed from the bytes (never taken from the client).
    """

    id: str
    ticket_id: str
    message_id: str | None
    filename: str
    content_type: str
    size: int
    sha256: str
    created_at: datetime

    def to_payload(self) -> dict[str, Any]:
        """Return the attachment's description for the wire."""
        return {
            "id": self.id,
            "ticket_id": self.ticket_id,
            "message_id": self.message_id,
            "filename": self.filename,
            "content_type": self.content_type,
            "size": self.size,
            "sha256": self.sha256,
            "created_at": format_ts(self.created_at),
            "preview": "image"
            if self.content_type in PREVIEWED_TYPES
            else "video"
            if self.content_type in PLAYED_TYPES
            else None,
        }


@dataclass(frozen=True, slots=True)
class NewAttachment:
    """A checked file about to be stored (see :mod:`chatdesk.attachments`)."""

    filename: str
    content_type: str
    data: bytes
    sha256: str
    id: str = field(default_factory=new_id)

    @property
    def size(self) -> int:
        """Return the size in bytes."""
        return len(self.data)
