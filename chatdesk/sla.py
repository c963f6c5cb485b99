"""SLA arithmetic: due times, pauses, warnings and breaches of a ticket's two targets."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from .deskconfig import DeskConfig
from .models import ACTIVE, Status, Ticket, TicketChanges

__all__ = [
    "FIRST_RESPONSE",
    "RESOLUTION",
    "Alerts",
    "alert_at",
    "due_times",
    "first_alert",
    "sla_alerts",
    "sla_columns",
]

FIRST_RESPONSE = "first_response"
RESOLUTION = "resolution"


def due_times(
    config: DeskConfig, priority: str, start: datetime, department: str | None = None
) -> tuple[datetime, datetime]:
    """Return (first response due, resolution due) of a ticket of ``department`` filed at
    ``start`` (on its department's hours, or the desk's)."""
    targets = config.helpdesk.priorities[priority]
    calendar = config.calendar(priority, department)
    return targets.first_response.due(calendar, start), targets.resolution.due(calendar, start)


def first_alert(
    config: DeskConfig,
    priority: str,
    start: datetime,
    *,
    responded: bool = False,
    department: str | None = None,
) -> tuple[datetime, datetime, datetime | None]:
    """Return (first response due, resolution due, first alert moment) of a ticket filed
    at ``start`` (``responded``: the registration notice stopped the first clock)."""
    first, resolution = due_times(config, priority, start, department)
    responded_at = start if responded else None
    draft = Ticket("", 0, None, "", department or "", priority, Status.NEW, start, start,
                   due_at=first, resolution_due=resolution,
                   first_response_at=responded_at)  # fmt: skip
    return first, resolution, alert_at(config, draft)


def _running(ticket: Ticket) -> dict[str, datetime]:
    """Return the due time of each target whose clock runs now and is not breached."""
    found: dict[str, datetime] = {}
    if ticket.status not in ACTIVE:
        return found
    if (
        ticket.first_response_at is None
        and ticket.due_at is not None
        and FIRST_RESPONSE not in ticket.breached
    ):
        found[FIRST_RESPONSE] = ticket.due_at
    if (
        ticket.resolution_due is not None
        and ticket.sla_paused_at is None
        and RESOLUTION not in ticket.breached
    ):
        found[RESOLUTION] = ticket.resolution_due
    return found


def _warn_at(config: DeskConfig, ticket: Ticket, due: datetime) -> datetime:
    """Return when the configured share of the target from filing to ``due`` is used."""
    calendar = config.calendar(ticket.priority, ticket.department)
    span = calendar.business_time_between(ticket.created_at, due)
    return calendar.add_business_time(ticket.created_at, span * config.helpdesk.sla_warning)


def alert_at(config: DeskConfig, ticket: Ticket) -> datetime | None:
    """Return the next moment the SLA job must look at ``ticket`` (a warning or a
    breach), or None when no clock runs."""
    moments = [
        due if target in ticket.sla_warned else _warn_at(config, ticket, due)
        for target, due in _running(ticket).items()
    ]
    return min(moments, default=None)


@dataclass(frozen=True, slots=True)
class Alerts:
    """What the SLA job found for one ticket: targets to warn about, targets breached,
    and the changes recording them."""

    warnings: tuple[str, ...]
    breaches: tuple[str, ...]
    changes: TicketChanges


def sla_alerts(config: DeskConfig, ticket: Ticket, now: datetime) -> Alerts:
    """Return the warnings and breaches of ``ticket`` due at ``now`` (each once)."""
    warnings: list[str] = []
    breaches: list[str] = []
    for target, due in _running(ticket).items():
        if due <= now:
            breaches.append(target)
        elif target not in ticket.sla_warned and _warn_at(config, ticket, due) <= now:
            warnings.append(target)
    warned = ticket.sla_warned | set(warnings) | set(breaches)
    breached = ticket.breached | set(breaches)
    after = replace(ticket, sla_warned=frozenset(warned), breached=frozenset(breached))
    nxt = alert_at(config, after)
    changes = TicketChanges.of(
        sla_warned=frozenset(warned), breached=frozenset(breached), sla_alert_at=nxt
    )
    return Alerts(tuple(warnings), tuple(breaches), changes)


def sla_columns(
    config: DeskConfig, before: Ticket, after: Ticket, now: datetime
) -> dict[str, object]:
    """Return the SLA columns to write when ``before`` becomes ``after`` at ``now``.

    Pending pauses the resolution clock; leaving pending moves the resolution due time
    later by the business time spent pending. A new priority moves both due times (the
    first response's only while unanswered). The next alert moment is recomputed.
    """
    values: dict[str, object] = {}
    calendar = config.calendar(after.priority, after.department)
    if after.status is Status.PENDING and before.sla_paused_at is None:
        values["sla_paused_at"] = now
    elif after.status is not Status.PENDING and before.sla_paused_at is not None:
        spent = calendar.business_time_between(before.sla_paused_at, now)
        values["sla_paused_at"] = None
        values["paused_seconds"] = before.paused_seconds + spent.total_seconds()
        if before.resolution_due is not None:
            values["resolution_due"] = calendar.add_business_time(before.resolution_due, spent)
    if after.priority != before.priority or (
        after.department != before.department
        and config.hours_of(after.department) != config.hours_of(before.department)
    ):
        first, resolution = due_times(config, after.priority, after.created_at, after.department)
        paused_for = timedelta(seconds=float(values.get("paused_seconds", before.paused_seconds)))  # type: ignore[arg-type]
        if after.first_response_at is None:
            values["due_at"] = first
        values["resolution_due"] = calendar.add_business_time(resolution, paused_for)
    merged = replace(after, **values)  # type: ignore[arg-type]
    values["sla_alert_at"] = alert_at(config, merged)
    return values
