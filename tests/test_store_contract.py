"""The Store contract: every backend must pass every test here (``store`` is parametrized)."""

from __future__ import annotations

import asyncio

import pytest

from chatdesk.errors import NotFound
from chatdesk.models import Author, MessageDraft, utcnow
from chatdesk.store import Store


async def new_conversation(store: Store) -> str:
    _, conversation = await store.conversations.create_visitor(
        lang="fr", page="https://x.test/", now=utcnow()
    )
    return conversation.id


async def test_create_visitor_makes_a_first_conversation(store: Store) -> None:
    visitor, conversation = await store.conversations.create_visitor(
        lang="nl", page="/p", now=utcnow()
    )
    assert await store.conversations.get_visitor(visitor.id) == visitor
    current = await store.conversations.current_conversation(visitor.id)
    assert current == conversation
    assert (current.lang, current.page, current.last_seq) == ("nl", "/p", 0)
    assert await store.conversations.get_visitor("nobody") is None
    assert await store.conversations.current_conversation("nobody") is None


async def test_append_assigns_sequence_numbers_from_one(store: Store) -> None:
    cid = await new_conversation(store)
    seqs = []
    for text in ("a", "b", "c"):
        message, created = await store.conversations.append_message(
            cid, MessageDraft(Author.VISITOR, text)
        )
        assert created
        seqs.append(message.seq)
    assert seqs == [1, 2, 3]
    conversation = await store.conversations.get_conversation(cid)
    assert conversation is not None and conversation.last_seq == 3


async def test_append_deduplicates_on_client_id(store: Store) -> None:
    cid = await new_conversation(store)
    first, created = await store.conversations.append_message(
        cid, MessageDraft(Author.VISITOR, "hello", client_id="c1", extra={"k": [1, 2]})
    )
    again, created_again = await store.conversations.append_message(
        cid, MessageDraft(Author.VISITOR, "hello (retry)", client_id="c1")
    )
    assert created and not created_again
    assert again == first
    messages, more = await store.conversations.list_messages(cid)
    assert [m.text for m in messages] == ["hello"] and not more


async def test_client_id_is_scoped_to_author_and_conversation(store: Store) -> None:
    cid, other = await new_conversation(store), await new_conversation(store)
    a, _ = await store.conversations.append_message(
        cid, MessageDraft(Author.VISITOR, "v", client_id="same")
    )
    b, created_b = await store.conversations.append_message(
        cid, MessageDraft(Author.OPERATOR, "o", client_id="same")
    )
    c, created_c = await store.conversations.append_message(
        other, MessageDraft(Author.VISITOR, "v2", client_id="same")
    )
    assert created_b and created_c
    assert (a.seq, b.seq, c.seq) == (1, 2, 1)


async def test_concurrent_appends_get_unique_gapless_sequences(store: Store) -> None:
    cid = await new_conversation(store)
    drafts = [MessageDraft(Author.VISITOR, f"m{i}", client_id=f"id{i % 150}") for i in range(200)]
    results = await asyncio.gather(*(store.conversations.append_message(cid, d) for d in drafts))
    created = [m for m, was_created in results if was_created]
    assert sorted(m.seq for m in created) == list(range(1, 151))
    # Every retry got back the message created for its client id.
    by_client = {m.client_id: m for m in created}
    for message, _ in results:
        assert by_client[message.client_id] == message


async def test_append_to_unknown_conversation_fails_and_keeps_others(store: Store) -> None:
    cid = await new_conversation(store)
    good = store.conversations.append_message(cid, MessageDraft(Author.VISITOR, "kept"))
    bad = store.conversations.append_message("missing", MessageDraft(Author.VISITOR, "lost"))
    results = await asyncio.gather(good, bad, return_exceptions=True)
    assert isinstance(results[1], NotFound)
    messages, _ = await store.conversations.list_messages(cid)
    assert [m.text for m in messages] == ["kept"]


async def test_list_messages_pages_in_order(store: Store) -> None:
    cid = await new_conversation(store)
    for i in range(7):
        await store.conversations.append_message(cid, MessageDraft(Author.VISITOR, f"m{i}"))
    page, more = await store.conversations.list_messages(cid, since=0, limit=3)
    assert [m.seq for m in page] == [1, 2, 3] and more
    page, more = await store.conversations.list_messages(cid, since=3, limit=3)
    assert [m.seq for m in page] == [4, 5, 6] and more
    page, more = await store.conversations.list_messages(cid, since=6, limit=3)
    assert [m.seq for m in page] == [7] and not more
    page, more = await store.conversations.list_messages(cid, since=7)
    assert page == [] and not more


async def test_messages_round_trip_every_field(store: Store) -> None:
    cid = await new_conversation(store)
    draft = MessageDraft(
        Author.BOT, "Voilà <b>é</b> 😀", client_id=None, extra={"entry_id": "x", "confidence": 0.5}
    )
    stored, _ = await store.conversations.append_message(cid, draft)
    (loaded,), _ = await store.conversations.list_messages(cid)
    assert loaded == stored
    assert (loaded.id, loaded.ts, loaded.text, loaded.extra) == (
        draft.id,
        draft.ts,
        draft.text,
        draft.extra,
    )


async def test_note_visit_updates_language_and_page(store: Store) -> None:
    cid = await new_conversation(store)
    await store.conversations.note_visit(cid, lang="en", page="https://x.test/pricing")
    conversation = await store.conversations.get_conversation(cid)
    assert conversation is not None
    assert (conversation.lang, conversation.page) == ("en", "https://x.test/pricing")


async def test_ping(store: Store) -> None:
    await store.ping()
    assert store.name


@pytest.mark.parametrize("limit", [0, 1, 10_000])
async def test_list_limit_is_clamped(store: Store, limit: int) -> None:
    cid = await new_conversation(store)
    for i in range(3):
        await store.conversations.append_message(cid, MessageDraft(Author.VISITOR, f"m{i}"))
    page, _ = await store.conversations.list_messages(cid, limit=limit)
    assert 1 <= len(page) <= 3


async def test_append_and_read_returns_the_conversation_after_the_append(store: Store) -> None:
    cid = await new_conversation(store)
    message, created, conversation = await store.conversations.append_and_read(
        cid, MessageDraft(Author.VISITOR, "hello", client_id="x")
    )
    assert created and conversation.id == cid and conversation.last_seq == message.seq == 1
    again, created_again, same = await store.conversations.append_and_read(
        cid, MessageDraft(Author.VISITOR, "hello", client_id="x")
    )
    assert again == message and not created_again and same.last_seq == 1
