"""Contract of TicketQueries.find_follow_up: the follow-up of a closed ticket that a
requester's message with a given client id filed (a retried reply finds it)."""

from __future__ import annotations

from chatdesk.models import AuthorKind, TicketMessage, new_id
from chatdesk.store import Store

from .conftest import T0
from .test_helpdesk import filed, requester


async def test_a_follow_up_is_found_by_its_first_message_s_client_id(store: Store) -> None:
    lea = await requester(store)
    tom = await requester(store, "tom@example.be", "Tom")
    closed = await filed(store, lea)
    other = await filed(store, lea)
    follow_id = new_id()
    first = TicketMessage(follow_id, AuthorKind.REQUESTER, lea.id, "Encore", ts=T0,
                          client_id="c-1")  # fmt: skip
    follow_up = await filed(
        store, lea, id=follow_id, description="Encore", message=first, follow_up_of=closed.id
    )
    found = await store.ticket_queries.find_follow_up(closed.id, lea.id, "c-1")
    assert found is not None and found.id == follow_up.id and found.follow_up_of == closed.id
    # Another client id, another requester, another ticket: nothing.
    assert await store.ticket_queries.find_follow_up(closed.id, lea.id, "c-2") is None
    assert await store.ticket_queries.find_follow_up(closed.id, tom.id, "c-1") is None
    assert await store.ticket_queries.find_follow_up(other.id, lea.id, "c-1") is None
