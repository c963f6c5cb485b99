"""Ticket rules: the status state machine and first-response targets in business time."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from .deskconfig import PRIORITIES, DeskConfig
from .errors import Conflict, InvalidPayload
from .events import Event
from .inbox import Inbox
from .models import Operator, Status, TicketChanges, utcnow
from .sla import due_times
from .store import Store

__all__ = [
    "PRIORITIES",
    "SUBJECT_MAX",
    "TRANSITIONS",
    "TicketService",
    "check_transition",
    "due_at",
]

log = logging.getLogger(__name__)

#: Longest ticket subject, in characters.
SUBJECT_MAX = 200

#: Allowed moves; anything else is a Conflict (``invalid_transition``). Open goes back
#: to new when the ticket returns to a queue; resolved tickets reopen when the requester
#: comes back before they are closed; closed is final (a reply opens a follow-up).
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.NEW: frozenset(
        {Status.OPEN, Status.PENDING, Status.ON_HOLD, Status.RESOLVED, Status.CLOSED}
    ),
    Status.OPEN: frozenset(
        {Status.NEW, Status.PENDING, Status.ON_HOLD, Status.RESOLVED, Status.CLOSED}
    ),
    Status.PENDING: frozenset({Status.OPEN, Status.ON_HOLD, Status.RESOLVED, Status.CLOSED}),
    Status.ON_HOLD: frozenset({Status.OPEN, Status.PENDING, Status.RESOLVED, Status.CLOSED}),
    Status.RESOLVED: frozenset({Status.OPEN, Status.CLOSED}),
    Status.CLOSED: frozenset(),
}


def check_transition(current: Status, target: Status) -> None:
    """Raise :class:`Conflict` unless a ticket may go from ``current`` to ``target``."""
    if target is not current and target not in TRANSITIONS[current]:
        raise Conflict(
            f"a {current.value} ticket cannot become {target.value}", code="invalid_transition"
        )


def due_at(
    config: DeskConfig, created: datetime, priority: str, department: str | None = None
) -> datetime:
    """Return when the first response is due: the priority's target on its calendar
    (the department's hours, or the desk's)."""
    return due_times(config, priority, created, department)[0]


class TicketService:
    """Operators' changes to a conversation's ticket (subject, priority, department).

    :param inbox: refreshes what screens show after a change.
    """

    def __init__(
        self,
        store: Store,
        config: DeskConfig,
        inbox: Inbox,
        *,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.store = store
        self.config = config
        self.inbox = inbox
        self.clock = clock

    async def operator_changed(
        self,
        operator: Operator,
        conversation_id: str,
        *,
        subject: str | None = None,
        priority: str | None = None,
        department: str | None = None,
    ) -> list[Event]:
        """Change the conversation's current ticket; any operator may (as in a shared
        inbox). A new priority moves the reply target; a new department, the queue.

        :raises Conflict: ``no_ticket`` if the conversation has none.
        """
        ticket = await self.store.tickets.current_ticket(conversation_id)
        if ticket is None:
            raise Conflict("this conversation has no ticket", code="no_ticket")
        if department is not None and department not in self.config.departments:
            raise InvalidPayload(f"unknown department {department!r}")
        if priority is not None:
            self.config.helpdesk.check_priority(priority)
        # A new priority, or a department on other hours, moves the first response's due time.
        now_priority, now_department = priority or ticket.priority, department or ticket.department
        moved = now_priority != ticket.priority or self.config.hours_of(
            now_department
        ) != self.config.hours_of(ticket.department)
        changes = TicketChanges(
            subject=" ".join(subject.split())[:SUBJECT_MAX] if subject else None,
            priority=priority,
            department=department,
            due_at=due_at(self.config, ticket.created_at, now_priority, now_department)
            if moved
            else None,
        )
        await self.store.tickets.update_ticket(ticket.id, changes, self.clock())
        log.info("%s changed ticket %s: %s", operator.email, ticket.label, changes.as_columns())
        departments = {ticket.department, department or ticket.department}
        return await self.inbox.changed([conversation_id], departments=departments)
