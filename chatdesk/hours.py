"""Business hours: when the desk is open, and durations counted in open time only."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

import holidays

from .errors import ConfigError

__all__ = ["DAYS", "AroundTheClock", "BusinessHours", "Calendar"]

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

#: Looking further ahead than this for an open moment means the schedule never opens.
_HORIZON_DAYS = 3 * 366


@dataclass(frozen=True)
class BusinessHours:
    """A weekly schedule in a timezone, minus public holidays and extra closed dates.

    Blocks are local wall-clock times, so "9:00-18:00" stays 9:00-18:00 across daylight
    saving changes. Usage::

        hours = BusinessHours.weekdays("09:00", "18:00", country="BE")
        hours.is_open(now)
        hours.add_business_time(created, timedelta(hours=4))  # a first-response target
    """

    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/Brussels"))
    #: Seven tuples (Monday first) of (start, end) local times.
    week: tuple[tuple[tuple[time, time], ...], ...] = ()
    country: str = "BE"
    closed: frozenset[date] = frozenset()
    _calendar: holidays.HolidayBase | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(self.week) != 7:
            raise ConfigError("the weekly schedule needs seven days")
        if not any(self.week):
            raise ConfigError("the weekly schedule has no open hours")
        for blocks in self.week:
            for start, end in blocks:
                if not start < end:
                    raise ConfigError(f"an opening block ends before it starts: {start}-{end}")
        object.__setattr__(self, "_calendar", _holiday_calendar(self.country))

    @classmethod
    def weekdays(
        cls, start: str, end: str, *, country: str = "BE", timezone: str = "Europe/Brussels"
    ) -> BusinessHours:
        """Return Monday-Friday ``start``-``end`` hours (``"09:00"``, ``"18:00"``)."""
        block = ((time.fromisoformat(start), time.fromisoformat(end)),)
        return cls(ZoneInfo(timezone), (block,) * 5 + ((), ()), country)

    def is_holiday(self, day: date) -> bool:
        """Return whether ``day`` is a public holiday or an extra closed date."""
        return day in self.closed or (self._calendar is not None and day in self._calendar)

    def holiday_name(self, day: date) -> str | None:
        """Return the holiday's name on ``day``, if any."""
        if day in self.closed:
            return "closed"
        return None if self._calendar is None else self._calendar.get(day)

    def is_open(self, at: datetime) -> bool:
        """Return whether the desk is open at ``at`` (an aware datetime)."""
        return any(start <= at < end for start, end in self._blocks_on(self._local(at).date()))

    def next_open(self, at: datetime) -> datetime:
        """Return ``at`` if open, else the start of the next opening (in the desk's zone)."""
        for start, end in self._intervals_from(at):
            return max(start, at.astimezone(self.timezone)) if start <= at < end else start
        raise ConfigError("the schedule never opens")  # unreachable: checked in __post_init__

    def next_close(self, at: datetime) -> datetime | None:
        """Return when the current opening ends, or None if closed at ``at``."""
        for start, end in self._blocks_on(self._local(at).date()):
            if start <= at < end:
                return end
        return None

    def add_business_time(self, start: datetime, duration: timedelta) -> datetime:
        """Return the moment ``duration`` of open time after ``start``.

        A 4-hour target from Friday 16:00 with 9:00-18:00 hours lands on Monday 11:00.
        """
        remaining = duration
        for block_start, block_end in self._intervals_from(start):
            begin = max(block_start, start)
            available = block_end - begin
            if remaining <= available:
                return begin + remaining
            remaining -= available
        raise ConfigError("the schedule never opens")

    def business_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Return the open time between ``start`` and ``end``."""
        total = timedelta()
        for block_start, block_end in self._intervals_from(start):
            if block_start >= end:
                break
            total += min(block_end, end) - max(block_start, start)
        return total

    def add_business_days(self, start: datetime, days: int) -> datetime:
        """Return the same local time ``days`` business days after ``start``.

        A ticket filed while closed counts from the next opening (Friday 20:00 + 1
        business day: Tuesday 9:00). When the target day closes earlier than that time,
        its closing time is the answer.
        """
        local = self.next_open(start).astimezone(self.timezone)
        day, left = local.date(), days
        for _ in range(_HORIZON_DAYS):
            if left == 0:
                break
            day += timedelta(days=1)
            if self._blocks_on(day):
                left -= 1
        else:
            raise ConfigError("the schedule never opens")
        due = datetime.combine(day, local.time(), self.timezone)
        blocks = self._blocks_on(day)
        return min(due, blocks[-1][1]) if blocks else due

    def _intervals_from(self, at: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Yield opening intervals ending after ``at``, in order."""
        day = self._local(at).date()
        for offset in range(_HORIZON_DAYS):
            for start, end in self._blocks_on(day + timedelta(days=offset)):
                if end > at:
                    yield start, end

    def _blocks_on(self, day: date) -> Sequence[tuple[datetime, datetime]]:
        if self.is_holiday(day):
            return ()
        return [
            (datetime.combine(day, start, self.timezone), datetime.combine(day, end, self.timezone))
            for start, end in self.week[day.weekday()]
        ]

    def _local(self, at: datetime) -> datetime:
        if at.tzinfo is None:
            raise ValueError("business hours need an aware datetime")
        return at.astimezone(self.timezone)


class Calendar(Protocol):
    """What SLA arithmetic needs of a calendar: business hours, or round the clock."""

    @property
    def timezone(self) -> ZoneInfo:
        """The zone local times are read in."""
        ...

    def add_business_time(self, start: datetime, duration: timedelta) -> datetime:
        """Return the moment ``duration`` of open time after ``start``."""
        ...

    def business_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Return the open time between ``start`` and ``end``."""
        ...

    def add_business_days(self, start: datetime, days: int) -> datetime:
        """Return the same local time ``days`` business days after ``start``."""
        ...


@dataclass(frozen=True)
class AroundTheClock:
    """A calendar open every moment of every day (a 24/7 priority), in a timezone."""

    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/Brussels"))

    def add_business_time(self, start: datetime, duration: timedelta) -> datetime:
        """Return ``start + duration``."""
        return start + duration

    def business_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Return the time between ``start`` and ``end`` (never negative)."""
        return max(timedelta(), end - start)

    def add_business_days(self, start: datetime, days: int) -> datetime:
        """Return the same wall-clock time ``days`` days later (across DST changes)."""
        local = start.astimezone(self.timezone)
        return datetime.combine(local.date() + timedelta(days=days), local.timetz())


def _holiday_calendar(country: str) -> holidays.HolidayBase | None:
    if not country:
        return None
    try:
        return holidays.country_holidays(country)
    except NotImplementedError:
        raise ConfigError(f"no public holidays are known for country {country!r}") from None
