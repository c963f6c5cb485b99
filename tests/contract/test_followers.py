"""Contract of FollowerStore: operators follow and stop following tickets; lists find the
tickets an operator follows."""

from __future__ import annotations

from chatdesk.models import TicketQuery
from chatdesk.store import Store

from .conftest import Factory, later
from .test_helpdesk import filed


async def test_operators_follow_tickets_once_and_stop(store: Store, make: Factory) -> None:
    ann, bob = await make.operator("Ann"), await make.operator("Bob")
    ticket, other = await filed(store), await filed(store)
    assert await store.followers.followers(ticket.id) == []
    assert await store.followers.follow(ticket.id, bob.id, later(minutes=1))
    assert await store.followers.follow(ticket.id, ann.id, later(minutes=2))
    assert not await store.followers.follow(ticket.id, ann.id, later(minutes=3))  # already
    assert await store.followers.follow(other.id, ann.id, later(minutes=4))
    assert await store.followers.followers(ticket.id) == [bob.id, ann.id]  # in their order
    found = await store.ticket_queries.search_tickets(TicketQuery(follower=ann.id))
    assert {t.id for t in found.tickets} == {ticket.id, other.id} and found.total == 2
    assert await store.followers.unfollow(ticket.id, ann.id)
    assert not await store.followers.unfollow(ticket.id, ann.id)  # no more
    assert await store.followers.followers(ticket.id) == [bob.id]
    found = await store.ticket_queries.search_tickets(TicketQuery(follower=ann.id))
    assert [t.id for t in found.tickets] == [other.id]
    none = await store.ticket_queries.search_tickets(TicketQuery(follower="nobody"))
    assert none.total == 0
