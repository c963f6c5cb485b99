"""Contract of ConversationStore: visitors, conversations, messages, replies, modes."""

from __future__ import annotations

import asyncio

import pytest

from chatdesk.errors import NotFound
from chatdesk.models import MAX_PAGE, Author, LangSource, Mode, TicketChanges, new_id
from chatdesk.models.mail import OutboxMail
from chatdesk.store import Store
from chatdesk.store.conversations import miss_change, transcript_key

from .conftest import T0, Factory, draft, later


async def test_create_visitor_makes_a_first_conversation(store: Store) -> None:
    visitor, conversation = await store.conversations.create_visitor(lang="nl", page="/p", now=T0)
    assert (visitor.lang, visitor.created_at) == ("nl", T0)
    assert await store.conversations.get_visitor(visitor.id) == visitor
    current = await store.conversations.current_conversation(visitor.id)
    assert current == conversation
    assert await store.conversations.get_conversation(conversation.id) == conversation
    assert (current.visitor_id, current.lang, current.page) == (visitor.id, "nl", "/p")
    assert (current.created_at, current.last_seq, current.answered_seq) == (T0, 0, 0)
    assert current.mode is Mode.BOT


async def test_a_blocked_visitor_reads_blocked_until_then(store: Store) -> None:
    visitor, _ = await store.conversations.create_visitor(lang="fr", page="", now=T0)
    other, _ = await store.conversations.create_visitor(lang="fr", page="", now=T0)
    assert visitor.blocked_until is None and not visitor.blocked_at(T0)
    assert await store.conversations.block_visitor(visitor.id, later(days=7))
    blocked = await store.conversations.get_visitor(visitor.id)
    assert blocked is not None and blocked.blocked_until == later(days=7)
    assert blocked.blocked_at(later(days=6)) and not blocked.blocked_at(later(days=7))
    # A later block replaces it; others are untouched; nobody unknown is blocked.
    assert await store.conversations.block_visitor(visitor.id, later(days=1))
    again = await store.conversations.get_visitor(visitor.id)
    assert again is not None and again.blocked_until == later(days=1)
    assert await store.conversations.get_visitor(other.id) == other
    assert not await store.conversations.block_visitor("nobody", later(days=1))
    assert await store.conversations.block_visitor(visitor.id, later(days=3), by="op-1")
    [(listed, conversation_id)] = await store.conversations.blocked_visitors(later(days=2))
    assert (listed.id, listed.blocked_by, listed.blocked_until) == (
        visitor.id,
        "op-1",
        later(days=3),
    )
    current = await store.conversations.current_conversation(visitor.id)
    assert current is not None and conversation_id == current.id
    assert await store.conversations.blocked_visitors(later(days=3)) == []  # ended
    assert await store.conversations.block_visitor(visitor.id, None)  # lifted
    lifted = await store.conversations.get_visitor(visitor.id)
    assert lifted is not None and lifted.blocked_until is None


async def test_unknown_ids_read_as_none(store: Store) -> None:
    assert await store.conversations.get_visitor("nobody") is None
    assert await store.conversations.current_conversation("nobody") is None
    assert await store.conversations.get_conversation("nothing") is None


async def test_delete_visitor_forgets_conversations_and_messages(
    store: Store, make: Factory
) -> None:
    kept = await make.conversation("stays")
    gone = await make.conversation("bonjour", "encore")
    # The transcripts each asked for (the visitor's own is forgotten with them).
    mails = [
        OutboxMail("transcript", f"{who}@example.be", "fr", T0, data={"conversation_id": c.id},
                   key=transcript_key(c.id, mail_id), id=mail_id)
        for who, c in (("lea", gone), ("tom", kept))
        for mail_id in (new_id(),)
    ]  # fmt: skip
    assert await store.mail.enqueue_mails(mails) == 2
    await store.conversations.delete_visitor(gone.visitor_id)
    queued = await store.mail.claim_mails(later(days=1), until=later(days=1), limit=10)
    assert [m.to for m in queued] == ["tom@example.be"]
    assert await store.conversations.get_visitor(gone.visitor_id) is None
    assert await store.conversations.current_conversation(gone.visitor_id) is None
    assert await store.conversations.get_conversation(gone.id) is None
    assert await store.conversations.list_messages(gone.id) == ([], False)
    # Deleting again, or someone unknown, is no error; others are untouched.
    await store.conversations.delete_visitor(gone.visitor_id)
    await store.conversations.delete_visitor("nobody")
    messages, _ = await store.conversations.list_messages(kept.id)
    assert [m.text for m in messages] == ["stays"]


