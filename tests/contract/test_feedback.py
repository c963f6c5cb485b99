"""Contract of FeedbackStore: visitors' ratings of bot answers, and their choices."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from chatdesk.errors import NotFound
from chatdesk.models import Author, Conversation, Message, MessageDraft
from chatdesk.store import Store

from .conftest import T0, Factory, draft, later


async def bot_answer(store: Store, conversation: Conversation, entry_id: str | None) -> Message:
    extra = {"entry_id": entry_id} if entry_id else {}
    message, _ = await store.conversations.append_message(
        conversation.id, draft("Voici la réponse", Author.BOT, extra=extra)
    )
    return message


async def test_summary_of_a_fresh_store_is_empty(store: Store) -> None:
    assert await store.feedback.feedback_summary() == {}


async def test_ratings_are_summed_per_entry(store: Store, make: Factory) -> None:
    first, second = await make.conversation("q"), await make.conversation("q")
    a1 = await bot_answer(store, first, "billing")
    a2 = await bot_answer(store, second, "billing")
    b1 = await bot_answer(store, first, "hours")
    unlinked = await bot_answer(store, second, None)  # no entry: nothing to count it under
    await store.feedback.record_feedback(first.id, a1.id, useful=True, now=T0)
    await store.feedback.record_feedback(second.id, unlinked.id, useful=False, now=T0)
    await store.feedback.record_feedback(second.id, a2.id, useful=False, now=T0)
    await store.feedback.record_feedback(first.id, b1.id, useful=True, now=T0)
    assert await store.feedback.feedback_summary() == {"billing": (1, 1), "hours": (1, 0)}


async def test_a_new_rating_replaces_the_old_one(store: Store, make: Factory) -> None:
    conversation = await make.conversation("q")
    answer = await bot_answer(store, conversation, "billing")
    await store.feedback.record_feedback(conversation.id, answer.id, useful=True, now=T0)
    await store.feedback.record_feedback(
        conversation.id, answer.id, useful=False, now=later(seconds=5)
    )
    assert await store.feedback.feedback_summary() == {"billing": (0, 1)}


async def test_only_bot_messages_of_the_conversation_can_be_rated(
    store: Store, make: Factory
) -> None:
    conversation, other = await make.conversation(), await make.conversation()
    question, _ = await store.conversations.append_message(conversation.id, draft("q"))
    answer = await bot_answer(store, conversation, "billing")
    with pytest.raises(NotFound):  # a visitor message
        await store.feedback.record_feedback(conversation.id, question.id, useful=True, now=T0)
    with pytest.raises(NotFound):  # someone else's conversation
        await store.feedback.record_feedback(other.id, answer.id, useful=True, now=T0)
    with pytest.raises(NotFound):  # no such message
        await store.feedback.record_feedback(conversation.id, "nothing", useful=True, now=T0)
    assert await store.feedback.feedback_summary() == {}


async def test_ratings_of_a_forgotten_visitor_no_longer_count(store: Store, make: Factory) -> None:
    kept, gone = await make.conversation("q"), await make.conversation("q")
    for conversation in (kept, gone):
        answer = await bot_answer(store, conversation, "billing")
        await store.feedback.record_feedback(conversation.id, answer.id, useful=True, now=T0)
    assert await store.feedback.feedback_summary() == {"billing": (2, 0)}
    await store.conversations.delete_visitor(gone.visitor_id)
    assert await store.feedback.feedback_summary() == {"billing": (1, 0)}


async def test_recording_a_choice_is_not_a_rating(store: Store, make: Factory) -> None:
    conversation = await make.conversation()
    picked, _ = await store.conversations.append_message(conversation.id, draft("Horaires"))
    await store.feedback.record_choice(conversation.id, picked.id, "hours", T0)
    # Remembering it again (a retried pick) is no error.
    await store.feedback.record_choice(conversation.id, picked.id, "hours", later(seconds=1))
    assert await store.feedback.feedback_summary() == {}
    messages, _ = await store.conversations.list_messages(conversation.id)
    assert [m.id for m in messages] == [picked.id]


async def test_store_misses_contract(store: Store) -> None:
    """What counts as a miss, on every store backend (no server)."""
    _, conversation = await store.conversations.create_visitor(lang="nl", page="", now=T0)
    cid = conversation.id

    async def say(author: Author, text: str, minutes: int, **extra: Any) -> Message:
        made = MessageDraft(author, text, extra=extra, ts=T0 + timedelta(minutes=minutes))
        return (await store.conversations.append_message(cid, made))[0]

    await say(Author.VISITOR, "hallo", 0)
    await say(Author.BOT, "Hallo!", 0, kind="small_talk", lang="nl")  # not a miss
    await say(Author.VISITOR, "waar is mijn factuur", 1)
    answer = await say(Author.BOT, "In uw klantenzone.", 1, kind="answer", lang="nl",
                       entry_id="invoices")  # fmt: skip
    await store.feedback.record_feedback(
        cid, answer.id, useful=False, now=T0 + timedelta(minutes=2)
    )
    await say(Author.VISITOR, "hoe verhuis ik mijn domein", 3)
    await say(Author.BOT, "Bedoelde u:", 3, kind="suggest", lang="nl", entry_id=None)
    misses = await store.feedback.misses()
    assert [(m.kind, m.text, m.entry_id, m.lang) for m in misses] == [
        ("no_answer", "hoe verhuis ik mijn domein", None, "nl"),
        ("thumbs_down", "waar is mijn factuur", "invoices", "nl"),
    ]
    assert misses[0].conversation_id == cid
    assert await store.feedback.misses(since=T0 + timedelta(minutes=2, seconds=30)) == misses[:1]


async def test_dismissed_misses_contract(store: Store) -> None:
    """Dismissed misses are remembered by key, once, with the miss's own time."""
    _, conversation = await store.conversations.create_visitor(lang="fr", page="", now=T0)
    cid = conversation.id
    for minutes, text in ((0, "puis-je payer en bitcoin"), (5, "bitcoin accepté ?")):
        ts = T0 + timedelta(minutes=minutes)
        await store.conversations.append_message(cid, MessageDraft(Author.VISITOR, text, ts=ts))
        bot = MessageDraft(Author.BOT, "Je ne sais pas.", extra={"kind": "no_answer"}, ts=ts)
        await store.conversations.append_message(cid, bot)
    assert await store.feedback.dismissed_misses() == set()
    newer, older = await store.feedback.misses()
    assert newer.text == "bitcoin accepté ?"
    await store.feedback.dismiss_misses([older, newer], "op-1", later(minutes=10))
    # Again (two admins, or a retried form): no error, nothing changes.
    await store.feedback.dismiss_misses([newer, newer], "op-2", later(minutes=11))
    assert await store.feedback.dismissed_misses() == {older.key, newer.key}
    # The misses read again have the same keys; `since` is the misses' time.
    assert {m.key for m in await store.feedback.misses()} == {older.key, newer.key}
    assert await store.feedback.dismissed_misses(since=T0 + timedelta(minutes=1)) == {newer.key}
    assert await store.feedback.dismissed_misses(since=later(minutes=6)) == set()
    await store.feedback.dismiss_misses([], "op-1", later(minutes=12))  # nothing to do
