"""Contract of HookStore: the feed written with each ticket change, and the deliveries."""

from __future__ import annotations

import asyncio

from chatdesk.models import Organisation, OrgRole, TicketChanges
from chatdesk.models.hooks import HookDelivery, HookState
from chatdesk.store import Store

from .conftest import T0, later
from .test_helpdesk import filed, reply, requester


def delivery(n: int, endpoint: str = "crm", **kw: object) -> HookDelivery:
    kw.setdefault("created_at", T0)
    kw.setdefault("next_attempt_at", T0)
    return HookDelivery(
        endpoint, "ticket.status", "ticket_event", f"ev{n}", "t1", n, id=f"d{n:03d}", **kw
    )  # type: ignore[arg-type]


async def test_the_feed_gets_every_history_row_and_message_in_their_transaction(
    store: Store,
) -> None:
    lea = await requester(store)
    (made,) = await store.hooks.take_feed(10)  # the requester's record: see below
    assert await store.hooks.consume_feed(made.id, [])
    ticket = await filed(store, lea)
    await store.helpdesk.post_ticket_message(
        reply(ticket, "Voici"), [], TicketChanges(), [], expect=None, now=later(minutes=1)
    )
    await store.helpdesk.post_ticket_message(
        reply(ticket, "note", internal=True), [], TicketChanges(), [], expect=None, now=T0
    )
    items = await store.hooks.take_feed(10)
    # The description is the requester's first message; notes feed as notes.
    assert [(i.source, i.kind, i.event) for i in items] == [
        ("ticket_message", "message", "message.created"),
        ("ticket_event", "created", "ticket.created"),
        ("ticket_message", "message", "message.created"),
        ("ticket_message", "note", "note.created"),
    ]
    assert {i.ticket_id for i in items} == {ticket.id}
    assert items[1].created_at == T0
    assert [i.id for i in items] == sorted(i.id for i in items)
    # Consumed once: the second consumer stores nothing.
    first = items[0]
    planned = [delivery(1), delivery(2, endpoint="erp")]
    planned = [
        HookDelivery(d.endpoint, first.event, first.source, first.ref_id, first.ticket_id,
                     first.id, T0, next_attempt_at=T0)
        for d in planned
    ]  # fmt: skip
    results = await asyncio.gather(
        store.hooks.consume_feed(first.id, planned), store.hooks.consume_feed(first.id, planned)
    )
    assert sorted(results) == [False, True]
    assert [i.id for i in await store.hooks.take_feed(10)] == [i.id for i in items[1:]]
    claimed = await store.hooks.claim_deliveries(T0, until=later(minutes=2), limit=10)
    assert sorted(d.endpoint for d in claimed) == ["crm", "erp"]
    assert claimed[0].ref_id == first.ref_id and claimed[0].feed_id == first.id


async def test_claims_retries_and_failures(store: Store) -> None:
    # Stored with the feed item they come from; due in the feed's order.
    for item in await store.hooks.take_feed(10):
        assert await store.hooks.consume_feed(item.id, [])
    ticket = await filed(store)
    items = await store.hooks.take_feed(10)
    assert await store.hooks.consume_feed(items[1].id, [delivery(2)])
    assert await store.hooks.consume_feed(items[0].id, [delivery(1)])
    claimed = await store.hooks.claim_deliveries(T0, until=later(minutes=2), limit=10)
    assert [d.id for d in claimed] == ["d001", "d002"]
    assert claimed[0].state is HookState.QUEUED and claimed[0].ticket_id == "t1"
    # Claimed: no one else gets them until the claim runs out.
    assert (
        await store.hooks.claim_deliveries(later(minutes=1), until=later(minutes=3), limit=10) == []
    )
    again = await store.hooks.claim_deliveries(later(minutes=2), until=later(minutes=4), limit=1)
    assert [d.id for d in again] == ["d001"]

    await store.hooks.mark_delivered("d001", later(minutes=2))
    failed = await store.hooks.mark_delivery_failed(
        "d002", "HTTP 500", retry_at=later(minutes=10), now=later(minutes=2)
    )
    assert failed is not None and failed.state is HookState.QUEUED and failed.attempts == 1
    assert failed.last_error == "HTTP 500"
    assert (
        await store.hooks.claim_deliveries(later(minutes=9), until=later(minutes=11), limit=9) == []
    )
    due = await store.hooks.claim_deliveries(later(minutes=10), until=later(minutes=12), limit=9)
    assert [d.id for d in due] == ["d002"]
    gone = await store.hooks.mark_delivery_failed(
        "d002", "x" * 900, retry_at=None, now=later(minutes=10)
    )
    assert gone is not None and gone.state is HookState.FAILED and len(gone.last_error) == 500
    assert [d.id for d in await store.hooks.list_deliveries(HookState.FAILED)] == ["d002"]
    sent = await store.hooks.list_deliveries(HookState.SENT)
    assert [d.id for d in sent] == ["d001"] and sent[0].sent_at == later(minutes=2)
    assert sent[0].attempts == 1
    assert await store.hooks.claim_deliveries(later(hours=9), until=later(hours=10), limit=9) == []

    assert await store.hooks.count_deliveries() == {"crm": {HookState.SENT: 1, HookState.FAILED: 1}}
    # An admin queues it again; only a failed one.
    assert not await store.hooks.retry_delivery("d001", later(minutes=20))
    assert await store.hooks.retry_delivery("d002", later(minutes=20))
    assert not await store.hooks.retry_delivery("d002", later(minutes=20))
    due = await store.hooks.claim_deliveries(later(minutes=20), until=later(minutes=22), limit=9)
    assert [d.id for d in due] == ["d002"]
    assert ticket.id  # the ticket's own feed items are left alone

    # Done ones are purged after their time; queued ones never.
    assert await store.hooks.purge_deliveries(T0) == 0
    assert await store.hooks.purge_deliveries(later(seconds=1)) == 1
    assert await store.hooks.list_deliveries(HookState.SENT) == []
    assert [d.id for d in await store.hooks.list_deliveries(HookState.QUEUED)] == ["d002"]


