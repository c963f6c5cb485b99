"""Ticket rules: the status state machine and first-response targets in business time."""

from __future__ import annotations

from datetime import datetime

from .deskconfig import PRIORITIES, DeskConfig
from .errors import Conflict
from .models import Status

__all__ = ["PRIORITIES", "check_transition", "due_at"]

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


def due_at(config: DeskConfig, created: datetime, priority: str) -> datetime:
    """Return when the first response is due: the priority's target in business time."""
    return config.hours.add_business_time(created, config.targets[priority])
