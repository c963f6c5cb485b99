"""Contract of ReportQueries: tickets per day and outcomes per group over a period."""

from __future__ import annotations

import pytest

from chatdesk.models import (
    AuthorKind,
    Organisation,
    OrgRole,
    ReportPeriod,
    Ticket,
    TicketChanges,
    TicketEvent,
    TicketQuery,
    TimeSpent,
    new_id,
)
from chatdesk.store import Store

from .conftest import Factory, later
from .test_helpdesk import filed, requester

#: Two days: Tuesday and Wednesday (UTC midnights; the service passes the desk's).
PERIOD = ReportPeriod((later(hours=-9.5), later(hours=14.5), later(hours=38.5)))


async def _set(store: Store, ticket: Ticket, at: float, **changes: object) -> None:
    await store.helpdesk.change_ticket(
        ticket.id, TicketChanges.of(**changes), [], expect=None, now=later(hours=at)
    )


async def _breach(store: Store, ticket: Ticket, at: float) -> None:
    data = {"target": "first_response"}
    row = TicketEvent(ticket.id, "sla_breach", AuthorKind.SYSTEM, data=data, ts=later(hours=at))
    await store.helpdesk.change_ticket(ticket.id, TicketChanges(), [row], expect=None, now=row.ts)


async def _desk(store: Store, make: Factory) -> None:
    ann = await make.operator("Ann")
    lea = await requester(store)
    # a: filed Tuesday, answered in time, resolved and closed Wednesday, rated 5, Ann's.
    a = await filed(store, lea, department="technical", priority="high",
                    due_at=later(hours=4), resolution_due=later(days=2))  # fmt: skip
    await _set(store, a, 1, first_response_at=later(hours=1), operator_id=ann.id)
    await _set(store, a, 24, resolved_at=later(hours=24), rating=5, rated_at=later(hours=24))
    await _set(store, a, 25, closed_at=later(hours=25))
    # b: filed Wednesday, answered late (a breach recorded), rated 2, unassigned.
    b = await filed(store, lea, department="billing", priority="normal",
                    created_at=later(hours=24), due_at=later(hours=25))  # fmt: skip
    await _breach(store, b, 25)
    await _set(store, b, 27, first_response_at=later(hours=27), rating=2, rated_at=later(hours=28))
    # c: filed before the period, answered in it; d: filed after it; e: breached before.
    c = await filed(store, lea, department="technical", priority="high",
                    created_at=later(hours=-48), due_at=later(hours=10))  # fmt: skip
    await _set(store, c, 2, first_response_at=later(hours=2))
    d = await filed(store, lea, department="sales", created_at=later(hours=40))
    await _breach(store, d, 41)
    e = await filed(store, lea, department="sales", created_at=later(hours=-30))
    await _breach(store, e, -20)


async def test_tickets_per_day_count_filed_closed_and_breaches_by_day(
    store: Store, make: Factory
) -> None:
    await _desk(store, make)
    days = await store.reports.tickets_per_day(PERIOD)
    assert [(d.opened, d.closed, d.breaches) for d in days] == [(1, 0, 0), (1, 1, 1)]
    empty = ReportPeriod((later(days=10), later(days=11)))
    assert [
        (d.opened, d.closed, d.breaches) for d in await store.reports.tickets_per_day(empty)
    ] == [(0, 0, 0)]


async def test_outcomes_per_department_count_what_happened_in_the_period(
    store: Store, make: Factory
) -> None:
    await _desk(store, make)
    rows = {o.key: o for o in await store.reports.outcomes(PERIOD, "department")}
    assert set(rows) == {"billing", "technical"}  # sales: nothing in the period
    tech, billing = rows["technical"], rows["billing"]
    assert (tech.opened, tech.closed) == (1, 1)
    assert (tech.first_responses, tech.first_response_met) == (2, 2)  # c: filed before
    # a answered after 1 h, c after 50 h: the average of elapsed times.
    assert tech.first_response_seconds == pytest.approx((1 + 50) / 2 * 3600)
    assert (tech.resolutions, tech.resolution_met) == (1, 1)
    assert tech.resolution_seconds == pytest.approx(24 * 3600)
    assert (tech.ratings, tech.rating_average, tech.satisfied) == (1, 5, 1)
    assert tech.breaches == 0 and tech.label == "technical"
    assert (billing.opened, billing.closed, billing.breaches) == (1, 0, 1)
    assert (billing.first_responses, billing.first_response_met) == (1, 0)  # 2 h late
    assert billing.first_response_seconds == pytest.approx(3 * 3600)
    assert (billing.resolutions, billing.resolution_seconds) == (0, None)
    assert (billing.ratings, billing.rating_average, billing.satisfied) == (1, 2, 0)


