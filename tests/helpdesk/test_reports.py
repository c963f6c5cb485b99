"""Reports through the services: periods in the desk's time zone, figures, the console's
ticket page (moves, requester and organisation)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from chatdesk.errors import InvalidPayload, NotFound
from chatdesk.helpdesk import Edit, NewTicket
from chatdesk.models import TicketType
from chatdesk.services import Services

from ..desk import Clock
from .conftest import operator


async def test_a_period_is_cut_at_the_desks_midnights_dst_included(hd: Services) -> None:
    reports = hd.helpdesk.reports
    # 25 October 2026: Brussels goes back from CEST to CET (a 25-hour day).
    period = reports.days(date(2026, 10, 24), date(2026, 10, 25))
    assert period.days == (
        datetime(2026, 10, 23, 22, tzinfo=UTC),
        datetime(2026, 10, 24, 22, tzinfo=UTC),
        datetime(2026, 10, 25, 23, tzinfo=UTC),
    )


async def test_the_default_period_is_the_last_30_days_and_long_ones_are_refused(
    hd: Services, clock: Clock
) -> None:
    reports = hd.helpdesk.reports
    assert reports.period() == (date(2026, 10, 19), date(2026, 11, 17))
    assert reports.period(date(2026, 1, 1), date(2026, 12, 31)) == (
        date(2026, 1, 1),
        date(2026, 12, 31),
    )
    for start, end in ((date(2026, 11, 2), date(2026, 11, 1)), (date(2025, 1, 1), None)):
        with pytest.raises(InvalidPayload) as info:
            reports.period(start, end)
        assert info.value.code == "period"


async def test_a_report_counts_per_day_and_adds_the_groups_up(hd: Services, clock: Clock) -> None:
    ann = await operator(hd, "Ann")
    ticket, _ = await hd.helpdesk.filing.file(
        NewTicket("lea@example.be", "Site en panne", lang="fr", type="incident")
    )
    clock.advance(hours=1)
    await hd.helpdesk.tickets.reply(ticket.id, ann, "On regarde.")
    await hd.helpdesk.tickets.change(ann, ticket.id, Edit(status="resolved", assignee=ann.id))
    other, _ = await hd.helpdesk.filing.file(
        NewTicket("tom@example.be", "Facture", lang="fr", department="billing")
    )
    report = await hd.helpdesk.reports.report()
    assert report.end == date(2026, 11, 17) and len(report.days) == 30
    assert report.days[-1] == (date(2026, 11, 17), report.days[-1][1])
    assert report.days[-1][1].opened == 2
    total = report.total
    assert (total.opened, total.first_responses, total.first_response_met) == (2, 1, 1)
    assert total.first_response_seconds == pytest.approx(3600, rel=1e-6)
    assert total.resolutions == 1
    assert [o.label for o in report.outcomes["operator"]] == ["Ann", ""]
    assert set(report.targets) == {"urgent", "high", "normal", "low"}
    assert other.department == "billing"


async def test_the_ticket_page_names_its_moves_requester_and_organisation(
    hd: Services, clock: Clock
) -> None:
    ann = await operator(hd, "Ann")
    org = await hd.helpdesk.people.add_organisation("Acme")
    await hd.helpdesk.people.add_member(org, "lea@example.be", name="Léa")
    ticket, _ = await hd.helpdesk.filing.file(
        NewTicket("lea@example.be", "Site en panne", lang="fr", type="incident")
    )
    page = await hd.helpdesk.console.page(ann, ticket.label)
    assert page["moves"] == ["open", "pending", "on_hold", "resolved", "closed"]
    assert page["requester"]["email"] == "lea@example.be"
    assert page["organisation"]["name"] == "Acme"
    assert page["now"] == "2026-11-17T09:30:00.000Z"
    assert [o.name for o in await hd.helpdesk.console.assignees()] == ["Ann"]
    complaint, _ = await hd.helpdesk.filing.file(
        NewTicket("lea@example.be", "Plainte", lang="fr", type=TicketType.COMPLAINT.value)
    )
    with pytest.raises(NotFound):
        await hd.helpdesk.console.page(ann, complaint.id)
