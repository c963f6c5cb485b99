"""What the reports page reads: tickets per day and outcomes per group over a period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

__all__ = ["DayCounts", "Grouping", "Outcome", "ReportPeriod", "TimeSpent", "elapsed"]

#: How the outcomes table groups tickets.
Grouping = Literal["department", "operator", "priority", "tag"]


@dataclass(frozen=True, slots=True)
class ReportPeriod:
    """A period cut into days: ``days[i]`` to ``days[i + 1]`` is day ``i`` (UTC instants
    of the desk's local midnights, so a day of a DST change is 23 or 25 hours long)."""

    days: tuple[datetime, ...]

    @property
    def start(self) -> datetime:
        """Return the period's first instant."""
        return self.days[0]

    @property
    def end(self) -> datetime:
        """Return the instant after the period (exclusive)."""
        return self.days[-1]


@dataclass(frozen=True, slots=True)
class DayCounts:
    """One day of the period: tickets filed, closed, and SLA breaches recorded."""

    opened: int = 0
    closed: int = 0
    breaches: int = 0


@dataclass(frozen=True, slots=True)
class Outcome:
    """One group's figures over the period (``key`` None: tickets without one, such as
    unassigned ones). Each figure counts what happened in the period: a ticket filed
    before it and answered in it counts as a first response.

    Times are elapsed seconds (wall clock); ``*_met`` counts those within their target
    (the due time counted in business time when the ticket was filed).
    """

    key: str | None
    label: str
    opened: int = 0
    closed: int = 0
    first_responses: int = 0
    first_response_met: int = 0
    first_response_seconds: float | None = None
    resolutions: int = 0
    resolution_met: int = 0
    resolution_seconds: float | None = None
    breaches: int = 0
    ratings: int = 0
    rating_average: float | None = None
    satisfied: int = 0


@dataclass(frozen=True, slots=True)
class TimeSpent:
    """Minutes operators recorded on tickets (``time`` history rows) within a period, for
    one operator, one organisation (the ticket's, else its requester's; None: none) and one
    ticket (its id, number, subject and type: a complaint's subject is not for everyone)."""

    operator_id: str | None
    organisation_id: str | None
    ticket_id: str
    number: int
    subject: str
    type: str
    minutes: int


def elapsed(seconds: float) -> tuple[int, int, int]:
    """Return ``seconds`` as whole days, hours and minutes (rounded to the minute), as
    the reports say an elapsed time: ``3 d 4 h``, ``2 h 05 min``, ``12 min``."""
    days, rest = divmod(round(seconds / 60), 24 * 60)
    hours, minutes = divmod(rest, 60)
    return days, hours, minutes
