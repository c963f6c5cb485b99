"""Tickets: one subject a requester needs a person for, numbered, with a status and SLA."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from ..errors import InvalidPayload
from .clock import format_ts

__all__ = [
    "ACTIVE",
    "TAGS_MAX",
    "Channel",
    "Claim",
    "Status",
    "Ticket",
    "TicketChanges",
    "TicketDraft",
    "TicketType",
    "clean_tags",
    "format_number",
]


class Status(StrEnum):
    """A ticket's status (the allowed moves are in :mod:`chatdesk.tickets`)."""

    NEW = "new"  # filed, nobody took it yet
    OPEN = "open"  # someone works on it
    PENDING = "pending"  # waiting on the requester (pauses the resolution clock)
    ON_HOLD = "on_hold"  # waiting on a third party
    RESOLVED = "resolved"  # answered; reopens when the requester replies
    CLOSED = "closed"  # done for good: a reply opens a follow-up ticket


#: Statuses of a ticket still being worked on (its SLA clocks run).
ACTIVE = frozenset({Status.NEW, Status.OPEN, Status.PENDING, Status.ON_HOLD})


class TicketType(StrEnum):
    """What kind of request a ticket is (the desk chooses which it offers)."""

    QUESTION = "question"
    INCIDENT = "incident"
    IDEA = "idea"
    COMPLAINT = "complaint"


class Channel(StrEnum):
    """Where a ticket came from."""

    CHAT = "chat"
    FORM = "form"
    EMAIL = "email"
    API = "api"
    PHONE = "phone"


class Claim(StrEnum):
    """The outcome of an operator taking (or being given) a conversation."""

    CLAIMED = "claimed"  # it is theirs now (or already was)
    TAKEN = "taken"  # someone else has it (or it is offered to someone else)
    FULL = "full"  # the operator is at capacity
    GONE = "gone"  # it is no longer waiting for a person


def format_number(number: int) -> str:
    """Return the ticket number as shown to people: ``#`` and six digits."""
    return f"#{number:06d}"


@dataclass(frozen=True, slots=True)
class TicketDraft:
    """What an escalation knows when it opens a ticket (the store gives it a number)."""

    subject: str
    department: str
    priority: str
    reason: str
    due_at: datetime | None = None
    resolution_due: datetime | None = None
    sla_alert_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class TicketChanges:
    """The fields of a ticket to change; ``None`` leaves a field as it is, and the names
    in ``cleared`` are set to nothing (``operator_id``, ``sla_paused_at``...)."""

    subject: str | None = None
    description: str | None = None
    requester_name: str | None = None
    requester_email: str | None = None
    requester_id: str | None = None
    department: str | None = None
    priority: str | None = None
    due_at: datetime | None = None
    status: Status | None = None
    type: TicketType | None = None
    operator_id: str | None = None
    fields: dict[str, str] | None = None
    resolution_due: datetime | None = None
    first_response_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    sla_paused_at: datetime | None = None
    paused_seconds: float | None = None
    sla_alert_at: datetime | None = None
    breached: frozenset[str] | None = None
    sla_warned: frozenset[str] | None = None
    status_at: datetime | None = None
    auto_close_at: datetime | None = None
    merged_into: str | None = None
    rating: int | None = None
    rating_comment: str | None = None
    rated_at: datetime | None = None
    cc: frozenset[str] | None = None
    tags: frozenset[str] | None = None
    hold_until: datetime | None = None
    cleared: frozenset[str] = frozenset()

    @classmethod
    def of(cls, **values: Any) -> TicketChanges:
        """Return the changes setting ``values``; a ``None`` value clears that field."""
        cleared = frozenset(k for k, v in values.items() if v is None)
        return cls(**{k: v for k, v in values.items() if v is not None}, cleared=cleared)

    def as_columns(self) -> dict[str, object]:
        """Return the fields to change, by name (cleared ones as None)."""
        found: dict[str, object] = {
            name: value
            for name in self.__slots__
            if name != "cleared" and (value := getattr(self, name)) is not None
        }
        found.update(dict.fromkeys(self.cleared))
        return found


