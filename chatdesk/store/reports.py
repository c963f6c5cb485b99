"""Store protocol for the reports' read model: tickets per day and outcomes per group."""

from __future__ import annotations

from typing import Protocol

from ..models import DayCounts, Grouping, Outcome, ReportPeriod, TimeSpent

__all__ = ["ReportQueries"]


class ReportQueries(Protocol):
    """Figures for the console's reports page; they change nothing.

    Usage::

        period = ReportPeriod((monday, tuesday, wednesday))  # two days
        days = await store.reports.tickets_per_day(period)   # [DayCounts, DayCounts]
        rows = await store.reports.outcomes(period, "department")
    """

    async def tickets_per_day(self, period: ReportPeriod) -> list[DayCounts]:
        """Return, for each day of ``period``, the tickets filed (``created_at``), closed
        (``closed_at``) and the SLA breaches recorded (``sla_breach`` history rows) in it.
        """
        ...

    async def outcomes(self, period: ReportPeriod, by: Grouping) -> list[Outcome]:
        """Return the figures of ``period`` per department, assignee or priority (the
        ticket's current one): only groups with something in the period, ordered by key
        (None last); an operator's ``label`` is their name.

        Each figure counts events within the period: filed, closed, first responses
        (``first_response_at``; met when not after ``due_at``), resolutions
        (``resolved_at``; met when not after ``resolution_due``), breaches recorded, and
        ratings given (``rated_at``; satisfied: 4 or 5).
        """
        ...

    async def time_spent(self, period: ReportPeriod) -> list[TimeSpent]:
        """Return the minutes recorded in ``period`` (``time`` history rows, by their
        time) per operator, organisation (the ticket's, else its requester's) and ticket,
        ordered by organisation (None last), ticket number, then operator."""
        ...

    async def rule_counts(self, period: ReportPeriod) -> dict[str, int]:
        """Return, per rule name, how many tickets the desk's rules changed in ``period``
        (``rule`` history rows, by their time); rules that changed none are absent."""
        ...
