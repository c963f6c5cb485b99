"""Tickets: what a visitor needs a person for, numbered, with a status and a due time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from .clock import format_ts

__all__ = ["Claim", "Status", "Ticket", "TicketChanges", "TicketDraft", "format_number"]


class Status(StrEnum):
    """A ticket's status (the allowed moves are in :mod:`chatdesk.tickets`)."""

    NEW = "new"  # opened, nobody took it yet
    OPEN = "open"  # an operator took it
    RESOLVED = "resolved"  # the operator closed the conversation
    CLOSED = "closed"  # done for good


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


@dataclass(frozen=True, slots=True)
class TicketChanges:
    """The fields of a ticket to change; ``None`` leaves a field as it is."""

    subject: str | None = None
    description: str | None = None
    requester_name: str | None = None
    requester_email: str | None = None
    department: str | None = None
    priority: str | None = None
    due_at: datetime | None = None

    def as_columns(self) -> dict[str, object]:
        """Return the fields to change, by name."""
        return {
            name: value for name in self.__slots__ if (value := getattr(self, name)) is not None
        }


@dataclass(frozen=True, slots=True)
class Ticket:
    """One subject a visitor needs a person for."""

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

    @property
    def label(self) -> str:
        """Return ``#000042``."""
        return format_number(self.number)

    def to_payload(self, *, private: bool = False) -> dict[str, Any]:
        """Return the ticket for the wire; ``private`` adds what only operators see."""
        payload: dict[str, Any] = {
            "number": self.label,
            "status": self.status.value,
            "priority": self.priority,
            "department": self.department,
            "subject": self.subject,
            "created_at": format_ts(self.created_at),
            "reply_expected_by": format_ts(self.due_at) if self.due_at else None,
        }
        if private:
            payload.update(
                id=self.id,
                reason=self.reason,
                requester_name=self.requester_name,
                requester_email=self.requester_email,
                description=self.description,
                operator_id=self.operator_id,
                first_response_at=(
                    format_ts(self.first_response_at) if self.first_response_at else None
                ),
                rating=self.rating,
                rating_comment=self.rating_comment,
            )
        return payload
