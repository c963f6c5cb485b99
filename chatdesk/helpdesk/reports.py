"""Reports: tickets per day and outcomes per department, operator and priority."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import get_args

from ..deskconfig import DeskConfig
from ..errors import InvalidPayload
from ..helpdeskconfig import Target
from ..models import (
    DayCounts,
    Grouping,
    Operator,
    Outcome,
    ReportPeriod,
    TicketType,
    TimeSpent,
    utcnow,
)
from ..store import Store

__all__ = ["DEFAULT_DAYS", "GROUPINGS", "MAX_DAYS", "Report", "ReportService", "for_reader"]

#: The period shown when none is asked for: the last 30 days, today included.
DEFAULT_DAYS = 30
#: The longest period one report covers.
MAX_DAYS = 366
GROUPINGS: tuple[Grouping, ...] = get_args(Grouping)


@dataclass(frozen=True, slots=True)
class Report:
    """A period's figures: per day, per group, and each priority's targets."""

    start: date
    end: date
    days: list[tuple[date, DayCounts]]
    outcomes: dict[Grouping, list[Outcome]]
    #: ``{priority: (first response, resolution)}`` targets.
    targets: dict[str, tuple[Target, Target]]
    #: Minutes recorded on tickets in the period, per operator, organisation and ticket.
    time: list[TimeSpent] = field(default_factory=list)

    def time_by(self, key: str) -> list[tuple[str | None, int]]:
        """Return the minutes recorded per ``operator_id`` or ``organisation_id``, the
        most first (None: no organisation, or an operator since removed)."""
        totals: dict[str | None, int] = {}
        for row in self.time:
            totals[getattr(row, key)] = totals.get(getattr(row, key), 0) + row.minutes
        return sorted(totals.items(), key=lambda item: (-item[1], item[0] is None, item[0] or ""))

    @property
    def total(self) -> Outcome:
        """Return the whole desk's figures (the per-department rows added up)."""
        rows = self.outcomes["department"]
        first = sum(o.first_responses for o in rows)
        resolved = sum(o.resolutions for o in rows)
        rated = sum(o.ratings for o in rows)
        return Outcome(
            None, "",
            opened=sum(o.opened for o in rows),
            closed=sum(o.closed for o in rows),
            first_responses=first,
            first_response_met=sum(o.first_response_met for o in rows),
            first_response_seconds=_mean(rows, "first_responses", "first_response_seconds"),
            resolutions=resolved,
            resolution_met=sum(o.resolution_met for o in rows),
            resolution_seconds=_mean(rows, "resolutions", "resolution_seconds"),
            breaches=sum(o.breaches for o in rows),
            ratings=rated,
            rating_average=_mean(rows, "ratings", "rating_average"),
            satisfied=sum(o.satisfied for o in rows),
        )  # fmt: skip


def _mean(rows: list[Outcome], count: str, average: str) -> float | None:
    """Return the average of per-group averages weighted by their counts."""
    n = int(sum(getattr(o, count) for o in rows))
    if not n:
        return None
    total = float(sum(getattr(o, count) * (getattr(o, average) or 0.0) for o in rows))
    return total / n


def for_reader(rows: list[TimeSpent], reader: Operator) -> list[TimeSpent]:
    """Return the time rows as ``reader`` may see them: a complaint's subject reads "—"
    unless they see complaints (its number and minutes stay: an invoice adds them up)."""
    if reader.sees_complaints:
        return rows
    return [replace(row, subject="—") if row.type == TicketType.COMPLAINT else row for row in rows]


class ReportService:
    """The reports page's figures over a period of days in the desk's time zone."""

    def __init__(
        self, store: Store, config: DeskConfig, *, clock: Callable[[], datetime] = utcnow
    ) -> None:
        self.store = store
        self.config = config
        self.clock = clock

    def period(self, start: date | None = None, end: date | None = None) -> tuple[date, date]:
        """Return the period asked for (default: the last :data:`DEFAULT_DAYS` days).

        :raises InvalidPayload: ``period`` when it ends before it starts or is longer
            than :data:`MAX_DAYS` days.
        """
        today = self.clock().astimezone(self.config.hours.timezone).date()
        end = end or today
        start = start or end - timedelta(days=DEFAULT_DAYS - 1)
        if start > end or (end - start).days + 1 > MAX_DAYS:
            raise InvalidPayload(
                f"a report covers 1 to {MAX_DAYS} days, from its start to its end",
                code="period",
            )
        return start, end

    def days(self, start: date, end: date) -> ReportPeriod:
        """Return the period from ``start`` to ``end`` (included) cut at local midnights."""
        zone = self.config.hours.timezone
        count = (end - start).days + 2
        return ReportPeriod(
            tuple(
                datetime.combine(start + timedelta(days=i), time(0), zone).astimezone(UTC)
                for i in range(count)
            )
        )

    async def time_spent(
        self, reader: Operator, start: date | None = None, end: date | None = None
    ) -> tuple[date, date, list[TimeSpent]]:
        """Return the period (see :meth:`period`) and the minutes recorded in it, a row per
        operator, organisation and ticket, as ``reader`` may see them (:func:`for_reader`)."""
        start, end = self.period(start, end)
        rows = await self.store.reports.time_spent(self.days(start, end))
        return start, end, for_reader(rows, reader)

    async def rule_counts(self) -> dict[str, int]:
        """Return how many tickets each of the desk's rules changed in the last
        :data:`DEFAULT_DAYS` days (rules that changed none are absent)."""
        return await self.store.reports.rule_counts(self.days(*self.period()))

    async def report(self, start: date | None = None, end: date | None = None) -> Report:
        """Return the figures of the period (see :meth:`period`)."""
        start, end = self.period(start, end)
        period = self.days(start, end)
        per_day = await self.store.reports.tickets_per_day(period)
        outcomes = {by: await self.store.reports.outcomes(period, by) for by in GROUPINGS}
        targets = {
            p: (c.first_response, c.resolution) for p, c in self.config.helpdesk.priorities.items()
        }
        days = [(start + timedelta(days=i), counts) for i, counts in enumerate(per_day)]
        time = await self.store.reports.time_spent(period)
        return Report(start, end, days, outcomes, targets, time)
