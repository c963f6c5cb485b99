"""Contract of RoutingStore: the queue, claims, transfers, offers and their refusals."""

from __future__ import annotations

import asyncio

import pytest

from chatdesk.models import Claim, Mode, Status, TicketDraft
from chatdesk.store import Store

from .conftest import T0, Factory, later


async def test_claim_gives_the_conversation_and_opens_its_ticket(
    store: Store, make: Factory
) -> None:
    ann = await make.operator("Ann")
    for mode in (Mode.QUEUED, Mode.WAITING):
        conversation, ticket = await make.escalated(mode=mode)
        claim = await store.routing.claim_conversation(
            conversation.id, ann.id, capacity=5, now=later(minutes=1)
        )
        assert claim is Claim.CLAIMED
        claimed = await make.reload(conversation.id)
        assert (claimed.mode, claimed.operator_id) == (Mode.LIVE, ann.id)
        opened = await make.ticket(conversation.id)
        assert (opened.id, opened.status, opened.operator_id) == (ticket.id, Status.OPEN, ann.id)
    assert len(await store.routing.operator_conversations(ann.id)) == 2


async def test_claim_outcomes(store: Store, make: Factory) -> None:
    ann, bob = await make.operator("Ann"), await make.operator("Bob")
    live, _ = await make.live(ann)
    claim = store.routing.claim_conversation
    assert await claim(live.id, ann.id, capacity=5, now=T0) is Claim.CLAIMED  # already hers
    assert await claim(live.id, bob.id, capacity=5, now=T0) is Claim.TAKEN
    assert (await make.reload(live.id)).operator_id == ann.id
    with_bot = await make.conversation("bonjour")
    assert await claim(with_bot.id, ann.id, capacity=5, now=T0) is Claim.GONE
    assert await claim("missing", ann.id, capacity=5, now=T0) is Claim.GONE
    closed, _ = await make.escalated()
    await store.routing.finish_conversation(closed.id, mode=Mode.CLOSED, now=T0)
    assert await claim(closed.id, ann.id, capacity=5, now=T0) is Claim.GONE
    assert (await make.reload(with_bot.id)).mode is Mode.BOT


async def test_claim_respects_capacity(store: Store, make: Factory) -> None:
    ann = await make.operator("Ann")
    await make.live(ann)
    queued, _ = await make.escalated()
    claim = await store.routing.claim_conversation(queued.id, ann.id, capacity=1, now=T0)
    assert claim is Claim.FULL
    assert (await make.reload(queued.id)).mode is Mode.QUEUED
    assert (await make.ticket(queued.id)).status is Status.NEW


async def test_racing_claims_have_exactly_one_winner(store: Store, make: Factory) -> None:
    operators = [await make.operator(name) for name in ("Ann", "Bob", "Cyd", "Dan")]
    conversation, _ = await make.escalated()
    claims = await asyncio.gather(
        *(
            store.routing.claim_conversation(conversation.id, o.id, capacity=5, now=T0)
            for o in operators
        )
    )
    assert claims.count(Claim.CLAIMED) == 1
    assert claims.count(Claim.TAKEN) == len(operators) - 1
    winner = operators[claims.index(Claim.CLAIMED)]
    assert (await make.reload(conversation.id)).operator_id == winner.id
    assert (await make.ticket(conversation.id)).operator_id == winner.id


async def test_racing_claims_never_exceed_capacity(store: Store, make: Factory) -> None:
    ann = await make.operator("Ann")
    queued = [(await make.escalated())[0] for _ in range(5)]
    claims = await asyncio.gather(
        *(store.routing.claim_conversation(c.id, ann.id, capacity=2, now=T0) for c in queued)
    )
    assert sorted(claims) == sorted([Claim.CLAIMED] * 2 + [Claim.FULL] * 3)
    assert len(await store.routing.operator_conversations(ann.id)) == 2