async def test_delete_visitor_keeps_tickets_without_conversation_or_contact(
    request: pytest.FixtureRequest, store: Store, make: Factory
) -> None:
    conversation, ticket = await make.escalated()
    await store.tickets.update_ticket(
        ticket.id, TicketChanges(requester_name="Léa", requester_email="lea@example.be"), T0
    )
    await store.conversations.delete_visitor(conversation.visitor_id)
    # An empty change reads the ticket back by id: it is still there.
    kept = await store.tickets.update_ticket(ticket.id, TicketChanges(), later(minutes=1))
    assert (kept.number, kept.subject) == (ticket.number, ticket.subject)
    assert kept.conversation_id is None
    assert (kept.requester_name, kept.requester_email) == ("", "")


async def test_append_assigns_sequence_numbers_from_one(store: Store, make: Factory) -> None:
    cid = (await make.conversation()).id
    seqs = []
    for text in ("a", "b", "c"):
        message, created = await store.conversations.append_message(cid, draft(text))
        assert created and message.conversation_id == cid
        seqs.append(message.seq)
    assert seqs == [1, 2, 3]
    assert (await make.reload(cid)).last_seq == 3


async def test_append_deduplicates_on_client_id(store: Store, make: Factory) -> None:
    cid = (await make.conversation()).id
    first, created = await store.conversations.append_message(
        cid, draft("hello", client_id="c1", extra={"k": [1, 2]})
    )
    again, created_again = await store.conversations.append_message(
        cid, draft("hello (retry)", client_id="c1")
    )
    assert created and not created_again
    assert again == first
    messages, more = await store.conversations.list_messages(cid)
    assert [m.text for m in messages] == ["hello"] and not more


async def test_client_id_is_scoped_to_author_and_conversation(store: Store, make: Factory) -> None:
    cid, other = (await make.conversation()).id, (await make.conversation()).id
    a, _ = await store.conversations.append_message(cid, draft("v", client_id="same"))
    b, created_b = await store.conversations.append_message(
        cid, draft("o", Author.OPERATOR, client_id="same")
    )
    c, created_c = await store.conversations.append_message(other, draft("v2", client_id="same"))
    assert created_b and created_c
    assert (a.seq, b.seq, c.seq) == (1, 2, 1)


async def test_concurrent_appends_get_unique_gapless_sequences(store: Store, make: Factory) -> None:
    cid = (await make.conversation()).id
    drafts = [draft(f"m{i}", client_id=f"id{i % 150}") for i in range(200)]
    results = await asyncio.gather(*(store.conversations.append_message(cid, d) for d in drafts))
    created = [m for m, was_created in results if was_created]
    assert sorted(m.seq for m in created) == list(range(1, 151))
    # Every retry got back the message created for its client id.
    by_client = {m.client_id: m for m in created}
    for message, _ in results:
        assert by_client[message.client_id] == message
    assert (await make.reload(cid)).last_seq == 150


async def test_append_to_unknown_conversation_fails_and_keeps_others(
    store: Store, make: Factory
) -> None:
    cid = (await make.conversation()).id
    good = store.conversations.append_message(cid, draft("kept"))
    bad = store.conversations.append_message("missing", draft("lost"))
    results = await asyncio.gather(good, bad, return_exceptions=True)
    assert isinstance(results[1], NotFound)
    messages, _ = await store.conversations.list_messages(cid)
    assert [m.text for m in messages] == ["kept"]


