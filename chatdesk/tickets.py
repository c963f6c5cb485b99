"""Tickets: numbers, the status state machine, and first-response targets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from .deskconfig import PRIORITIES, DeskConfig
from .errors import Conflict
from .models import format_ts

__all__ = [
    "PRIORITIES",
    "Status",
    "Ticket",
    "TicketDraft",
    "check_transition",
    "due_at",
    "format_number",
]


class Status(StrEnum):
    """A ticket's status. The tickets issue adds pending, SLA timers and auto-close here."""

    NEW = "new"  # opened, nobody took it yet
    OPEN = "open"  # an operator took it
    RESOLVED = "resolved"  # the operator closed the conversation
    CLOSED = "closed"  # done for good


#: Allowed moves; anything else is a Conflict. Resolved tickets reopen when the
#: visitor comes back before they are closed.
_TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.NEW: frozenset({Status.OPEN, Status.RESOLVED, Status.CLOSED}),
    Status.OPEN: frozenset({Status.NEW, Status.RESOLVED, Status.CLOSED}),
    Status.RESOLVED: frozenset({Status.OPEN, Status.CLOSED}),
    Status.CLOSED: frozenset(),
}


def check_transition(current: Status, target: Status) -> None:
    """Raise :class:`Conflict` unless a ticket may go from ``current`` to ``target``."""
    if target is not current and target not in _TRANSITIONS[current]:
        raise Conflict(
            f"a {current.value} ticket cannot become {target.value}", code="invalid_transition"
        )


def format_number(number: int) -> str:
    """Return the ticket number as shown to people: ``#`` and six digits."""
    return f"#{number:06d}"


def due_at(config: DeskConfig, created: datetime, priority: str) -> datetime:
    """Return when the first response is due: the priority's target in business time."""
    return config.hours.add_business_time(created, config.targets[priority])


@dataclass(frozen=True, slots=True)
class TicketDraft:
    """What an escalation knows when it opens a ticket (the store gives it a number)."""

    subject: str
    department: str
    priority: str
    reason: str
    due_at: datetime | None = None


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