async def test_outcomes_per_operator_and_priority(store: Store, make: Factory) -> None:
    await _desk(store, make)
    by_operator = await store.reports.outcomes(PERIOD, "operator")
    assert [o.label for o in by_operator] == ["Ann", ""]  # unassigned last
    ann, nobody = by_operator
    assert ann.key is not None and nobody.key is None
    assert (ann.opened, ann.closed, ann.first_responses, ann.ratings) == (1, 1, 1, 1)
    assert (nobody.opened, nobody.breaches, nobody.first_responses) == (1, 1, 2)
    by_priority = {o.key: o for o in await store.reports.outcomes(PERIOD, "priority")}
    assert set(by_priority) == {"high", "normal"}
    assert by_priority["high"].first_responses == 2
    assert by_priority["normal"].breaches == 1
    # A group with only a breach in the period still shows, named.
    late = ReportPeriod((later(hours=40.5), later(hours=41.5)))
    only = await store.reports.outcomes(late, "department")
    assert [(o.key, o.label, o.breaches, o.opened) for o in only] == [("sales", "sales", 1, 0)]


async def test_outcomes_per_tag_count_a_ticket_under_each_of_its_tags(
    store: Store, make: Factory
) -> None:
    await _desk(store, make)
    tickets = (await store.ticket_queries.search_tickets(TicketQuery(sort="created"))).tickets
    by_subject = {t.created_at: t for t in tickets}
    a, b = by_subject[later()], by_subject[later(hours=24)]
    await _set(store, a, 30, tags=frozenset({"vip", "réseau"}))
    await _set(store, b, 30, tags=frozenset({"réseau"}))
    rows = {o.key: o for o in await store.reports.outcomes(PERIOD, "tag")}
    assert set(rows) == {"réseau", "vip"}  # untagged tickets are in no row
    assert (rows["réseau"].opened, rows["réseau"].closed, rows["réseau"].breaches) == (2, 1, 1)
    assert (rows["vip"].opened, rows["vip"].ratings, rows["vip"].label) == (1, 1, "vip")


def _minutes(ticket: Ticket, operator_id: str, minutes: int, at: float) -> TicketEvent:
    data = {"minutes": minutes, "message": "m1"}
    return TicketEvent(
        ticket.id, "time", AuthorKind.OPERATOR, operator_id, data, ts=later(hours=at)
    )


async def test_time_spent_adds_minutes_up_per_operator_and_organisation(store: Store) -> None:
    lea, tom = await requester(store), await requester(store, "tom@example.be", "Tom")
    acme = Organisation(new_id(), "Acme", later(hours=-100))
    await store.requesters.add_organisation(acme)
    a = await filed(store, lea)
    b = await filed(store, tom)
    # Léa joins Acme after her ticket was filed: it counts for Acme (her organisation).
    assert await store.requesters.set_member(lea.id, acme.id, OrgRole.MEMBER)
    rows = [
        _minutes(a, "ann", 30, 1), _minutes(a, "ann", 15, 30), _minutes(a, "bob", 5, 2),
        _minutes(b, "ann", 10, 3),
        _minutes(b, "ann", 99, -20), _minutes(b, "bob", 99, 40),  # before, after the period
    ]  # fmt: skip
    for row in rows:
        await store.helpdesk.change_ticket(row.ticket_id, TicketChanges(), [row], expect=None,
                                           now=row.ts)  # fmt: skip
    assert await store.reports.time_spent(PERIOD) == [
        TimeSpent("ann", acme.id, a.id, a.number, a.subject, a.type, 45),
        TimeSpent("bob", acme.id, a.id, a.number, a.subject, a.type, 5),
        TimeSpent("ann", None, b.id, b.number, b.subject, b.type, 10),
    ]


async def test_rule_counts_count_each_rules_rows_in_the_period(store: Store) -> None:
    for name, at in (("Invoices", 1), ("Invoices", 30), ("VIP", 2), ("VIP", -20), ("VIP", 40)):
        ticket_id, data = new_id(), {"name": name, "tags": ["facture"]}
        row = TicketEvent(ticket_id, "rule", AuthorKind.SYSTEM, None, data, ts=later(hours=at))
        await filed(store, id=ticket_id, created_at=row.ts, events=(row,))
    await filed(store)  # no rule changed this one
    assert await store.reports.rule_counts(PERIOD) == {"Invoices": 2, "VIP": 1}
