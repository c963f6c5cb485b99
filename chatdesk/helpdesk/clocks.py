"""The helpdesk's clocks: SLA warnings and breaches, auto-close, the end of a hold
(periodic jobs), and the registration notice that stops the first-response clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from ..deskconfig import DeskConfig
from ..events import (
    Event,
    HoldEnded,
    SlaBreached,
    SlaWarning,
    TicketClosed,
    TicketStatusChanged,
    TicketUpdated,
)
from ..models import Status, TicketChanges, format_ts, utcnow
from ..sla import FIRST_RESPONSE, alert_at, sla_alerts
from ..store import Store
from .common import history

__all__ = ["SlaClocks"]


class SlaClocks:
    """Run by :class:`~chatdesk.jobs.JobRunner` under a lease (one process at a time);
    each warning and breach is recorded once on the ticket, with a history row."""

    def __init__(
        self, store: Store, config: DeskConfig, *, clock: Callable[[], datetime] = utcnow
    ) -> None:
        self.store = store
        self.config = config
        self.clock = clock

    async def check_sla(self) -> list[Event]:
        """Warn about targets past the configured share, record breaches."""
        now = self.clock()
        events: list[Event] = []
        for ticket in await self.store.helpdesk.sla_due(now):
            alerts = sla_alerts(self.config, ticket, now)
            rows = [
                history(ticket.id, "sla_warning", None, now, target=t) for t in alerts.warnings
            ] + [history(ticket.id, "sla_breach", None, now, target=t) for t in alerts.breaches]
            after = await self.store.helpdesk.change_ticket(
                ticket.id, alerts.changes, rows, expect=ticket.status, now=now
            )
            if after is None:
                continue  # changed meanwhile: the next turn looks again
            for target in alerts.warnings:
                due = ticket.due_at if target == FIRST_RESPONSE else ticket.resolution_due
                events.append(SlaWarning(after, target, due, after.operator_id, after.department))
            for target in alerts.breaches:
                due = ticket.due_at if target == FIRST_RESPONSE else ticket.resolution_due
                events.append(SlaBreached(after, target, due))
        return events

    async def auto_close(self) -> list[Event]:
        """Close pending and resolved tickets whose countdown ended without a reaction."""
        now = self.clock()
        events: list[Event] = []
        for ticket in await self.store.helpdesk.auto_close_due(now):
            changes = TicketChanges.of(
                status=Status.CLOSED, closed_at=now, auto_close_at=None, sla_alert_at=None
            )
            row = history(
                ticket.id, "auto_close", None, now, **{"from": ticket.status.value, "to": "closed"}
            )
            after = await self.store.helpdesk.change_ticket(
                ticket.id, changes, [row], expect=ticket.status, now=now
            )
            if after is not None:
                events += [
                    TicketStatusChanged(after, ticket.status, None, None),
                    TicketClosed(after, auto=True),
                ]
        return events

    async def wake_holds(self) -> list[Event]:
        """Open again the tickets on hold whose date has come (the assignee is told: a
        ``hold_ended`` history row for the mail, a :class:`HoldEnded` for the console)."""
        now = self.clock()
        events: list[Event] = []
        for ticket in await self.store.helpdesk.hold_due(now):
            until = ticket.hold_until or now
            changes = TicketChanges.of(status=Status.OPEN, hold_until=None)
            data = {"from": ticket.status.value, "to": "open", "until": format_ts(until)}
            row = history(ticket.id, "hold_ended", None, now, **data)
            after = await self.store.helpdesk.change_ticket(
                ticket.id, changes, [row], expect=Status.ON_HOLD, now=now
            )
            if after is not None:
                events += [
                    TicketStatusChanged(after, Status.ON_HOLD, None, None),
                    HoldEnded(after, until),
                ]
        return events

    async def registered(self, ticket_id: str, at: datetime) -> list[Event]:
        """The registration notice of a ticket went out at ``at`` (the "received" mail):
        with ``[helpdesk] first_response = "registration_notice"`` that is its first
        response, unless a person answered first. A notice that never left (e-mail off, a
        refusal) stops nothing: the requester was not told."""
        if self.config.helpdesk.first_response != "registration_notice":
            return []
        ticket = await self.store.helpdesk.get_ticket(ticket_id)
        if ticket is None or ticket.first_response_at is not None:
            return []
        answered = replace(ticket, first_response_at=at)
        changes = TicketChanges.of(
            first_response_at=at, sla_alert_at=alert_at(self.config, answered)
        )
        after = await self.store.helpdesk.change_ticket(
            ticket.id, changes, [], expect=ticket.status, now=at
        )
        return [TicketUpdated(after, ("sla",))] if after is not None else []