async def test_transfer_moves_a_live_conversation(store: Store, make: Factory) -> None:
    ann, bob, cyd = [await make.operator(n) for n in ("Ann", "Bob", "Cyd")]
    conversation, _ = await make.live(ann)
    await make.live(cyd)
    transfer = store.routing.transfer_conversation
    assert await transfer(conversation.id, ann.id, cyd.id, capacity=1, now=T0) is Claim.FULL
    assert (await make.reload(conversation.id)).operator_id == ann.id
    moved = await transfer(conversation.id, ann.id, bob.id, capacity=1, now=later(minutes=1))
    assert moved is Claim.CLAIMED
    found = await make.reload(conversation.id)
    assert (found.mode, found.operator_id) == (Mode.LIVE, bob.id)
    assert (await make.ticket(conversation.id)).operator_id == bob.id
    assert await store.routing.operator_conversations(ann.id) == []
    assert [c.id for c in await store.routing.operator_conversations(bob.id)] == [found.id]
    # Ann no longer has it: she cannot move it again.
    again = await transfer(conversation.id, ann.id, cyd.id, capacity=5, now=T0)
    assert again is not Claim.CLAIMED
    assert (await make.reload(conversation.id)).operator_id == bob.id


async def test_only_live_conversations_are_transferred(store: Store, make: Factory) -> None:
    ann, bob = await make.operator("Ann"), await make.operator("Bob")
    queued, _ = await make.escalated()
    claim = await store.routing.transfer_conversation(queued.id, ann.id, bob.id, capacity=5, now=T0)
    assert claim is not Claim.CLAIMED
    assert await make.reload(queued.id) == queued


async def test_racing_transfers_have_one_winner(store: Store, make: Factory) -> None:
    ann, bob, cyd = [await make.operator(n) for n in ("Ann", "Bob", "Cyd")]
    conversation, _ = await make.live(ann)
    claims = await asyncio.gather(
        *(
            store.routing.transfer_conversation(conversation.id, ann.id, to.id, capacity=5, now=T0)
            for to in (bob, cyd)
        )
    )
    assert claims.count(Claim.CLAIMED) == 1
    winner = (bob, cyd)[claims.index(Claim.CLAIMED)]
    assert (await make.reload(conversation.id)).operator_id == winner.id


async def test_requeue_puts_the_conversation_back(store: Store, make: Factory) -> None:
    ann = await make.operator("Ann")
    conversation, _ = await make.live(ann)
    assert await store.routing.requeue_conversation(
        conversation.id, now=later(minutes=1), holder=ann.id, department="billing"
    )
    found = await make.reload(conversation.id)
    assert (found.mode, found.operator_id, found.department) == (Mode.QUEUED, None, "billing")
    ticket = await make.ticket(conversation.id)
    assert (ticket.status, ticket.operator_id, ticket.department) == (Status.NEW, None, "billing")
    assert [c.id for c in await store.routing.queued_conversations()] == [conversation.id]


async def test_requeue_only_what_the_holder_still_has(store: Store, make: Factory) -> None:
    ann, bob = await make.operator("Ann"), await make.operator("Bob")
    conversation, _ = await make.live(ann)
    requeue = store.routing.requeue_conversation
    assert not await requeue(conversation.id, now=T0, holder=bob.id)
    assert (await make.reload(conversation.id)).operator_id == ann.id
    with_bot = await make.conversation("bonjour")
    assert not await requeue(with_bot.id, now=T0)
    assert not await requeue("missing", now=T0)
    assert (await make.reload(with_bot.id)).mode is Mode.BOT
    results = await asyncio.gather(
        *(requeue(conversation.id, now=T0, holder=ann.id) for _ in range(3))
    )
    assert results.count(True) == 1


async def test_finish_resolves_the_ticket(store: Store, make: Factory) -> None:
    ann = await make.operator("Ann")
    for mode in (Mode.CLOSED, Mode.BOT):
        conversation, _ = await make.live(ann)
        ticket = await store.routing.finish_conversation(
            conversation.id, mode=mode, now=later(minutes=3), holder=ann.id
        )
        assert ticket is not None and ticket == await make.ticket(conversation.id)
        assert (ticket.status, ticket.resolved_at) == (Status.RESOLVED, later(minutes=3))
        found = await make.reload(conversation.id)
        assert (found.mode, found.operator_id) == (mode, None)
    assert await store.routing.operator_conversations(ann.id) == []