async def test_append_and_read_returns_the_conversation_after_the_append(
    store: Store, make: Factory
) -> None:
    cid = (await make.conversation()).id
    message, created, conversation = await store.conversations.append_and_read(
        cid, draft("hello", client_id="x")
    )
    assert created and conversation.id == cid and conversation.last_seq == message.seq == 1
    again, created_again, same = await store.conversations.append_and_read(
        cid, draft("hello", client_id="x")
    )
    assert again == message and not created_again and same.last_seq == 1
    with pytest.raises(NotFound):
        await store.conversations.append_and_read("missing", draft("lost"))


async def test_list_messages_pages_in_order(store: Store, make: Factory) -> None:
    cid = (await make.conversation(*(f"m{i}" for i in range(7)))).id
    page, more = await store.conversations.list_messages(cid, since=0, limit=3)
    assert [m.seq for m in page] == [1, 2, 3] and more
    page, more = await store.conversations.list_messages(cid, since=3, limit=3)
    assert [m.seq for m in page] == [4, 5, 6] and more
    page, more = await store.conversations.list_messages(cid, since=6, limit=3)
    assert [m.seq for m in page] == [7] and not more
    assert await store.conversations.list_messages(cid, since=7) == ([], False)


async def test_list_messages_is_capped_at_a_page(store: Store, make: Factory) -> None:
    cid = (await make.conversation()).id
    await asyncio.gather(
        *(store.conversations.append_message(cid, draft(f"m{i}")) for i in range(MAX_PAGE + 1))
    )
    page, more = await store.conversations.list_messages(cid, limit=10_000)
    assert [m.seq for m in page] == list(range(1, MAX_PAGE + 1)) and more
    page, more = await store.conversations.list_messages(cid, limit=1)
    assert [m.seq for m in page] == [1] and more


async def test_list_messages_clamps_the_limit_to_one_page(store: Store, make: Factory) -> None:
    cid = (await make.conversation("a", "b")).id
    page, more = await store.conversations.list_messages(cid, limit=0)
    assert [m.text for m in page] == ["a"] and more


async def test_messages_round_trip_every_field(store: Store, make: Factory) -> None:
    cid = (await make.conversation()).id
    sent = draft("Voilà <b>é</b> 😀", Author.BOT, extra={"entry_id": "x", "confidence": 0.5})
    stored, _ = await store.conversations.append_message(cid, sent)
    (loaded,), _ = await store.conversations.list_messages(cid)
    assert loaded == stored
    assert (loaded.id, loaded.ts, loaded.text, loaded.extra, loaded.author) == (
        sent.id,
        sent.ts,
        sent.text,
        sent.extra,
        Author.BOT,
    )


async def test_the_language_s_source_is_kept(store: Store) -> None:
    _, plain = await store.conversations.create_visitor(lang="fr", page="", now=T0)
    _, told = await store.conversations.create_visitor(
        lang="nl", page="", now=T0, lang_source=LangSource.SITE
    )
    assert plain.lang_source is LangSource.DEFAULT and told.lang_source is LangSource.SITE
    found = await store.conversations.get_conversation(told.id)
    assert found is not None and found.lang_source is LangSource.SITE


async def test_note_visit_updates_language_and_page(store: Store, make: Factory) -> None:
    cid = (await make.conversation()).id
    await store.conversations.note_visit(cid, lang="en", page="https://x.test/pricing")
    conversation = await make.reload(cid)
    assert (conversation.lang, conversation.page) == ("en", "https://x.test/pricing")
    assert conversation.lang_source is LangSource.DEFAULT  # no source given: kept
    await store.conversations.note_visit(cid, lang="nl", page="/nl", lang_source=LangSource.VISITOR)
    conversation = await make.reload(cid)
    assert (conversation.lang, conversation.lang_source) == ("nl", LangSource.VISITOR)
    await store.conversations.note_visit(cid, lang="nl", page="/nl/prijzen")
    conversation = await make.reload(cid)
    assert (conversation.page, conversation.lang_source) == ("/nl/prijzen", LangSource.VISITOR)


