"""Escalation and routing at the service level, on a real store, with a clock we move."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from chatdesk.deskconfig import DeskConfig
from chatdesk.errors import Conflict, Forbidden, InvalidPayload
from chatdesk.escalation import Contact
from chatdesk.events import MessagePosted, OperatorOffered, StateChanged, VisitorBlocked
from chatdesk.hours import BusinessHours
from chatdesk.models import AuditAction, Author, MessageDraft, Mode, Status
from chatdesk.services import Services
from chatdesk.store import Store

from .desk import Clock, conversation, escalate, make_services, mode_of, operator


async def test_escalation_opens_a_numbered_ticket_and_queues(desk: Services) -> None:
    await operator(desk, "Ann")
    cid = await conversation(desk)
    events = await escalate(desk, cid)
    ticket = await desk._store.tickets.current_ticket(cid)
    assert ticket is not None
    assert ticket.label == "#000001" and ticket.status is Status.NEW
    assert (ticket.subject, ticket.department, ticket.priority) == (
        "Ma facture est fausse",
        "general",
        "normal",
    )
    due = desk.routing.clock() + timedelta(hours=24)
    assert abs(ticket.due_at - due) < timedelta(milliseconds=1) if ticket.due_at else False
    assert await mode_of(desk, cid) is Mode.QUEUED
    texts = [e.message.text for e in events if isinstance(e, MessagePosted)]
    assert texts[0] == "Votre demande porte le numéro #000001."
    state = next(
        e.state for e in events if isinstance(e, StateChanged) and e.conversation_id == cid
    )
    assert state["mode"] == "queued" and state["ticket"]["number"] == "#000001"
    assert state["queue"]["position"] == 1
    # Escalating again while with people changes nothing.
    assert await escalate(desk, cid) == []


async def test_escalation_waits_when_nobody_is_available(desk: Services) -> None:
    await operator(desk, "Away")  # online, then away: not available
    away = (await desk._store.operators.list_operators())[0]
    await desk.presence.set_status(away, "away")
    cid = await conversation(desk, "Mon site est en panne")
    events = await escalate(desk, cid, department="technical", priority="urgent")
    assert await mode_of(desk, cid) is Mode.WAITING
    conversation_ = await desk._store.conversations.get_conversation(cid)
    assert conversation_ is not None
    state = await desk.inbox.state(conversation_)
    assert state["offline_form"] is True and state["ticket"]["priority"] == "urgent"
    waiting = [e.message for e in events if isinstance(e, MessagePosted)][-1]
    assert waiting.extra["event"] == "waiting" and "au plus tard le" in waiting.text


async def test_outside_business_hours_the_ticket_waits(store: Store, clock: Clock) -> None:
    desk = make_services(store, clock)
    desk = dataclasses.replace(desk)  # same services
    closed = DeskConfig(hours=BusinessHours.weekdays("09:00", "18:00"))
    desk.escalation.config = closed
    await operator(desk, "Ann")
    clock.now = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)  # Saturday
    cid = await conversation(desk)
    await escalate(desk, cid, priority="high")
    assert await mode_of(desk, cid) is Mode.WAITING
    ticket = await desk._store.tickets.current_ticket(cid)
    assert ticket is not None and ticket.due_at is not None
    # 4 business hours from Saturday: Monday 13:00 in Brussels.
    assert ticket.due_at.astimezone(ZoneInfo("Europe/Brussels")).isoformat() == (
        "2026-11-23T13:00:00+01:00"
    )


async def test_a_department_open_round_the_clock_queues_at_night(
    store: Store, clock: Clock
) -> None:
    desk = make_services(store, clock)
    office = BusinessHours.weekdays("09:00", "18:00")
    whole_day = ((time(0), time.max),)
    always = BusinessHours(office.timezone, (whole_day,) * 7, "", frozenset())
    config = DeskConfig(hours=office, department_hours={"technical": always})
    desk.escalation.config = desk.presence.config = config
    ann = await operator(desk, "Ann", departments=("general", "technical"), online=False)
    clock.now = datetime(2026, 11, 21, 22, 0, tzinfo=UTC)  # Saturday night
    technical, general = await conversation(desk), await conversation(desk)
    await escalate(desk, technical, department="technical")
    await escalate(desk, general, department="general")
    assert await mode_of(desk, technical) is Mode.WAITING  # nobody online yet
    ticket = await desk._store.tickets.current_ticket(technical)
    assert ticket is not None and ticket.due_at is not None
    assert ticket.due_at - clock.now == config.targets["normal"].nominal  # every hour counts
    # Ann comes online: the technical chat queues; the general one waits for Monday.
    await desk.presence.operator_connected(ann)
    assert await mode_of(desk, technical) is Mode.QUEUED
    assert await mode_of(desk, general) is Mode.WAITING
    later = await conversation(desk)
    await escalate(desk, later, department="technical")
    assert await mode_of(desk, later) is Mode.QUEUED
    # The general chat's visitor leaves details for the technical team: due on its hours.
    await desk.escalation.visitor_contact(
        general, Contact(email="lea@example.be", department="technical")
    )
    moved = await desk._store.tickets.current_ticket(general)
    assert moved is not None and moved.department == "technical"
    assert moved.due_at is not None
    assert moved.due_at - moved.created_at == config.targets["normal"].nominal


async def test_queue_order_is_priority_then_waiting_time(desk: Services, clock: Clock) -> None:
    await operator(desk, "Ann")
    order = {}
    for name, priority in (
        ("a", "normal"),
        ("b", "urgent"),
        ("c", "normal"),
        ("d", "low"),
        ("e", "high"),
    ):
        cid = await conversation(desk, f"question {name}")
        await escalate(desk, cid, priority=priority)
        order[cid] = name
        clock.advance(seconds=10)
    queue = await desk._store.routing.queued_conversations()
    assert [order[c.id] for c in queue] == ["b", "e", "a", "c", "d"]
    positions = {}
    for c in queue:
        state = await desk.inbox.state(c)
        positions[order[c.id]] = state["queue"]["position"]
    assert positions == {"b": 1, "e": 2, "a": 3, "c": 4, "d": 5}


async def test_claim_race_has_exactly_one_winner(desk: Services) -> None:
    ann, bob = await operator(desk, "Ann"), await operator(desk, "Bob")
    cid = await conversation(desk)
    await escalate(desk, cid)
    results = await asyncio.gather(
        desk.routing.claim(ann, cid), desk.routing.claim(bob, cid), return_exceptions=True
    )
    winners = [r for r in results if not isinstance(r, BaseException)]
    losers = [r for r in results if isinstance(r, Conflict)]
    assert len(winners) == 1 and len(losers) == 1
    assert losers[0].code == "already_claimed"
    ticket = await desk._store.tickets.current_ticket(cid)
    assert ticket is not None and ticket.status is Status.OPEN
    joined = [e.message for e in winners[0] if isinstance(e, MessagePosted)]
    assert joined[0].extra["event"] == "operator_joined"


async def test_capacity_and_freeing_it(desk: Services) -> None:
    ann = await operator(desk, "Ann", capacity=1)
    first, second = await conversation(desk), await conversation(desk)
    await escalate(desk, first)
    await escalate(desk, second)
    await desk.routing.claim(ann, first)
    # Ann is busy but online: the second visitor queues rather than getting the form.
    assert await mode_of(desk, second) is Mode.QUEUED
    with pytest.raises(Conflict) as info:
        await desk.routing.claim(ann, second)
    assert info.value.code == "capacity_full"
    await desk.routing.close(ann, first)
    await desk.routing.claim(ann, second)
    assert await mode_of(desk, second) is Mode.LIVE


async def test_auto_assign_offers_and_requeues_unaccepted(store: Store, clock: Clock) -> None:
    desk = make_services(store, clock, auto_assign=True)
    ann = await operator(desk, "Ann", capacity=2)
    bob = await operator(desk, "Bob", capacity=2)
    busy = await conversation(desk)
    await escalate(desk, busy)
    offers = []
    # The first conversation was offered to someone; make Ann the busy one.
    await desk._store.routing.expire_offers(desk.routing.clock() + timedelta(hours=1))
    await desk.routing.claim(ann, busy)
    cid = await conversation(desk)
    events = await escalate(desk, cid)
    offers = [e for e in events if isinstance(e, OperatorOffered) and e.conversation_id == cid]
    assert [o.operator_id for o in offers] == [bob.id]  # the least loaded
    with pytest.raises(Conflict):
        await desk.routing.claim(ann, cid)  # reserved for Bob meanwhile
    clock.advance(seconds=31)  # Bob does not accept in time
    events = await desk.presence.tick()
    offers = [e for e in events if isinstance(e, OperatorOffered) and e.conversation_id == cid]
    assert [o.operator_id for o in offers] == [ann.id]
    await desk.routing.claim(ann, cid)
    assert await mode_of(desk, cid) is Mode.LIVE


async def test_freed_capacity_serves_the_queue_at_once(store: Store, clock: Clock) -> None:
    desk = make_services(store, clock, auto_assign=True)
    ann = await operator(desk, "Ann", capacity=1)
    first, second = await conversation(desk), await conversation(desk)
    await escalate(desk, first)
    await desk.routing.claim(ann, first)
    events = await escalate(desk, second)
    assert not [e for e in events if isinstance(e, OperatorOffered)]  # Ann is full
    events = await desk.routing.close(ann, first)
    assert [
        (e.operator_id, e.conversation_id) for e in events if isinstance(e, OperatorOffered)
    ] == [(ann.id, second)]


async def test_declined_offer_goes_to_the_next_operator(store: Store, clock: Clock) -> None:
    desk = make_services(store, clock, auto_assign=True)
    ann, bob = await operator(desk, "Ann"), await operator(desk, "Bob")
    cid = await conversation(desk)
    events = await escalate(desk, cid)
    first = next(e for e in events if isinstance(e, OperatorOffered))
    declining = ann if first.operator_id == ann.id else bob
    events = await desk.routing.decline(declining, cid)
    nxt = [e.operator_id for e in events if isinstance(e, OperatorOffered)]
    assert nxt == [bob.id if declining is ann else ann.id]


async def test_offline_operator_conversations_are_requeued_after_grace(
    desk: Services, clock: Clock
) -> None:
    ann = await operator(desk, "Ann")
    cid = await conversation(desk)
    await escalate(desk, cid)
    await desk.routing.claim(ann, cid)
    await desk.presence.operator_disconnected(ann)
    clock.advance(seconds=30)
    await desk.presence.tick()
    assert await mode_of(desk, cid) is Mode.LIVE  # within the grace period
    # Reconnecting within the grace period keeps everything.
    await desk.presence.operator_connected(ann)
    await desk.presence.operator_disconnected(ann)
    clock.advance(seconds=61)
    events = await desk.presence.tick()
    assert await mode_of(desk, cid) is Mode.QUEUED
    assert (await desk._store.presence.presence())[ann.id].status == "offline"
    left = [e.message for e in events if isinstance(e, MessagePosted)]
    assert left and left[0].extra["event"] == "operator_left"
    ticket = await desk._store.tickets.current_ticket(cid)
    assert ticket is not None and ticket.status is Status.NEW and ticket.operator_id is None


async def test_ticket_numbers_are_unique_under_concurrency(desk: Services) -> None:
    cids = [await conversation(desk, f"q{i}") for i in range(40)]
    await asyncio.gather(*(escalate(desk, c) for c in cids))
    numbers = []
    for c in cids:
        ticket = await desk._store.tickets.current_ticket(c)
        assert ticket is not None
        numbers.append(ticket.number)
    assert sorted(numbers) == list(range(1, 41))


async def test_transfers(desk: Services) -> None:
    ann = await operator(desk, "Ann", departments=("general", "billing"))
    bob = await operator(desk, "Bob", departments=("billing",))
    cid = await conversation(desk)
    await escalate(desk, cid)
    await desk.routing.claim(ann, cid)
    await desk.routing.transfer(ann, cid, to_operator=bob.id)
    found = await desk._store.conversations.get_conversation(cid)
    assert found is not None and found.operator_id == bob.id
    with pytest.raises(Forbidden):
        await desk.routing.close(ann, cid)  # not Ann's any more
    await desk.routing.transfer(bob, cid, to_department="billing")
    found = await desk._store.conversations.get_conversation(cid)
    assert found is not None and (found.mode, found.department) == (Mode.QUEUED, "billing")
    ticket = await desk._store.tickets.current_ticket(cid)
    assert ticket is not None and ticket.department == "billing"


async def test_close_rate_and_reopen(desk: Services) -> None:
    ann = await operator(desk, "Ann")
    cid = await conversation(desk)
    await escalate(desk, cid)
    await desk.routing.claim(ann, cid)
    message, _ = await desk.routing.operator_said(ann, cid, text="Bonjour !", client_id="o1")
    assert message.extra["operator"] == {"id": ann.id, "name": "Ann"}
    await desk.routing.close(ann, cid)
    found = await desk._store.conversations.get_conversation(cid)
    assert found is not None and found.mode is Mode.CLOSED
    assert (await desk.inbox.state(found))["rating_requested"] is True
    await desk.escalation.visitor_rated(cid, 5, "Très efficace")
    ticket = await desk._store.tickets.current_ticket(cid)
    assert ticket is not None
    assert (ticket.status, ticket.rating, ticket.rating_comment) == (
        Status.RESOLVED,
        5,
        "Très efficace",
    )
    assert ticket.first_response_at is not None
    with pytest.raises(Conflict):
        await desk.escalation.visitor_rated(cid, 1, "again")
    # A new visitor message in a closed conversation gives it back to the bot.
    found = await desk._store.conversations.get_conversation(cid)
    assert found is not None
    await desk.escalation.visitor_wrote(found)
    assert await mode_of(desk, cid) is Mode.BOT


async def test_hand_back_to_the_bot(desk: Services) -> None:
    ann = await operator(desk, "Ann")
    cid = await conversation(desk)
    await escalate(desk, cid)
    await desk.routing.claim(ann, cid)
    await desk.routing.hand_back(ann, cid)
    assert await mode_of(desk, cid) is Mode.BOT
    ticket = await desk._store.tickets.current_ticket(cid)
    assert ticket is not None and ticket.status is Status.RESOLVED


async def test_only_the_holder_writes_but_anyone_takes_notes(desk: Services) -> None:
    ann, bob = await operator(desk, "Ann"), await operator(desk, "Bob")
    cid = await conversation(desk)
    await escalate(desk, cid)
    with pytest.raises(Forbidden):
        await desk.routing.operator_said(ann, cid, text="hi", client_id="x")
    await desk.routing.claim(ann, cid)
    with pytest.raises(Forbidden):
        await desk.routing.operator_said(bob, cid, text="hi", client_id="x")
    note, _ = await desk.routing.add_note(bob, cid, text="Client VIP", client_id="n1")
    again, events = await desk.routing.add_note(bob, cid, text="Client VIP", client_id="n1")
    assert again == note and events == []
    messages, _ = await desk._store.conversations.list_messages(cid)
    assert all("VIP" not in m.text for m in messages)  # notes are not messages
    assert [n.text for n in await desk._store.notes.list_notes(cid)] == ["Client VIP"]


async def test_offline_form_completes_the_ticket(desk: Services) -> None:
    cid = await conversation(desk)
    await escalate(desk, cid)  # nobody online: waiting
    before = await desk._store.tickets.current_ticket(cid)
    await desk.escalation.visitor_contact(
        cid,
        Contact(
            email=" Lea@Example.BE ",
            name="Léa",
            subject="Facture de novembre",
            description="Deux fois le même montant",
            department="billing",
            priority="high",
        ),
    )
    ticket = await desk._store.tickets.current_ticket(cid)
    assert ticket is not None and before is not None
    assert (ticket.requester_email, ticket.requester_name, ticket.department, ticket.priority) == (
        "lea@example.be",
        "Léa",
        "billing",
        "high",
    )
    assert ticket.subject == "Facture de novembre"
    assert ticket.due_at == before.created_at + timedelta(hours=4)
    found = await desk._store.conversations.get_conversation(cid)
    assert found is not None and found.department == "billing"
    assert (await desk.inbox.state(found))["offline_form"] is False


async def test_a_waiting_visitor_hears_the_team_has_it_once_per_ticket(
    store: Store, clock: Clock
) -> None:
    desk = make_services(store, clock)
    other = make_services(store, clock)  # another process on the same store
    ann = await operator(desk, "Ann")
    cid = await conversation(desk)

    async def visitor_writes(desk: Services) -> bool:
        """Store a visitor message as visitor_said does; return whether "noted" followed."""
        clock.advance(seconds=1)
        await desk._store.conversations.append_message(
            cid, MessageDraft(Author.VISITOR, "encore moi", ts=clock())
        )
        found = await desk._store.conversations.get_conversation(cid)
        assert found is not None
        events, now = await desk.escalation.visitor_wrote(found)
        assert now == await desk._store.conversations.get_conversation(cid)
        return any(
            isinstance(e, MessagePosted) and e.message.extra.get("event") == "noted" for e in events
        )

    await escalate(desk, cid)
    assert await mode_of(desk, cid) is Mode.QUEUED
    assert await visitor_writes(desk)
    assert not await visitor_writes(desk)  # remembered
    assert not await visitor_writes(other)  # read from the conversation
    # A new request is a new ticket: the visitor hears it again, from either process.
    await desk.routing.claim(ann, cid)
    await desk.routing.hand_back(ann, cid)
    clock.advance(seconds=1)
    await escalate(desk, cid)
    assert await mode_of(desk, cid) is Mode.QUEUED
    assert await visitor_writes(desk)
    assert not await visitor_writes(other)
    assert not await visitor_writes(desk)


async def test_an_operator_blocks_a_visitor_for_a_while(desk: Services, clock: Clock) -> None:
    ann = await operator(desk, "Ann")
    session = await desk.conversations.visitor_connected(token=None, lang="fr", page="/")
    cid = session.conversation.id
    await escalate(desk, cid)
    # Only the holder of the live conversation; 1, 7 or 30 days.
    with pytest.raises(Forbidden):
        await desk.routing.block(ann, cid, 7)
    await desk.routing.claim(ann, cid)
    with pytest.raises(InvalidPayload):
        await desk.routing.block(ann, cid, 3)
    events = await desk.routing.block(ann, cid, 7)
    [blocked] = [e for e in events if isinstance(e, VisitorBlocked)]
    assert (blocked.conversation_id, blocked.until) == (cid, clock.now + timedelta(days=7))
    said = [e.message for e in events if isinstance(e, MessagePosted)]
    assert said[0].extra["event"] == "blocked" and "fermé jusqu'au" in said[0].text
    assert await mode_of(desk, cid) is Mode.CLOSED
    ticket = await desk._store.tickets.current_ticket(cid)
    assert ticket is not None and ticket.status is Status.RESOLVED
    # Their widget cannot come back, nor escalate on a connection opened before.
    with pytest.raises(Forbidden) as refused:
        await desk.conversations.visitor_connected(token=session.token, lang="fr", page="/")
    assert refused.value.code == "blocked"
    assert await escalate(desk, cid) == []
    with pytest.raises(Conflict) as reopening:  # nobody could read it
        await desk.routing.reopen(ann, cid)
    assert reopening.value.code == "visitor_blocked"
    assert await desk.inbox.blocked_until(cid) == clock.now + timedelta(days=7)
    # A week later, they may.
    clock.advance(days=7)
    back = await desk.conversations.visitor_connected(token=session.token, lang="fr", page="/")
    assert back.conversation.id == cid


async def test_any_operator_lifts_a_block_given_by_mistake(desk: Services, clock: Clock) -> None:
    ann, bob = await operator(desk, "Ann"), await operator(desk, "Bob")
    session = await desk.conversations.visitor_connected(token=None, lang="en", page="/")
    cid = session.conversation.id
    await escalate(desk, cid)
    await desk.routing.claim(ann, cid)
    await desk.routing.block(ann, cid, 30)
    [line] = [
        e.message for e in await desk.routing.unblock(bob, cid) if isinstance(e, MessagePosted)
    ]
    assert line.extra["event"] == "unblocked" and line.text.startswith("Bob lifted the block")
    assert await desk.inbox.blocked_until(cid) is None
    back = await desk.conversations.visitor_connected(token=session.token, lang="en", page="/")
    assert back.visitor.blocked_until is None
    with pytest.raises(Conflict) as again:
        await desk.routing.unblock(bob, cid)
    assert again.value.code == "not_blocked"
    # Both on the audit log (an admin reads it): who, which visitor, how long, where.
    admin = await desk.operators.add(
        "ada@desk.test", name="Ada", role="admin", departments=("general",),
        languages=("en",), password="correct horse battery",
    )  # fmt: skip
    lifted, blocked = await desk.audit.page(admin)
    visitor = f"visitor {session.visitor.id}"
    assert (blocked.action, blocked.actor, blocked.target, blocked.detail) == (
        AuditAction.VISITOR_BLOCKED,
        "ann@desk.test",
        visitor,
        f"30 day(s); conversation {cid}",
    )
    assert (lifted.action, lifted.actor, lifted.target) == (
        AuditAction.VISITOR_UNBLOCKED,
        "bob@desk.test",
        visitor,
    )