async def test_finish_only_what_is_with_people_and_the_holder(store: Store, make: Factory) -> None:
    ann, bob = await make.operator("Ann"), await make.operator("Bob")
    finish = store.routing.finish_conversation
    with_bot = await make.conversation("bonjour")
    assert await finish(with_bot.id, mode=Mode.CLOSED, now=T0) is None
    assert (await make.reload(with_bot.id)).mode is Mode.BOT
    conversation, ticket = await make.live(ann)
    assert await finish(conversation.id, mode=Mode.CLOSED, now=T0, holder=bob.id) is None
    assert (await make.reload(conversation.id)).mode is Mode.LIVE
    assert (await make.ticket(conversation.id)).status is Status.OPEN
    results = await asyncio.gather(
        *(finish(conversation.id, mode=Mode.CLOSED, now=T0) for _ in range(3))
    )
    assert [r.id for r in results if r is not None] == [ticket.id]
    queued, _ = await make.escalated()  # escalated, nobody has it yet
    finished = await finish(queued.id, mode=Mode.BOT, now=T0)
    assert finished is not None and finished.status is Status.RESOLVED


async def test_offer_reserves_a_queued_conversation(store: Store, make: Factory) -> None:
    ann, bob = await make.operator("Ann"), await make.operator("Bob")
    conversation, _ = await make.escalated()
    assert await store.routing.offer_conversation(conversation.id, ann.id, T0)
    assert not await store.routing.offer_conversation(conversation.id, bob.id, T0)
    assert await store.routing.queued_conversations(unoffered=True) == []
    assert [c.id for c in await store.routing.queued_conversations()] == [conversation.id]
    claim = store.routing.claim_conversation
    assert await claim(conversation.id, bob.id, capacity=5, now=T0) is Claim.TAKEN
    assert await claim(conversation.id, ann.id, capacity=5, now=T0) is Claim.CLAIMED


async def test_only_queued_conversations_are_offered(store: Store, make: Factory) -> None:
    ann, bob = await make.operator("Ann"), await make.operator("Bob")
    waiting, _ = await make.escalated(mode=Mode.WAITING)
    live, _ = await make.live(bob)
    with_bot = await make.conversation("bonjour")
    for conversation in (waiting, live, with_bot):
        assert not await store.routing.offer_conversation(conversation.id, ann.id, T0)
    assert not await store.routing.offer_conversation("missing", ann.id, T0)


async def test_racing_offers_have_one_winner(store: Store, make: Factory) -> None:
    operators = [await make.operator(name) for name in ("Ann", "Bob", "Cyd")]
    conversation, _ = await make.escalated()
    results = await asyncio.gather(
        *(store.routing.offer_conversation(conversation.id, o.id, T0) for o in operators)
    )
    assert results.count(True) == 1


async def test_decline_only_by_the_operator_offered(store: Store, make: Factory) -> None:
    ann, bob = await make.operator("Ann"), await make.operator("Bob")
    conversation, _ = await make.escalated()
    assert not await store.routing.decline_offer(conversation.id, ann.id)  # not offered yet
    await store.routing.offer_conversation(conversation.id, ann.id, T0)
    assert not await store.routing.decline_offer(conversation.id, bob.id)
    assert await store.routing.declined_by(conversation.id) == frozenset()
    assert await store.routing.decline_offer(conversation.id, ann.id)
    assert not await store.routing.decline_offer(conversation.id, ann.id)  # withdrawn already
    assert await store.routing.declined_by(conversation.id) == {ann.id}
    unoffered = await store.routing.queued_conversations(unoffered=True)
    assert [c.id for c in unoffered] == [conversation.id]
    assert await store.routing.offer_conversation(conversation.id, bob.id, later(seconds=1))
    assert await store.routing.decline_offer(conversation.id, bob.id)
    assert await store.routing.declined_by(conversation.id) == {ann.id, bob.id}


async def test_expired_offers_count_as_refusals(store: Store, make: Factory) -> None:
    ann, bob = await make.operator("Ann"), await make.operator("Bob")
    old, _ = await make.escalated()
    new, _ = await make.escalated()
    await store.routing.offer_conversation(old.id, ann.id, T0)
    await store.routing.offer_conversation(new.id, bob.id, later(seconds=60))
    assert await store.routing.expire_offers(later(seconds=30)) == [(old.id, ann.id)]
    assert await store.routing.declined_by(old.id) == {ann.id}
    assert await store.routing.declined_by(new.id) == frozenset()
    assert [c.id for c in await store.routing.queued_conversations(unoffered=True)] == [old.id]
    assert await store.routing.expire_offers(later(seconds=30)) == []
    assert await store.routing.expire_offers(later(seconds=90)) == [(new.id, bob.id)]


