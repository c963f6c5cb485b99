"""Contract of ProblemStore: tickets linked to a problem ticket, one problem each, no
chains; lists narrowed to a problem's tickets; a merged problem's tickets follow it."""

from __future__ import annotations

import pytest

from chatdesk.errors import Conflict, NotFound
from chatdesk.models import TicketQuery, TicketType
from chatdesk.store import Store

from .conftest import later
from .test_helpdesk import filed


async def test_tickets_link_to_one_problem_and_lists_find_them(store: Store) -> None:
    outage, other = await filed(store), await filed(store)
    first, second, alone = await filed(store), await filed(store), await filed(store)
    assert await store.problems.incidents(outage.id) == []
    await store.problems.link(second.id, outage.id, later(minutes=2), by="op1")
    await store.problems.link(first.id, outage.id, later(minutes=1), by="op1")
    assert await store.problems.incidents(outage.id) == [first.id, second.id]  # by time
    # Linked in the same moment (a bulk action): by their number.
    third, fourth = await filed(store), await filed(store)
    await store.problems.link(fourth.id, other.id, later(minutes=3), by="op1")
    await store.problems.link(third.id, other.id, later(minutes=3), by="op1")
    assert await store.problems.incidents(other.id) == [third.id, fourth.id]
    await store.problems.unlink(third.id)
    await store.problems.unlink(fourth.id)
    assert await store.problems.problem_of(first.id) == outage.id
    assert await store.problems.problem_of(alone.id) is None
    found = await store.ticket_queries.search_tickets(TicketQuery(problem_id=outage.id))
    assert {t.id for t in found.tickets} == {first.id, second.id} and found.total == 2
    ids = [outage.id, first.id, second.id, alone.id]
    assert await store.problems.problems_of(ids) == {first.id: outage.id, second.id: outage.id}
    assert await store.problems.incident_counts(ids) == {outage.id: 2}
    assert await store.problems.problems_of([]) == {} == await store.problems.incident_counts([])
    complaint = await filed(store, type=TicketType.COMPLAINT)
    await store.problems.link(complaint.id, outage.id, later(minutes=2), by="op1")
    assert await store.problems.incident_counts(ids) == {outage.id: 3}
    assert await store.problems.incident_counts(ids, complaints=False) == {outage.id: 2}
    assert await store.problems.unlink(complaint.id) == outage.id
    # Linked again, to another problem: moved, not linked twice.
    await store.problems.link(second.id, other.id, later(minutes=3), by="op2")
    assert await store.problems.incidents(outage.id) == [first.id]
    assert await store.problems.incidents(other.id) == [second.id]
    assert await store.problems.unlink(first.id) == outage.id
    assert await store.problems.unlink(first.id) is None
    assert await store.problems.incidents(outage.id) == []
    none = await store.ticket_queries.search_tickets(TicketQuery(problem_id=outage.id))
    assert none.total == 0


async def test_links_never_make_a_chain(store: Store) -> None:
    outage, ticket, third = await filed(store), await filed(store), await filed(store)
    await store.problems.link(ticket.id, outage.id, later(minutes=1), by="op1")
    with pytest.raises(Conflict) as linked:  # the problem is linked itself
        await store.problems.link(third.id, ticket.id, later(minutes=2), by="op1")
    assert linked.value.code == "problem_is_linked"
    with pytest.raises(Conflict) as has:  # a problem with tickets cannot become one's
        await store.problems.link(outage.id, third.id, later(minutes=2), by="op1")
    assert has.value.code == "has_linked_tickets"
    with pytest.raises(Conflict) as same:
        await store.problems.link(third.id, third.id, later(minutes=2), by="op1")
    assert same.value.code == "same_ticket"
    with pytest.raises(NotFound):
        await store.problems.link(third.id, "no-such-ticket", later(minutes=2), by="op1")
    assert await store.problems.incidents(ticket.id) == []
    assert await store.problems.problem_of(outage.id) is None


async def test_a_merged_problem_s_tickets_follow_it(store: Store) -> None:
    old, new, one, two = [await filed(store) for _ in range(4)]
    await store.problems.link(one.id, old.id, later(minutes=1), by="op1")
    await store.problems.link(new.id, old.id, later(minutes=2), by="op1")
    await store.problems.link(two.id, old.id, later(minutes=3), by="op1")
    # ``new`` was linked to ``old``: it stops being its own problem's ticket.
    assert await store.problems.move_incidents(old.id, new.id) == 2
    assert await store.problems.incidents(new.id) == [one.id, two.id]
    assert await store.problems.incidents(old.id) == []
    assert await store.problems.problem_of(new.id) is None
    # Into a ticket linked to a problem: they are unlinked (no chains).
    outage = await filed(store)
    await store.problems.link(old.id, outage.id, later(minutes=4), by="op1")
    assert await store.problems.move_incidents(new.id, old.id) == 0
    assert await store.problems.problems_of([one.id, two.id]) == {}
