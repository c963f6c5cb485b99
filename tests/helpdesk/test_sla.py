"""SLA arithmetic in business time, warnings and breaches, auto-close with a moved clock."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from chatdesk import Settings
from chatdesk.deskconfig import DeskConfig
from chatdesk.errors import InvalidPayload
from chatdesk.events import (
    HoldEnded,
    SlaBreached,
    SlaWarning,
    TicketClosed,
    TicketStatusChanged,
    TicketUpdated,
)
from chatdesk.helpdesk import Edit, NewTicket
from chatdesk.helpdeskconfig import HelpdeskConfig, PriorityConfig, Target
from chatdesk.hours import BusinessHours
from chatdesk.models import Status
from chatdesk.services import Services, build_services
from chatdesk.sla import due_times
from chatdesk.store import Store

from ..desk import Clock
from .conftest import config, operator, services

BRU = ZoneInfo("Europe/Brussels")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BRU)


def test_business_hours_skip_the_lunch_break() -> None:
    desk = config()
    first, _ = due_times(desk, "high", at("2026-11-17T10:30"))  # 4h from Tuesday 10:30
    assert first == at("2026-11-17T15:30")  # 2h before lunch, 2h after


def test_a_belgian_public_holiday_is_not_business_time() -> None:
    desk = config()
    # Wednesday 11 November 2026 is Armistice Day: Tuesday 16:00 + 4h = Thursday 11:00.
    first, _ = due_times(desk, "high", at("2026-11-10T16:00"))
    assert first == at("2026-11-12T11:00")
    _, resolution = due_times(desk, "urgent", at("2026-11-10T16:00"))  # 1 business day
    assert resolution == at("2026-11-12T16:00")


def test_daylight_saving_keeps_wall_clock_hours() -> None:
    desk = config()
    # Friday 23 October 2026 16:00 (UTC+2) + 4h: Monday 26 October 11:00 (UTC+1).
    first, _ = due_times(desk, "high", at("2026-10-23T16:00"))
    assert first == at("2026-10-26T11:00")
    assert first.astimezone(UTC).hour == 10
    _, resolution = due_times(desk, "high", at("2026-10-23T16:00"))  # 2 business days
    assert resolution == at("2026-10-27T16:00")


def test_n_business_days_land_at_the_same_time() -> None:
    desk = config()
    _, low = due_times(desk, "low", at("2026-11-17T10:30"))  # 10 business days
    assert low == at("2026-12-01T10:30")
    # Filed on Saturday: counted from Monday's opening.
    first, _ = due_times(desk, "normal", at("2026-11-21T10:00"))
    assert first == at("2026-11-24T09:00")


def test_a_24_7_priority_counts_every_hour() -> None:
    priorities = dict(HelpdeskConfig().priorities)
    priorities["urgent"] = PriorityConfig(
        "urgent", Target(timedelta(hours=1)), Target(days=1), around_the_clock=True
    )
    desk = config(priorities=priorities)
    first, resolution = due_times(desk, "urgent", at("2026-11-21T23:30"))  # Saturday night
    assert first == at("2026-11-22T00:30") and resolution == at("2026-11-22T23:30")
    first, _ = due_times(desk, "urgent", at("2026-10-25T01:30"))  # the DST night, 24/7
    assert first - at("2026-10-25T01:30") == timedelta(hours=1)


async def test_pending_pauses_the_resolution_clock(store: Store, clock: Clock) -> None:
    hd = services(store, clock)
    ann = await operator(hd, "Ann")
    clock.now = at("2026-11-17T10:30").astimezone(UTC)
    ticket, _ = await hd.helpdesk.filing.file(
        NewTicket(email="lea@example.be", subject="Lent", priority="high", fields={})
    )
    assert ticket.resolution_due == at("2026-11-19T10:30")
    await hd.helpdesk.tickets.reply(ticket.id, ann, "Quelle page ?")
    await hd.helpdesk.tickets.change(ann, ticket.id, Edit(status="pending"))
    clock.now = at("2026-11-18T10:30").astimezone(UTC)  # a whole business day pending
    lea = await hd.helpdesk.people.requester("lea@example.be")
    _, after, _ = await hd.helpdesk.tickets.reply(ticket.id, lea, "La page d'accueil")
    assert after.paused_seconds == 8 * 3600  # 9:00-18:00 minus lunch
    assert after.resolution_due == at("2026-11-20T10:30")


async def test_warning_then_breach_each_recorded_once(store: Store, clock: Clock) -> None:
    hd = services(store, clock)
    ann = await operator(hd, "Ann")
    clock.now = at("2026-11-17T10:00").astimezone(UTC)
    ticket, _ = await hd.helpdesk.filing.file(
        NewTicket(email="lea@example.be", subject="Panne", priority="urgent")
    )
    await hd.helpdesk.tickets.change(ann, ticket.id, Edit(assignee=ann.id))
    assert await hd.helpdesk.clocks.check_sla() == []
    clock.now = at("2026-11-17T10:48").astimezone(UTC)  # 80% of the hour
    (warning,) = await hd.helpdesk.clocks.check_sla()
    assert isinstance(warning, SlaWarning) and warning.target == "first_response"
    assert warning.operator_id == ann.id and warning.due == at("2026-11-17T11:00")
    assert await hd.helpdesk.clocks.check_sla() == []
    clock.now = at("2026-11-17T11:01").astimezone(UTC)
    (breach,) = await hd.helpdesk.clocks.check_sla()
    assert isinstance(breach, SlaBreached) and breach.ticket.breached == {"first_response"}
    assert await hd.helpdesk.clocks.check_sla() == []
    kinds = [e.kind for e in await store.helpdesk.list_ticket_events(ticket.id)]
    assert kinds.count("sla_warning") == 1 and kinds.count("sla_breach") == 1
    # Through the job runner too (its own turn and lease).
    clock.now = at("2026-11-18T09:49").astimezone(UTC)  # 80% of the resolution's day
    events = await hd.jobs.run_due()
    assert [(type(e), e.target) for e in events if isinstance(e, SlaWarning)] == [
        (SlaWarning, "resolution")
    ]


async def test_auto_close_after_five_business_days_without_reaction(
    store: Store, clock: Clock
) -> None:
    hd = services(store, clock)
    ann = await operator(hd, "Ann")
    clock.now = at("2026-11-17T10:00").astimezone(UTC)
    ticket, _ = await hd.helpdesk.filing.file(NewTicket(email="lea@example.be", subject="Q"))
    _, events = await hd.helpdesk.tickets.change(ann, ticket.id, Edit(status="resolved"))
    countdown = next(e for e in events if isinstance(e, TicketStatusChanged))
    assert countdown.auto_close_at == at("2026-11-24T10:00")  # said when, in the event
    clock.now = at("2026-11-24T09:59").astimezone(UTC)
    assert await hd.helpdesk.clocks.auto_close() == []
    clock.now = at("2026-11-24T10:00").astimezone(UTC)
    events = await hd.helpdesk.clocks.auto_close()
    closed = next(e for e in events if isinstance(e, TicketClosed))
    assert closed.auto and closed.ticket.status is Status.CLOSED
    assert "auto_close" in [e.kind for e in await store.helpdesk.list_ticket_events(ticket.id)]
    assert await hd.helpdesk.clocks.auto_close() == []


async def test_a_requester_reaction_stops_the_countdown(store: Store, clock: Clock) -> None:
    hd = services(store, clock)
    ann = await operator(hd, "Ann")
    ticket, _ = await hd.helpdesk.filing.file(NewTicket(email="lea@example.be", subject="Q"))
    await hd.helpdesk.tickets.change(ann, ticket.id, Edit(status="pending"))
    lea = await hd.helpdesk.people.requester("lea@example.be")
    await hd.helpdesk.tickets.reply(ticket.id, lea, "Réponse")
    clock.advance(days=30)
    assert await hd.helpdesk.clocks.auto_close() == []


async def test_registration_notice_stops_the_first_response_clock(
    store: Store, clock: Clock
) -> None:
    hd: Services = services(store, clock, first_response="registration_notice")
    ticket, _ = await hd.helpdesk.filing.file(NewTicket(email="lea@example.be", subject="Q"))
    assert ticket.first_response_at == ticket.created_at
    assert ticket.next_due == ticket.resolution_due
    # By mail (or the API) the requester learns the number from the "received" mail: the
    # clock stops when it goes out, unless a person answered first.
    mailed, _ = await hd.helpdesk.filing.file(
        NewTicket(email="lea@example.be", subject="Q", channel="email")
    )
    assert mailed.first_response_at is None and mailed.next_due == mailed.due_at
    clock.advance(minutes=3)
    [news] = await hd.helpdesk.clocks.registered(mailed.id, clock.now)
    after = await store.helpdesk.get_ticket(mailed.id)
    assert after is not None and after.first_response_at == clock.now
    assert after.next_due == after.resolution_due and news.ticket == after
    assert await hd.helpdesk.clocks.registered(mailed.id, clock.now) == []  # once


async def test_a_ticket_on_hold_until_a_date_comes_back_open(store: Store, clock: Clock) -> None:
    hd = services(store, clock)
    ann = await operator(hd, "Ann")
    clock.now = at("2026-11-17T10:00").astimezone(UTC)
    ticket, _ = await hd.helpdesk.filing.file(NewTicket(email="lea@example.be", subject="Q"))
    until = "2026-11-20T09:00:00+01:00"  # Friday morning in Brussels
    held, events = await hd.helpdesk.tickets.change(
        ann, ticket.id, Edit(status="on_hold", hold_until=until, assignee=ann.id)
    )
    assert held.status is Status.ON_HOLD and held.hold_until == at("2026-11-20T09:00")
    assert any(isinstance(e, TicketStatusChanged) for e in events)
    kinds = [e.kind for e in await store.helpdesk.list_ticket_events(ticket.id)]
    assert kinds[-2:] == ["status", "hold"]
    clock.now = at("2026-11-20T08:59").astimezone(UTC)
    assert await hd.helpdesk.clocks.wake_holds() == []
    clock.now = at("2026-11-20T09:00").astimezone(UTC)
    events = await hd.helpdesk.clocks.wake_holds()
    ended = next(e for e in events if isinstance(e, HoldEnded))
    assert ended.until == at("2026-11-20T09:00") and ended.ticket.operator_id == ann.id
    assert ended.ticket.status is Status.OPEN and ended.ticket.hold_until is None
    moved = next(e for e in events if isinstance(e, TicketStatusChanged))
    assert moved.before is Status.ON_HOLD
    [row] = [
        e for e in await store.helpdesk.list_ticket_events(ticket.id) if e.kind == "hold_ended"
    ]
    assert row.data == {"from": "on_hold", "to": "open", "until": "2026-11-20T08:00:00.000Z"}
    assert await hd.helpdesk.clocks.wake_holds() == []  # once


async def test_a_hold_date_is_checked_and_ends_with_the_status(store: Store, clock: Clock) -> None:
    hd = services(store, clock)
    ann = await operator(hd, "Ann")
    clock.now = at("2026-11-17T10:00").astimezone(UTC)
    ticket, _ = await hd.helpdesk.filing.file(NewTicket(email="lea@example.be", subject="Q"))
    refused = {
        "2026-11-20T09:00": "no zone",
        "vendredi": "not a date",
        "2026-11-17T08:00:00Z": "past",
        "2028-01-01T09:00:00Z": "more than a year ahead",
    }
    for given in refused:
        with pytest.raises(InvalidPayload) as caught:
            await hd.helpdesk.tickets.change(
                ann, ticket.id, Edit(status="on_hold", hold_until=given)
            )
        assert caught.value.code == "hold_until"
    with pytest.raises(InvalidPayload):  # only a ticket on hold waits until a date
        await hd.helpdesk.tickets.change(ann, ticket.id, Edit(hold_until="2026-11-20T09:00Z"))
    after = await store.helpdesk.get_ticket(ticket.id)
    assert after is not None and after.status is Status.NEW  # nothing changed
    await hd.helpdesk.tickets.change(
        ann, ticket.id, Edit(status="on_hold", hold_until="2026-11-20T09:00Z")
    )
    # The date alone changes (a TicketUpdated), then goes ("": no date any more).
    moved, events = await hd.helpdesk.tickets.change(
        ann, ticket.id, Edit(hold_until="2026-11-23T09:00Z")
    )
    assert moved.hold_until == datetime(2026, 11, 23, 9, tzinfo=UTC)
    assert [type(e) for e in events] == [TicketUpdated]
    cleared, _ = await hd.helpdesk.tickets.change(ann, ticket.id, Edit(hold_until=""))
    assert cleared.hold_until is None and cleared.status is Status.ON_HOLD
    # Leaving the hold ends its date.
    await hd.helpdesk.tickets.change(ann, ticket.id, Edit(hold_until="2026-11-23T09:00Z"))
    opened, _ = await hd.helpdesk.tickets.change(ann, ticket.id, Edit(status="open"))
    assert opened.hold_until is None
    clock.advance(days=30)
    assert await hd.helpdesk.clocks.wake_holds() == []
    rows = [e for e in await store.helpdesk.list_ticket_events(ticket.id) if e.kind == "hold"]
    assert [r.data["to"] for r in rows] == [
        "2026-11-20T09:00:00.000Z",
        "2026-11-23T09:00:00.000Z",
        None,
        "2026-11-23T09:00:00.000Z",
    ]


def _round_the_clock_technical() -> DeskConfig:
    """The test desk's hours, with a technical department open 24/7."""
    desk = config()
    whole_day = ((time(0), time.max),)
    return replace(
        desk,
        department_hours={"technical": BusinessHours(BRU, (whole_day,) * 7, "", frozenset())},
    )