@dataclass(frozen=True, slots=True)
class Ticket:
    """One subject a requester needs a person for.

    ``due_at`` is the first-response due time (its wire name, ``reply_expected_by``, is
    kept for the widget); ``resolution_due`` the resolution's, moved later by the business
    time spent pending (``paused_seconds``).
    """

    id: str
    number: int
    conversation_id: str | None
    subject: str
    department: str
    priority: str
    status: Status
    created_at: datetime
    updated_at: datetime
    due_at: datetime | None = None
    reason: str = ""
    requester_name: str = ""
    requester_email: str = ""
    description: str = ""
    operator_id: str | None = None
    first_response_at: datetime | None = None
    resolved_at: datetime | None = None
    rating: int | None = None
    rating_comment: str = ""
    type: TicketType = TicketType.QUESTION
    channel: Channel = Channel.CHAT
    requester_id: str | None = None
    organisation_id: str | None = None
    lang: str = ""
    fields: dict[str, str] = field(default_factory=dict)
    resolution_due: datetime | None = None
    sla_paused_at: datetime | None = None
    paused_seconds: float = 0.0
    breached: frozenset[str] = frozenset()
    sla_warned: frozenset[str] = frozenset()
    sla_alert_at: datetime | None = None
    status_at: datetime | None = None
    auto_close_at: datetime | None = None
    closed_at: datetime | None = None
    merged_into: str | None = None
    follow_up_of: str | None = None
    rated_at: datetime | None = None
    #: People in Cc of the thread (addresses): copies of replies, their answers accepted.
    cc: frozenset[str] = frozenset()
    #: The team's own labels (``outage-2026-12``, ``invoice``): operators see them only.
    tags: frozenset[str] = frozenset()
    #: On hold until then: the ticket comes back open, and its assignee is told.
    hold_until: datetime | None = None

    @property
    def label(self) -> str:
        """Return ``#000042``."""
        return format_number(self.number)

    @property
    def next_due(self) -> datetime | None:
        """Return the next target's due time: first response until answered, then
        resolution (None once resolved or closed)."""
        if self.status not in ACTIVE:
            return None
        if self.first_response_at is None and self.due_at is not None:
            return self.due_at
        return self.resolution_due

    def sla_payload(self) -> dict[str, Any]:
        """Return ``{first_response_due, resolution_due, breached, paused}``."""
        return {
            "first_response_due": _ts(self.due_at),
            "resolution_due": _ts(self.resolution_due),
            "breached": sorted(self.breached),
            "paused": self.sla_paused_at is not None,
        }

    def to_payload(self, *, private: bool = False) -> dict[str, Any]:
        """Return the ticket for the wire; ``private`` adds what only operators see."""
        payload: dict[str, Any] = {
            "number": self.label,
            "status": self.status.value,
            "priority": self.priority,
            "department": self.department,
            "subject": self.subject,
            "created_at": format_ts(self.created_at),
            # Promised to the visitor until a person answered (then kept: no more promise);
            # operators keep the target.
            "reply_expected_by": _ts(self.due_at)
            if private or self.first_response_at is None
            else None,
            "answered": self.first_response_at is not None,
        }
        if private:
            payload.update(
                id=self.id,
                reason=self.reason,
                requester_name=self.requester_name,
                requester_email=self.requester_email,
                description=self.description,
                operator_id=self.operator_id,
                first_response_at=_ts(self.first_response_at),
                rating=self.rating,
                rating_comment=self.rating_comment,
            )
        return payload


def _ts(value: datetime | None) -> str | None:
    return format_ts(value) if value else None


#: Tags on one ticket, at most.
TAGS_MAX = 10
#: A tag: a letter or digit, then letters, digits, ``-``, ``_`` or ``.``; 40 at most.
_TAG = re.compile(r"[^\W_][\w.-]{0,39}")


def clean_tags(tags: Iterable[str]) -> frozenset[str]:
    """Return tags as stored: lower-case, spaces inside one as ``-`` ("Panne réseau" is
    ``panne-réseau``), each once. :raises InvalidPayload: ``tags``, a wrong one or more
    than :data:`TAGS_MAX`."""
    kept: set[str] = set()
    for tag in tags:
        name = "-".join(tag.lower().split())
        if not name:
            continue
        if not _TAG.fullmatch(name):
            raise InvalidPayload(
                f"{tag[:50]!r}: a tag is letters, digits, '-', '_' or '.' (40 at most)",
                code="tags",
            )
        kept.add(name)
    if len(kept) > TAGS_MAX:
        raise InvalidPayload(f"at most {TAGS_MAX} tags on a ticket", code="tags")
    return frozenset(kept)