async def test_the_feed_gets_each_requester_made_changed_or_deleted(store: Store) -> None:
    async def news() -> list[tuple[str, str]]:
        items = await store.hooks.take_feed(50)
        for item in items:
            assert await store.hooks.consume_feed(item.id, [])
        assert all(i.ticket_id == "" for i in items if i.source == "requester")
        return [(i.event, i.ref_id) for i in items]

    lea = await requester(store)
    bob = await requester(store, "bob@example.be", "Bob")
    assert await news() == [("requester.created", lea.id), ("requester.created", bob.id)]
    # Found again with nothing new: no news.
    await store.requesters.save_requester("lea@example.be", name="Léa", phone="", lang="fr",
                                          now=T0)  # fmt: skip
    assert await store.requesters.end_requester_sessions(lea.id) is not None  # a sign-out
    assert await news() == []
    await store.requesters.update_requester(lea.id, name="Léa Dubois", phone="", lang="fr")
    await store.requesters.set_requester_note(lea.id, "Prefers phone calls")
    acme = Organisation(id="o1", name="Acme", created_at=T0)
    await store.requesters.add_organisation(acme)
    assert await store.requesters.set_member(lea.id, acme.id, OrgRole.ADMIN)
    assert [n for n in await news() if n[0].startswith("requester.")] == [
        ("requester.updated", lea.id)
    ] * 3
    # Merged away, or erased: deleted.
    await store.requesters.merge_requesters(bob.id, lea.id, note="", now=later(minutes=1))
    assert ("requester.deleted", bob.id) in await news()
    await store.requesters.erase_requester(lea)
    assert ("requester.deleted", lea.id) in await news()


async def test_the_feed_gets_each_organisation_made_changed_or_merged(store: Store) -> None:
    async def news() -> list[tuple[str, str]]:
        items = await store.hooks.take_feed(50)
        for item in items:
            assert await store.hooks.consume_feed(item.id, [])
        return [(i.event, i.ref_id) for i in items if i.source == "organisation"]

    acme = Organisation(id="o1", name="Acme", created_at=T0)
    twice = Organisation(id="o2", name="Acme SA", created_at=T0)
    await store.requesters.add_organisation(acme)
    await store.requesters.add_organisation(twice)
    assert await news() == [("organisation.created", "o1"), ("organisation.created", "o2")]
    await store.requesters.update_organisation("o1", contract_active=False)
    await store.requesters.update_organisation("o1", contract_active=False)  # the same
    await store.requesters.add_domain("o2", "acme.be", T0)  # its domains are its record
    assert await news() == [("organisation.updated", "o1"), ("organisation.updated", "o2")]
    assert await store.requesters.remove_domain("o2", "acme.be")
    await store.requesters.add_domain("o2", "acme.com", T0)
    await news()
    # Merged: the domain moves (the kept one changed), the other is deleted.
    await store.requesters.merge_organisations("o2", "o1")
    merged = await news()
    assert ("organisation.updated", "o1") in merged
    assert merged[-1] == ("organisation.deleted", "o2")