def test_a_department_s_own_hours_set_its_targets() -> None:
    desk = _round_the_clock_technical()
    saturday = at("2026-11-21T10:00")
    technical, _ = due_times(desk, "normal", saturday, "technical")
    general, _ = due_times(desk, "normal", saturday, "general")
    assert technical == saturday + desk.targets["normal"].nominal  # counted every hour
    assert general == due_times(desk, "normal", saturday)[0] > technical  # the desk's week


async def test_a_ticket_counts_on_its_department_s_hours(store: Store, clock: Clock) -> None:
    settings = Settings(secret_key="s" * 40, knowledge_dir=None)
    hd = build_services(settings, _round_the_clock_technical(), store, None, clock=clock)
    ann = await operator(hd, "Ann")
    saturday = at("2026-11-21T10:00")
    clock.now = saturday.astimezone(UTC)
    night, _ = await hd.helpdesk.filing.file(
        NewTicket(email="lea@example.be", subject="Down", department="technical")
    )
    target = hd.config.targets["normal"].nominal
    assert night.due_at == saturday + target
    # Moved to a department on the desk's week, unanswered: due on Monday's hours.
    _, events = await hd.helpdesk.tickets.change(ann, night.id, Edit(department="general"))
    moved = next(e for e in events if isinstance(e, TicketUpdated)).ticket
    assert moved.due_at == due_times(hd.config, "normal", saturday)[0] > saturday + target
    # Resolved in a 24/7 department, it closes five days later, weekend or not.
    back, _ = await hd.helpdesk.tickets.change(ann, night.id, Edit(department="technical"))
    assert back.due_at == saturday + target
    _, events = await hd.helpdesk.tickets.change(ann, night.id, Edit(status="resolved"))
    countdown = next(e for e in events if isinstance(e, TicketStatusChanged))
    assert countdown.auto_close_at == saturday + timedelta(days=5)
