"""What a message does to its ticket: the columns and history rows posted with it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from ..deskconfig import DeskConfig
from ..models import Operator, Requester, Status, Ticket, TicketEvent, TicketMessage, TicketType
from ..tickets import check_transition
from .common import history
from .edits import added_tags, hold_values, status_values
from .edits import after as changed

__all__ = ["plan_reply"]


def plan_reply(
    config: DeskConfig,
    ticket: Ticket,
    author: Operator | Requester,
    message: TicketMessage,
    now: datetime,
    *,
    then: Status | None = None,
    tags: Sequence[str] = (),
    hold_until: str | None = None,
) -> tuple[dict[str, object], list[TicketEvent]]:
    """Return the columns and history rows of ``message`` on ``ticket`` (not closed).

    A requester's reply moves a pending or resolved ticket back to open. An operator's
    first public reply stops the first-response clock, opens a new ticket, and gives an
    unassigned one to its author. ``then``: the status the operator moves it to with the
    message; ``tags``: added to the ticket's; ``hold_until``: the date a ticket on hold
    after it waits until (``""``: none any more).

    :raises Conflict: ``invalid_transition`` when ``then`` is not a move the ticket's
        status (after the reply's own move) allows.
    :raises InvalidPayload: ``tags``, ``hold_until``.
    """
    operator = author if isinstance(author, Operator) else None
    values: dict[str, object] = {}
    rows: list[TicketEvent] = []
    if operator is None and ticket.status in (Status.PENDING, Status.RESOLVED):
        values, rows = status_values(config, ticket, Status.OPEN, author, now)
    elif operator is not None and not message.internal:
        if ticket.first_response_at is None:
            values["first_response_at"] = now
        if ticket.status is Status.NEW:
            moved, rows = status_values(config, ticket, Status.OPEN, author, now)
            values.update(moved)
        if ticket.operator_id is None and _may_take(ticket, operator):
            # Whoever answers an unassigned ticket takes it: none sits answered, ownerless.
            values["operator_id"] = operator.id
            data = {"from": None, "to": operator.id}
            rows.append(history(ticket.id, "assignee", operator, now, **data))
    if then is not None and then is not changed(ticket, values).status:
        replied = changed(ticket, values)
        check_transition(replied.status, then)
        moved, more = status_values(config, replied, then, author, now)
        values.update(moved)
        if not message.internal:
            # The move names its public reply: mail tells both in one (planner.py).
            more = [replace(row, data={**row.data, "reply": message.id}) for row in more]
        rows += more
    if operator is not None:
        values.update(added_tags(ticket, tags, operator, now, rows))
        moved_to = changed(ticket, values).status
        held, more = hold_values(ticket, hold_until, moved_to, operator, now)
        values.update(held)
        rows += more
    return values, rows


def _may_take(ticket: Ticket, operator: Operator) -> bool:
    return ticket.type is not TicketType.COMPLAINT or operator.sees_complaints
