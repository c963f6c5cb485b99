"""The first-hour fixes on the desk's side: promised times, waiting visitors, reopening,
ticket subjects, replies in order across processes (issue: first use)."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest

from chatdesk.errors import Conflict
from chatdesk.events import ConversationEscalated, MessagePosted, StateChanged
from chatdesk.models import Author, MessageDraft, Mode, PresenceStatus, Status
from chatdesk.services import Services
from chatdesk.store import Store

from .desk import Clock, conversation, escalate, make_services, mode_of, operator


async def test_one_promised_time_for_the_desk_and_the_ticket(desk: Services) -> None:
    cid = await conversation(desk)
    status = await desk.desk.status()
    await escalate(desk, cid)
    ticket = await desk._store.tickets.current_ticket(cid)
    assert ticket is not None and ticket.due_at is not None
    assert status["reply_expected_by"] == ticket.to_payload()["reply_expected_by"]


async def test_waiting_visitors_join_the_queue_when_someone_comes_online(desk: Services) -> None:
    ann = await operator(desk, "Ann", online=False)
    cid = await conversation(desk)
    await escalate(desk, cid)
    assert await mode_of(desk, cid) is Mode.WAITING
    events = await desk.presence.operator_connected(ann)
    assert await mode_of(desk, cid) is Mode.QUEUED
    state = next(
        e.state for e in events if isinstance(e, StateChanged) and e.conversation_id == cid
    )
    assert state["offline_form"] is False and state["queue"]["position"] == 1
    said = [e.message.extra.get("event") for e in events if isinstance(e, MessagePosted)]
    assert said == ["queued"]


async def test_an_away_operator_does_not_pull_waiting_visitors(desk: Services) -> None:
    ann = await operator(desk, "Ann")
    await desk.presence.set_status(ann, PresenceStatus.AWAY)
    cid = await conversation(desk)
    await escalate(desk, cid)
    await desk.presence.tick()
    assert await mode_of(desk, cid) is Mode.WAITING
    await desk.presence.set_status(ann, PresenceStatus.ONLINE)
    assert await mode_of(desk, cid) is Mode.QUEUED


async def test_a_closed_conversation_can_be_reopened(desk: Services) -> None:
    ann = await operator(desk, "Ann", capacity=1)
    cid = await conversation(desk)
    await escalate(desk, cid)
    await desk.routing.claim(ann, cid)
    await desk.routing.close(ann, cid)
    events = await desk.routing.reopen(ann, cid)
    assert await mode_of(desk, cid) is Mode.LIVE
    ticket = await desk._store.tickets.current_ticket(cid)
    assert ticket is not None and ticket.status is Status.OPEN and ticket.operator_id == ann.id
    said = [e.message for e in events if isinstance(e, MessagePosted)]
    assert said[0].extra["event"] == "reopened" and "Ann" in said[0].text
    # Now live with her: she can write, and cannot reopen twice.
    await desk.routing.operator_said(ann, cid, text="Me revoilà", client_id="c1")
    with pytest.raises(Conflict) as info:
        await desk.routing.reopen(ann, cid)
    assert info.value.code == "cannot_reopen"


async def test_reopen_needs_a_resolved_ticket_and_capacity(desk: Services) -> None:
    ann = await operator(desk, "Ann", capacity=1)
    never = await conversation(desk)
    with pytest.raises(Conflict) as info:
        await desk.routing.reopen(ann, never)
    assert info.value.code == "cannot_reopen"
    first, busy = await conversation(desk), await conversation(desk)
    for cid in (first, busy):
        await escalate(desk, cid)
    await desk.routing.claim(ann, first)
    await desk.routing.hand_back(ann, first)
    await desk.routing.claim(ann, busy)
    with pytest.raises(Conflict) as info:
        await desk.routing.reopen(ann, first)
    assert info.value.code == "capacity_full"


@pytest.mark.parametrize(
    ("said", "reason", "trigger", "subject"),
    [
        # The bot heard "I want a person": the question before it is the subject.
        (
            ["bonjour", "mon site web est en panne", "je veux un conseiller"],
            "visitor_request",
            2,
            1,
        ),
        # A topic the bot hands over: the message that matched it.
        (["bonjour", "je conteste un remboursement", "merci"], "entry", 1, 1),
        # The "Talk to a person" button: the latest real question, else the longest line.
        (["ma facture de novembre est fausse", "merci"], "visitor_request", None, 0),
        (["bonjour", "hello"], "visitor_request", None, 0),
    ],
)
async def test_ticket_subject_is_the_visitors_question(
    desk: Services, said: list[str], reason: str, trigger: int | None, subject: int
) -> None:
    _, conv = await desk._store.conversations.create_visitor(
        lang="fr", page="/", now=desk.routing.clock()
    )
    seqs = []
    for text in said:
        stored, _ = await desk._store.conversations.append_message(
            conv.id, MessageDraft(Author.VISITOR, text)
        )
        seqs.append(stored.seq)
    event = ConversationEscalated(
        conv.id, reason, "general", "normal", trigger_seq=None if trigger is None else seqs[trigger]
    )
    await desk.escalation.escalate(event)
    ticket = await desk._store.tickets.current_ticket(conv.id)
    assert ticket is not None and ticket.subject == said[subject]


async def test_operators_edit_the_ticket(desk: Services, clock: Clock) -> None:
    ann = await operator(desk, "Ann")
    cid = await conversation(desk, "bonjour")
    await escalate(desk, cid)
    await desk.tickets.operator_changed(
        ann, cid, subject="  Site   down since 9:00 ", priority="urgent", department="technical"
    )
    ticket = await desk._store.tickets.current_ticket(cid)
    assert ticket is not None
    assert (ticket.subject, ticket.priority, ticket.department) == (
        "Site down since 9:00",
        "urgent",
        "technical",
    )
    assert ticket.due_at == ticket.created_at + timedelta(hours=1)  # urgent: 1h, open 24/7
    found = await desk._store.conversations.get_conversation(cid)
    assert found is not None and found.department == "technical"
    with pytest.raises(Conflict):
        await desk.tickets.operator_changed(ann, await conversation(desk), subject="x")


class Echo:
    """A responder that answers each message with its text, to check order."""

    async def respond(self, conversation: Any, message: Any) -> list[MessageDraft]:
        return [MessageDraft(Author.BOT, f"re: {message.text}")]

    def welcome(self, conversation: Any) -> None:
        return None

    def title(self, entry_id: str, lang: str) -> None:
        return None

    def detect_language(self, text: str) -> None:
        return None


async def test_replies_stay_in_order_when_two_processes_answer(store: Store, clock: Clock) -> None:
    # Two sets of services on one store stand for two processes; tabs on each.
    a, b = make_services(store, clock), make_services(store, clock)
    for services in (a, b):
        services.conversations.responder = Echo()
    _, conv = await store.conversations.create_visitor(lang="en", page="/", now=clock())
    said = []
    for i in range(6):
        message, _, _ = await (a if i % 2 else b).conversations.visitor_said(
            conv.id, client_id=f"c{i}", text=f"q{i}"
        )
        said.append(message)
    # Answered late and in the wrong order, by both processes at once.
    await asyncio.gather(
        *(s.conversations.respond(m) for s, m in zip([a, b] * 3, reversed(said), strict=True))
    )
    messages, _ = await store.conversations.list_messages(conv.id)
    replies = [m.text for m in messages if m.author is Author.BOT]
    assert replies == [f"re: q{i}" for i in range(6)]
