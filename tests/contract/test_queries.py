"""Contract of InboxQueries: the console's lists, their counts, and operators' load."""

from __future__ import annotations

from chatdesk.models import (
    Author,
    InboxView,
    Mode,
    Operator,
    Status,
    Summary,
    TicketChanges,
    TicketDraft,
)
from chatdesk.store import Store

from .conftest import T0, Factory, draft, later


async def expected_summary(store: Store, make: Factory, conversation_id: str) -> Summary:
    """Build the summary of a conversation from the other stores' answers."""
    conversation = await make.reload(conversation_id)
    messages, _ = await store.conversations.list_messages(
        conversation_id, since=max(conversation.last_seq - 1, 0)
    )
    ticket = await store.tickets.current_ticket(conversation_id)
    return Summary(conversation, ticket, messages[-1] if messages else None)


async def test_summary_has_the_latest_ticket_and_last_message(store: Store, make: Factory) -> None:
    conversation, first = await make.escalated()
    await store.routing.finish_conversation(conversation.id, mode=Mode.CLOSED, now=T0)
    await store.conversations.append_message(conversation.id, draft("encore", ts=later(minutes=1)))
    second = await store.tickets.open_ticket(
        conversation.id,
        TicketDraft(subject="Encore", department="general", priority="high", reason=""),
        mode=Mode.QUEUED,
        now=later(minutes=2),
    )
    assert second is not None
    last, _ = await store.conversations.append_message(
        conversation.id, draft("Un instant", ts=later(minutes=3))
    )
    summary = await store.queries.summary(conversation.id)
    assert summary is not None
    assert summary.conversation == await make.reload(conversation.id)
    assert summary.ticket == second and second.number != first.number
    assert summary.last_message == last


async def test_summary_of_a_quiet_or_unknown_conversation(store: Store, make: Factory) -> None:
    quiet = await make.conversation()
    assert await store.queries.summary(quiet.id) == Summary(quiet, None, None)
    assert await store.queries.summary("missing") is None


async def test_queue_view_lists_queued_and_waiting_by_priority_then_time(
    store: Store, make: Factory
) -> None:
    ann = await make.operator("Ann")
    await make.live(ann, priority="urgent")
    await make.conversation("bonjour")
    names = {}
    for i, (name, mode, priority) in enumerate(
        (
            ("a", Mode.QUEUED, "normal"),
            ("b", Mode.WAITING, "urgent"),
            ("c", Mode.WAITING, "normal"),
            ("d", Mode.QUEUED, "low"),
            ("e", Mode.QUEUED, "high"),
        )
    ):
        conversation, _ = await make.escalated(mode=mode, priority=priority, at=later(seconds=i))
        names[conversation.id] = name
    summaries = await store.queries.summaries(InboxView.QUEUE)
    assert [names[s.conversation.id] for s in summaries] == ["b", "e", "a", "c", "d"]
    for summary in summaries:
        assert summary == await expected_summary(store, make, summary.conversation.id)


async def test_mine_view_lists_the_operator_s_live_conversations(
    store: Store, make: Factory
) -> None:
    ann, bob = await make.operator("Ann"), await make.operator("Bob")
    mine = {(await make.live(ann, at=later(seconds=i)))[0].id for i in range(3)}
    await make.live(bob)
    await make.escalated()
    done, _ = await make.live(ann)
    await store.routing.finish_conversation(done.id, mode=Mode.CLOSED, now=T0)
    summaries = await store.queries.summaries(InboxView.MINE, operator_id=ann.id)
    assert {s.conversation.id for s in summaries} == mine
    for summary in summaries:
        assert summary == await expected_summary(store, make, summary.conversation.id)
    assert await store.queries.summaries(InboxView.MINE, operator_id="nobody") == []


async def test_all_view_lists_active_conversations_most_recent_first(
    store: Store, make: Factory
) -> None:
    await make.conversation()  # no activity: not listed
    first = await make.conversation("un", at=T0)
    second = await make.conversation("deux", at=later(minutes=1))
    third = await make.conversation("trois", at=later(minutes=2))
    summaries = await store.queries.summaries(InboxView.ALL)
    assert [s.conversation.id for s in summaries] == [third.id, second.id, first.id]
    await store.conversations.append_message(first.id, draft("re", ts=later(minutes=3)))
    summaries = await store.queries.summaries(InboxView.ALL)
    assert [s.conversation.id for s in summaries] == [first.id, third.id, second.id]
    for summary in summaries:
        assert summary == await expected_summary(store, make, summary.conversation.id)
    limited = await store.queries.summaries(InboxView.ALL, limit=2)
    assert [s.conversation.id for s in limited] == [first.id, third.id]


async def test_all_view_orders_to_the_millisecond_within_a_minute_and_across_them(
    store: Store, make: Factory
) -> None:
    # The store indexes the minute of the last activity (written once a minute) and sorts
    # within it by the time itself: the order must not show it.
    one = await make.conversation("un", at=T0)
    two = await make.conversation("deux", at=T0)
    three = await make.conversation("trois", at=T0)
    for conversation, seconds in ((one, 10.001), (two, 10.002), (three, 9.5)):
        await store.conversations.append_message(
            conversation.id, draft("re", ts=later(seconds=seconds))
        )
    summaries = await store.queries.summaries(InboxView.ALL)
    assert [s.conversation.id for s in summaries] == [two.id, one.id, three.id]
    # Later in the same minute, then in the next minute: the most recent activity first;
    # a message stamped earlier (another process's clock) moves nothing back.
    await store.conversations.append_message(three.id, draft("and", ts=later(seconds=30)))
    await store.conversations.append_message(one.id, draft("so", ts=later(minutes=1)))
    summaries = await store.queries.summaries(InboxView.ALL)
    assert [s.conversation.id for s in summaries] == [one.id, three.id, two.id]
    await store.conversations.append_message(one.id, draft("late", ts=later(seconds=1)))
    summaries = await store.queries.summaries(InboxView.ALL, limit=2)
    assert [s.conversation.id for s in summaries] == [one.id, three.id]


