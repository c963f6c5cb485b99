"""Business hours: lunch breaks, Belgian public holidays, DST, business-time arithmetic."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from chatdesk.desk import DeskService
from chatdesk.deskconfig import DeskConfig
from chatdesk.errors import ConfigError
from chatdesk.hours import BusinessHours

BRUSSELS = ZoneInfo("Europe/Brussels")
LUNCH = ((time(9), time(12)), (time(13, 30), time(18)))


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=BRUSSELS)  # type: ignore[misc]


@pytest.fixture
def hours() -> BusinessHours:
    return BusinessHours(BRUSSELS, (LUNCH,) * 5 + ((), ()), "BE")


def test_lunch_break_is_closed(hours: BusinessHours) -> None:
    assert hours.is_open(at(2026, 11, 17, 11, 59))
    assert not hours.is_open(at(2026, 11, 17, 12, 0))
    assert not hours.is_open(at(2026, 11, 17, 13, 29))
    assert hours.is_open(at(2026, 11, 17, 13, 30))
    assert hours.next_open(at(2026, 11, 17, 12, 15)) == at(2026, 11, 17, 13, 30)
    assert hours.next_close(at(2026, 11, 17, 10, 0)) == at(2026, 11, 17, 12, 0)
    assert hours.next_close(at(2026, 11, 17, 12, 30)) is None
    # 1h30 of work from 11:30 = 30 min before lunch + 1h after it.
    assert hours.add_business_time(at(2026, 11, 17, 11, 30), timedelta(hours=1, minutes=30)) == at(
        2026, 11, 17, 14, 30
    )


def test_weekend(hours: BusinessHours) -> None:
    saturday = at(2026, 11, 21, 10, 0)
    assert not hours.is_open(saturday)
    assert hours.next_open(saturday) == at(2026, 11, 23, 9, 0)
    friday = at(2026, 11, 20, 17, 0)
    assert hours.add_business_time(friday, timedelta(hours=4)) == at(2026, 11, 23, 12, 0)


def test_belgian_public_holidays(hours: BusinessHours) -> None:
    armistice = at(2026, 11, 11, 10, 0)  # a Wednesday
    assert hours.is_holiday(armistice.date())
    assert not hours.is_open(armistice)
    assert hours.next_open(at(2026, 11, 10, 19, 0)) == at(2026, 11, 12, 9, 0)
    christmas_eve = at(2026, 12, 24, 17, 0)  # Thursday; Christmas Friday; then a weekend
    assert hours.add_business_time(christmas_eve, timedelta(hours=2)) == at(2026, 12, 28, 10, 0)
    assert hours.holiday_name(date(2026, 12, 25))


def test_extra_closed_dates() -> None:
    hours = BusinessHours(BRUSSELS, (LUNCH,) * 5 + ((), ()), "BE", frozenset({date(2026, 11, 18)}))
    assert not hours.is_open(at(2026, 11, 18, 10, 0))
    assert hours.next_open(at(2026, 11, 17, 19, 0)) == at(2026, 11, 19, 9, 0)


def test_dst_changes_keep_wall_clock_hours() -> None:
    # Sunday 29 March 2026 clocks go forward; Sunday 25 October 2026 they go back.
    hours = BusinessHours(BRUSSELS, (((time(9), time(18)),),) * 7, "")
    for day in (date(2026, 3, 29), date(2026, 10, 25)):
        start = at(day.year, day.month, day.day, 9, 0)
        assert hours.is_open(start) and not hours.is_open(start - timedelta(minutes=1))
        assert hours.business_time_between(start, at(day.year, day.month, day.day, 18, 0)) == (
            timedelta(hours=9)
        )
    # Over the night of the change, 24 business hours still span 9h+9h+6h of open time.
    saturday = at(2026, 3, 28, 9, 0)
    assert hours.add_business_time(saturday, timedelta(hours=24)) == at(2026, 3, 30, 15, 0)
    # In UTC the opening moved by an hour across the change.
    assert at(2026, 3, 27, 9, 0).utcoffset() == timedelta(hours=1)
    assert at(2026, 3, 30, 9, 0).utcoffset() == timedelta(hours=2)


def test_business_time_between(hours: BusinessHours) -> None:
    assert hours.business_time_between(at(2026, 11, 16, 8, 0), at(2026, 11, 16, 20, 0)) == (
        timedelta(hours=7, minutes=30)
    )
    assert (
        hours.business_time_between(at(2026, 11, 21, 8, 0), at(2026, 11, 22, 20, 0)) == timedelta()
    )


def test_invalid_schedules() -> None:
    with pytest.raises(ConfigError, match="no open hours"):
        BusinessHours(BRUSSELS, ((),) * 7)
    with pytest.raises(ConfigError, match="ends before it starts"):
        BusinessHours(BRUSSELS, (((time(18), time(9)),),) + ((),) * 6)
    with pytest.raises(ConfigError, match="holidays"):
        BusinessHours(BRUSSELS, (LUNCH,) * 7, "XX")
    with pytest.raises(ValueError, match="aware"):
        BusinessHours.weekdays("09:00", "18:00").is_open(datetime(2026, 1, 5, 10))


async def test_the_desk_status_follows_the_clock_to_the_second(hours: BusinessHours) -> None:
    """The status computes the hours once a second (every welcome asks): never staler."""
    now = [at(2026, 11, 17, 11, 59, 59).replace(microsecond=500_000)]
    desk = DeskService(DeskConfig(name="Desk", hours=hours), clock=lambda: now[0])
    before = await desk.status()
    assert before["open_now"] is True and before["status"] == "away"
    now[0] += timedelta(microseconds=400_000)  # the same second: the same answer
    assert await desk.status() == before
    now[0] += timedelta(microseconds=100_000)  # 12:00:00, lunch
    after = await desk.status()
    assert (after["open_now"], after["status"]) == (False, "closed")
    assert after["next_open"] is not None
    assert after["reply_expected_by"] != before["reply_expected_by"]