async def test_the_visitor_s_read_mark_only_moves_forward_to_the_last_message(
    store: Store, make: Factory
) -> None:
    cid = (await make.conversation("un", "deux", "trois")).id
    fresh = await make.reload(cid)
    assert (fresh.visitor_read_seq, fresh.visitor_read_at) == (0, None)
    assert await store.conversations.mark_read(cid, 2, later(minutes=1)) == 2
    seen = await make.reload(cid)
    assert (seen.visitor_read_seq, seen.visitor_read_at) == (2, later(minutes=1))
    # An older or equal mark (another tab, a late packet) changes nothing, nor its time.
    assert await store.conversations.mark_read(cid, 2, later(minutes=2)) is None
    assert await store.conversations.mark_read(cid, 1, later(minutes=2)) is None
    assert await make.reload(cid) == seen
    # A mark past the last message stops at it; then nothing more to see.
    assert await store.conversations.mark_read(cid, 99, later(minutes=3)) == 3
    assert await store.conversations.mark_read(cid, 99, later(minutes=4)) is None
    assert (await make.reload(cid)).visitor_read_at == later(minutes=3)
    assert await store.conversations.mark_read("nobody", 1, later(minutes=5)) is None
    # The operator's mark moves on its own.
    assert seen.operator_read_seq == 0 and seen.operator_read_at is None
    assert await store.conversations.mark_read(cid, 1, later(minutes=6), side="operator") == 1
    assert await store.conversations.mark_read(cid, 1, later(minutes=7), side="operator") is None
    both = await make.reload(cid)
    assert (both.operator_read_seq, both.operator_read_at) == (1, later(minutes=6))
    assert (both.visitor_read_seq, both.visitor_read_at) == (3, later(minutes=3))


async def test_append_replies_is_a_compare_and_set(store: Store, make: Factory) -> None:
    cid = (await make.conversation("question")).id
    replies = [draft("answer", Author.BOT), draft("more?", Author.BOT)]
    stored = await store.conversations.append_replies(cid, replies, answered_from=0, answered_to=1)
    assert stored is not None
    assert [(m.seq, m.text, m.author) for m in stored] == [
        (2, "answer", Author.BOT),
        (3, "more?", Author.BOT),
    ]
    assert [m.id for m in stored] == [d.id for d in replies]
    assert (await make.reload(cid)).answered_seq == 1
    # Answered meanwhile: nothing stored.
    late = [draft("late", Author.BOT)]
    assert (
        await store.conversations.append_replies(cid, late, answered_from=0, answered_to=1) is None
    )
    conversation = await make.reload(cid)
    assert (conversation.last_seq, conversation.answered_seq) == (3, 1)
    # No reply at all still moves the cursor.
    await store.conversations.append_message(cid, draft("thanks"))
    assert await store.conversations.append_replies(cid, [], answered_from=1, answered_to=4) == []
    conversation = await make.reload(cid)
    assert (conversation.last_seq, conversation.answered_seq) == (4, 4)


async def test_a_visitor_message_counts_as_answered_once_stored_when_people_have_it(
    store: Store, make: Factory
) -> None:
    cid = (await make.conversation("question")).id
    # With the bot, a visitor's message waits for its answer (the compare-and-set above).
    assert (await make.reload(cid)).answered_seq == 0
    for seq, mode in enumerate((Mode.QUEUED, Mode.LIVE, Mode.WAITING), start=2):
        await store.conversations.set_mode(cid, mode)
        _, _, conversation = await store.conversations.append_and_read(cid, draft("still there?"))
        assert (conversation.last_seq, conversation.answered_seq) == (seq, seq)
        assert await make.reload(cid) == conversation
    # The team's own messages answer nothing; a closed conversation goes back to the bot
    # on the visitor's next message, which then waits for the bot's answer.
    await store.conversations.append_message(cid, draft("on it", Author.OPERATOR))
    await store.conversations.set_mode(cid, Mode.CLOSED)
    _, _, conversation = await store.conversations.append_and_read(cid, draft("hello again"))
    assert (conversation.last_seq, conversation.answered_seq) == (6, 4)