async def test_all_view_lists_escalated_conversations(store: Store, make: Factory) -> None:
    ann = await make.operator("Ann")
    live, _ = await make.live(ann)
    queued, _ = await make.escalated()
    listed = {s.conversation.id for s in await store.queries.summaries(InboxView.ALL)}
    assert listed == {live.id, queued.id}


async def counts_match_lists(store: Store, operator: Operator) -> dict[InboxView, int]:
    counts = await store.queries.inbox_counts(operator.id)
    for view in InboxView:
        listed = await store.queries.summaries(view, operator_id=operator.id, limit=1000)
        assert counts[view] == len(listed), view
    return counts


async def test_inbox_counts_are_the_sizes_of_the_lists(store: Store, make: Factory) -> None:
    ann, bob = await make.operator("Ann"), await make.operator("Bob")
    assert await counts_match_lists(store, ann) == dict.fromkeys(InboxView, 0)
    await make.conversation()
    await make.conversation("bonjour")
    await make.escalated()
    await make.escalated(mode=Mode.WAITING)
    for _ in range(2):
        await make.live(ann)
    await make.live(bob)
    assert await counts_match_lists(store, ann) == {
        InboxView.QUEUE: 2,
        InboxView.MINE: 2,
        InboxView.ALL: 6,
    }
    assert (await counts_match_lists(store, bob))[InboxView.MINE] == 1


async def test_a_waiting_chat_leaves_the_queue_once_answered_until_the_visitor_writes(
    store: Store, make: Factory
) -> None:
    ann = await make.operator("Ann")
    conversation, ticket = await make.escalated(mode=Mode.WAITING)
    queued, _ = await make.escalated()
    assert (await counts_match_lists(store, ann))[InboxView.QUEUE] == 2
    # Ann answers the ticket (from its page, by mail): her reply is said in the chat.
    answered = TicketChanges(status=Status.OPEN, first_response_at=later(minutes=5))
    assert await store.helpdesk.change_ticket(ticket.id, answered, [], expect=None, now=T0)
    await store.conversations.append_message(
        conversation.id, draft("Voici la réponse", Author.OPERATOR, ts=later(minutes=5))
    )
    listed = await store.queries.summaries(InboxView.QUEUE)
    assert [s.conversation.id for s in listed] == [queued.id]
    assert await counts_match_lists(store, ann) == {
        InboxView.QUEUE: 1,
        InboxView.MINE: 0,
        InboxView.ALL: 2,
    }
    # The visitor writes again in the chat: someone should look.
    await store.conversations.append_message(conversation.id, draft("Merci, mais…"))
    assert (await counts_match_lists(store, ann))[InboxView.QUEUE] == 2


async def test_live_load_counts_each_operator_s_live_conversations(
    store: Store, make: Factory
) -> None:
    ann, bob, cyd = [await make.operator(n) for n in ("Ann", "Bob", "Cyd")]
    assert all(n == 0 for n in (await store.queries.live_load()).values())
    live = [(await make.live(ann))[0] for _ in range(2)]
    await make.live(bob)
    await make.escalated()
    load = await store.queries.live_load()
    assert (load[ann.id], load[bob.id], load.get(cyd.id, 0)) == (2, 1, 0)
    await store.routing.finish_conversation(live[0].id, mode=Mode.CLOSED, now=T0)
    await store.routing.requeue_conversation(live[1].id, now=T0)
    load = await store.queries.live_load()
    assert (load.get(ann.id, 0), load[bob.id]) == (0, 1)


async def test_ticket_counts_count_every_status(store: Store, make: Factory) -> None:
    assert await store.queries.ticket_counts() == dict.fromkeys(Status, 0)
    ann = await make.operator("Ann")
    await make.conversation("no ticket")
    await make.escalated()
    await make.escalated(mode=Mode.WAITING)
    await make.live(ann)
    finished, _ = await make.live(ann)
    await store.routing.finish_conversation(finished.id, mode=Mode.CLOSED, now=T0)
    counts = await store.queries.ticket_counts()
    expected = dict.fromkeys(Status, 0) | {Status.NEW: 2, Status.OPEN: 1, Status.RESOLVED: 1}
    assert counts == expected


async def test_ticket_load_counts_each_operator_s_tickets_waiting_on_the_desk(
    store: Store, make: Factory
) -> None:
    assert await store.queries.ticket_load() == {}
    ann, bob = await make.operator("Ann"), await make.operator("Bob")
    await make.escalated()  # nobody's
    await make.live(ann)
    await make.live(ann)
    finished, _ = await make.live(bob)
    await store.routing.finish_conversation(finished.id, mode=Mode.CLOSED, now=T0)
    assert await store.queries.ticket_load() == {ann.id: 2}  # resolved: not waiting