async def test_claim_and_requeue_forget_refusals(store: Store, make: Factory) -> None:
    ann, bob = await make.operator("Ann"), await make.operator("Bob")
    conversation, _ = await make.escalated()
    await store.routing.offer_conversation(conversation.id, ann.id, T0)
    await store.routing.decline_offer(conversation.id, ann.id)
    assert await store.routing.requeue_conversation(conversation.id, now=T0, department="sales")
    assert await store.routing.declined_by(conversation.id) == frozenset()
    await store.routing.offer_conversation(conversation.id, ann.id, T0)
    await store.routing.decline_offer(conversation.id, ann.id)
    assert await store.routing.declined_by(conversation.id) == {ann.id}
    claim = await store.routing.claim_conversation(conversation.id, bob.id, capacity=5, now=T0)
    assert claim is Claim.CLAIMED
    assert await store.routing.declined_by(conversation.id) == frozenset()


async def test_a_new_escalation_forgets_earlier_refusals(
    request: pytest.FixtureRequest, store: Store, make: Factory
) -> None:
    ann = await make.operator("Ann")
    conversation, _ = await make.escalated()
    await store.routing.offer_conversation(conversation.id, ann.id, T0)
    await store.routing.decline_offer(conversation.id, ann.id)
    await store.routing.finish_conversation(conversation.id, mode=Mode.BOT, now=later(minutes=1))
    draft = TicketDraft(subject="Encore", department="general", priority="normal", reason="")
    reopened = await store.tickets.open_ticket(
        conversation.id, draft, mode=Mode.QUEUED, now=later(minutes=5)
    )
    assert reopened is not None
    assert await store.routing.declined_by(conversation.id) == frozenset()


async def test_queue_order_is_priority_then_waiting_time(store: Store, make: Factory) -> None:
    order = {}
    for i, (name, priority, department) in enumerate(
        (
            ("a", "normal", "general"),
            ("b", "urgent", "billing"),
            ("c", "normal", "billing"),
            ("d", "low", "general"),
            ("e", "high", "general"),
        )
    ):
        conversation, _ = await make.escalated(
            priority=priority, department=department, at=later(seconds=10 * i)
        )
        order[conversation.id] = name
    await make.escalated(mode=Mode.WAITING, priority="urgent")  # waiting is not queued
    await make.live(await make.operator("Ann"), priority="urgent")
    queue = await store.routing.queued_conversations()
    assert [order[c.id] for c in queue] == ["b", "e", "a", "c", "d"]
    billing = await store.routing.queued_conversations("billing")
    assert [order[c.id] for c in billing] == ["b", "c"]


async def test_operator_conversations_are_the_live_ones(store: Store, make: Factory) -> None:
    ann, bob = await make.operator("Ann"), await make.operator("Bob")
    mine = {(await make.live(ann))[0].id for _ in range(2)}
    await make.live(bob)
    done, _ = await make.live(ann)
    await store.routing.finish_conversation(done.id, mode=Mode.CLOSED, now=T0)
    found = await store.routing.operator_conversations(ann.id)
    assert {c.id for c in found} == mine
    assert all(c.mode is Mode.LIVE and c.operator_id == ann.id for c in found)
    assert await store.routing.operator_conversations("nobody") == []


async def test_waiting_conversations_oldest_first(store: Store, make: Factory) -> None:
    names = {}
    for i, (name, department, priority) in enumerate(
        (("a", "general", "low"), ("b", "billing", "urgent"), ("c", "general", "normal"))
    ):
        conversation, _ = await make.escalated(
            mode=Mode.WAITING, department=department, priority=priority, at=later(minutes=i)
        )
        names[conversation.id] = name
    await make.escalated(priority="urgent")  # queued, not waiting
    await make.live(await make.operator("Ann"))
    waiting = await store.routing.waiting_conversations()
    assert [names[c.id] for c in waiting] == ["a", "b", "c"]
    assert all(c.mode is Mode.WAITING for c in waiting)
    general = await store.routing.waiting_conversations("general")
    assert [names[c.id] for c in general] == ["a", "c"]
    assert await store.routing.waiting_conversations("sales") == []
