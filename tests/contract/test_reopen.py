"""Contract of RoutingStore.reopen_conversation: an operator takes back a resolved ticket."""

from __future__ import annotations

import asyncio

from chatdesk.models import Claim, Mode, Status
from chatdesk.store import Store

from .conftest import T0, Factory, later


async def test_a_resolved_conversation_goes_live_again(store: Store, make: Factory) -> None:
    ann, bob = await make.operator("Ann"), await make.operator("Bob")
    for mode, operator in ((Mode.CLOSED, ann), (Mode.BOT, bob)):
        conversation, ticket = await make.live(ann)
        await store.routing.finish_conversation(conversation.id, mode=mode, now=later(minutes=1))
        claim = await store.routing.reopen_conversation(
            conversation.id, operator.id, capacity=5, now=later(minutes=2)
        )
        assert claim is Claim.CLAIMED
        found = await make.reload(conversation.id)
        assert (found.mode, found.operator_id) == (Mode.LIVE, operator.id)
        reopened = await make.ticket(conversation.id)
        assert (reopened.id, reopened.status, reopened.operator_id) == (
            ticket.id,
            Status.OPEN,
            operator.id,
        )
    assert len(await store.routing.operator_conversations(bob.id)) == 1


async def test_only_a_resolved_ticket_is_reopened(store: Store, make: Factory) -> None:
    ann, bob = await make.operator("Ann"), await make.operator("Bob")
    reopen = store.routing.reopen_conversation
    queued, _ = await make.escalated()
    waiting, _ = await make.escalated(mode=Mode.WAITING)
    live, _ = await make.live(bob)
    never = await make.conversation("bonjour")
    for conversation in (queued, waiting, live, never):
        assert await reopen(conversation.id, ann.id, capacity=5, now=T0) is Claim.GONE
        assert await make.reload(conversation.id) == conversation
    assert await reopen("missing", ann.id, capacity=5, now=T0) is Claim.GONE


async def test_reopening_respects_capacity(store: Store, make: Factory) -> None:
    ann = await make.operator("Ann")
    closed, _ = await make.live(ann)
    await store.routing.finish_conversation(closed.id, mode=Mode.CLOSED, now=T0)
    await make.live(ann)
    claim = await store.routing.reopen_conversation(closed.id, ann.id, capacity=1, now=T0)
    assert claim is Claim.FULL
    assert (await make.reload(closed.id)).mode is Mode.CLOSED
    assert (await make.ticket(closed.id)).status is Status.RESOLVED


async def test_racing_reopens_have_one_winner(store: Store, make: Factory) -> None:
    operators = [await make.operator(n) for n in ("Ann", "Bob", "Cyd")]
    conversation, _ = await make.live(operators[0])
    await store.routing.finish_conversation(conversation.id, mode=Mode.CLOSED, now=T0)
    claims = await asyncio.gather(
        *(
            store.routing.reopen_conversation(
                conversation.id, o.id, capacity=5, now=later(seconds=1)
            )
            for o in operators
        )
    )
    assert claims.count(Claim.CLAIMED) == 1
    winner = operators[claims.index(Claim.CLAIMED)]
    assert (await make.reload(conversation.id)).operator_id == winner.id