async def test_racing_append_replies_store_once(store: Store, make: Factory) -> None:
    cid = (await make.conversation("question")).id
    results = await asyncio.gather(
        *(
            store.conversations.append_replies(
                cid, [draft(f"answer {i}", Author.BOT)], answered_from=0, answered_to=1
            )
            for i in range(2)
        )
    )
    winners = [r for r in results if r is not None]
    assert len(winners) == 1 and results.count(None) == 1
    messages, _ = await store.conversations.list_messages(cid)
    assert [m.text for m in messages] == ["question", winners[0][0].text]


async def test_replies_stay_contiguous_among_concurrent_appends(
    store: Store, make: Factory
) -> None:
    cid = (await make.conversation("question")).id
    replies = [draft(f"r{i}", Author.BOT) for i in range(5)]
    results = await asyncio.gather(
        *(store.conversations.append_message(cid, draft(f"v{i}")) for i in range(10)),
        store.conversations.append_replies(cid, replies, answered_from=0, answered_to=1),
        *(store.conversations.append_message(cid, draft(f"w{i}")) for i in range(10)),
    )
    stored = results[10]
    assert isinstance(stored, list)
    seqs = [m.seq for m in stored]
    assert seqs == list(range(seqs[0], seqs[0] + 5))
    assert [m.text for m in stored] == [d.text for d in replies]


async def test_set_mode_with_and_without_expectation(store: Store, make: Factory) -> None:
    cid = (await make.conversation()).id
    assert await store.conversations.set_mode(cid, Mode.WAITING, expect=Mode.BOT)
    assert (await make.reload(cid)).mode is Mode.WAITING
    assert not await store.conversations.set_mode(cid, Mode.CLOSED, expect=Mode.BOT)
    assert (await make.reload(cid)).mode is Mode.WAITING
    assert await store.conversations.set_mode(cid, Mode.BOT)
    assert (await make.reload(cid)).mode is Mode.BOT


async def test_racing_set_mode_with_expectation_has_one_winner(store: Store, make: Factory) -> None:
    cid = (await make.conversation()).id
    results = await asyncio.gather(
        *(
            store.conversations.set_mode(cid, mode, expect=Mode.BOT)
            for mode in (Mode.WAITING, Mode.CLOSED, Mode.WAITING, Mode.CLOSED)
        )
    )
    assert results.count(True) == 1
    assert (await make.reload(cid)).mode is not Mode.BOT


async def test_replies_count_the_bots_misses_in_a_row(store: Store, make: Factory) -> None:
    cid = (await make.conversation("q1")).id
    append = store.conversations.append_replies

    async def answer(misses: list[bool]) -> int:
        conversation = await make.reload(cid)
        await store.conversations.append_message(cid, draft("again"))
        to = conversation.last_seq + 1
        assert (
            await append(
                cid, [], answered_from=conversation.answered_seq, answered_to=to, misses=misses
            )
            == []
        )
        return (await make.reload(cid)).bot_misses

    assert await answer([True]) == 1
    assert await answer([True, True]) == 3
    assert await answer([]) == 3  # small talk: neither
    assert await answer([True, False, True]) == 1  # a hit starts them again
    assert await answer([False]) == 0
    # Answered meanwhile: the misses are not counted either.
    conversation = await make.reload(cid)
    late = await append(cid, [], answered_from=0, answered_to=1, misses=[True])
    assert late is None and (await make.reload(cid)).bot_misses == conversation.bot_misses


async def test_racing_replies_count_misses_once(store: Store, make: Factory) -> None:
    cid = (await make.conversation("question")).id
    await asyncio.gather(
        *(
            store.conversations.append_replies(
                cid, [], answered_from=0, answered_to=1, misses=[True]
            )
            for _ in range(5)
        )
    )
    assert (await make.reload(cid)).bot_misses == 1


def test_miss_change() -> None:
    assert miss_change([]) == (False, 0)
    assert miss_change([True, True]) == (False, 2)
    assert miss_change([True, False]) == (True, 0)
    assert miss_change([False, True, True]) == (True, 2)


async def test_the_store_answers(store: Store) -> None:
    await store.ping()
    assert store.name
