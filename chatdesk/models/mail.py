"""E-mail records: the outbox, the feed of changes that cause mail, held and seen mail."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from .clock import format_ts, new_id

__all__ = ["AddressKind", "Bounce", "FeedItem", "HeldMail", "MailState", "OrgAddress", "OutboxMail"]


class MailState(StrEnum):
    """Where an outgoing mail is."""

    QUEUED = "queued"  # to send (again) from ``next_attempt_at``
    SENT = "sent"  # the SMTP server took it
    FAILED = "failed"  # given up: an admin may retry it from the console


class AddressKind(StrEnum):
    """What an organisation's notification address receives."""

    BILLING = "billing"  # billing and orders
    SUPPORT = "support"  # service notices and support
    ABUSE = "abuse"  # abuse reports


@dataclass(frozen=True, slots=True)
class OutboxMail:
    """One mail to send, stored in the transaction of the change that causes it.

    Its ``id`` makes its ``Message-ID``, so a retry is the same mail; ``key`` (unique
    when given) makes enqueueing idempotent (``reminder:<ticket>:<auto_close_at>``).
    ``data`` holds what rendering needs beyond the store (a link, a message id...).
    """

    kind: str
    to: str
    lang: str
    created_at: datetime
    ticket_id: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    key: str | None = None
    state: MailState = MailState.QUEUED
    attempts: int = 0
    next_attempt_at: datetime | None = None
    last_error: str = ""
    sent_at: datetime | None = None
    id: str = field(default_factory=new_id)

    def to_payload(self) -> dict[str, Any]:
        """Return the mail's description for admins."""
        return {
            "id": self.id,
            "kind": self.kind,
            "to": self.to,
            "lang": self.lang,
            "ticket_id": self.ticket_id,
            "state": self.state.value,
            "attempts": self.attempts,
            "last_error": self.last_error,
            "created_at": format_ts(self.created_at),
            "sent_at": format_ts(self.sent_at) if self.sent_at else None,
        }


@dataclass(frozen=True, slots=True)
class FeedItem:
    """A change that may cause mail, written by the store in the change's transaction.

    ``source`` names the row (``ticket_event``, ``ticket_message``, ``invitation``,
    ``notice``) and ``ref_id`` its id; ``kind`` is the history kind (``created``,
    ``status``, ``auto_close``, ``merged_into``, ``assignee``, ``sla_warning``,
    ``sla_breach``) or ``reply`` (an operator's public message), ``requester_reply``,
    ``invitation``, ``notice``.
    """

    id: int
    source: str
    ref_id: str
    ticket_id: str | None
    kind: str
    data: dict[str, Any]
    created_at: datetime


@dataclass(frozen=True, slots=True)
class HeldMail:
    """A message from an unknown sender kept until they confirm (``verify`` policy)."""

    sender: str
    recipient: str
    raw: bytes
    created_at: datetime
    id: str = field(default_factory=new_id)


@dataclass(frozen=True, slots=True)
class OrgAddress:
    """An organisation's address for one kind of notification."""

    organisation_id: str
    kind: AddressKind
    email: str


@dataclass(frozen=True, slots=True)
class Bounce:
    """An address whose mail bounces (a delivery status notification said so)."""

    email: str
    since: datetime
    reason: str = ""
