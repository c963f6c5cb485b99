"""Contract of HelpStore and of the pages' votes in FeedbackStore: what reports count."""

from __future__ import annotations

from chatdesk.models import Author, EntryActivity, SearchMiss, Votes
from chatdesk.store import Store

from .conftest import T0, Factory, draft, later


async def test_a_fresh_store_has_no_activity(store: Store) -> None:
    assert await store.help.activity() == {}
    assert await store.help.search_misses() == []
    assert await store.feedback.votes() == {}


async def test_views_are_counted_per_entry(store: Store) -> None:
    for minutes in (0, 1, 2):
        await store.help.record_view("billing", "fr", now=later(minutes=minutes))
    await store.help.record_view("billing", "nl", now=later(minutes=3))
    await store.help.record_view("hours", "en", now=later(minutes=4))
    assert await store.help.activity() == {
        "billing": EntryActivity(views=4),
        "hours": EntryActivity(views=1),
    }


async def test_views_are_kept_per_hour(store: Store) -> None:
    # T0 is 9:30: the 9:00 hour holds two views, the 10:00 hour one, the next day one.
    await store.help.record_view("billing", "fr", now=T0)
    await store.help.record_view("billing", "fr", now=later(minutes=20))
    await store.help.record_view("billing", "fr", now=later(minutes=45))
    await store.help.record_view("billing", "fr", now=later(days=1))
    in_hour = await store.help.activity(since=later(minutes=10), until=later(minutes=20))
    assert in_hour == {"billing": EntryActivity(views=2)}  # the whole 9:00 hour
    assert await store.help.activity(since=later(minutes=30), until=later(hours=2)) == {
        "billing": EntryActivity(views=1)
    }
    assert await store.help.activity(since=later(days=1)) == {"billing": EntryActivity(views=1)}
    assert await store.help.activity(until=later(minutes=-30)) == {}


async def test_deflections_are_counted_in_their_period(store: Store) -> None:
    await store.help.record_deflection("password-reset", "fr", "mot de passe perdu", now=T0)
    await store.help.record_deflection("password-reset", "en", "lost password", now=later(hours=1))
    await store.help.record_deflection("invoices", "nl", "factuur", now=later(days=2))
    await store.help.record_view("password-reset", "fr", now=T0)
    assert await store.help.activity() == {
        "password-reset": EntryActivity(views=1, deflections=2),
        "invoices": EntryActivity(deflections=1),
    }
    assert await store.help.activity(since=later(hours=1), until=later(days=1)) == {
        "password-reset": EntryActivity(deflections=1)
    }
    # The view's hour (9:00) is touched by a period starting at 9:31: its views count.
    assert await store.help.activity(since=later(minutes=1), until=later(days=1)) == {
        "password-reset": EntryActivity(views=1, deflections=1)
    }


async def test_operators_quotes_are_counted_per_hour_beside_views_and_deflections(
    store: Store,
) -> None:
    await store.help.record_quote("invoices", "fr", now=T0)
    await store.help.record_quote("invoices", "nl", now=later(minutes=10))
    await store.help.record_quote("invoices", "fr", now=later(days=1))
    await store.help.record_quote("hours", "en", now=later(hours=2))
    await store.help.record_view("invoices", "fr", now=T0)
    await store.help.record_deflection("hours", "en", "horaires", now=T0)
    assert await store.help.activity() == {
        "invoices": EntryActivity(views=1, quotes=3),
        "hours": EntryActivity(deflections=1, quotes=1),
    }
    # Kept per hour as views are: the 9:00 hour counts whole for a period from 9:45.
    assert await store.help.activity(since=later(minutes=15), until=later(hours=1)) == {
        "invoices": EntryActivity(views=1, quotes=2)
    }
    assert await store.help.activity(since=later(hours=2), until=later(hours=20)) == {
        "hours": EntryActivity(quotes=1)
    }


async def test_search_misses_come_back_newest_first_within_the_period(store: Store) -> None:
    await store.help.record_search_miss(
        "météo demain", "fr", best_entry_id=None, confidence=0.0, now=T0
    )
    await store.help.record_search_miss(
        "kan ik met bitcoin betalen", "nl", best_entry_id="payment-methods", confidence=0.21,
        now=later(minutes=5), source="operator",
    )  # fmt: skip
    await store.help.record_search_miss(
        "webinar", "en", best_entry_id="business-hours", confidence=0.05, now=later(days=3)
    )
    assert await store.help.search_misses(until=later(days=1)) == [
        SearchMiss(
            "kan ik met bitcoin betalen",
            "nl",
            "payment-methods",
            0.21,
            later(minutes=5),
            source="operator",
        ),
        SearchMiss("météo demain", "fr", None, 0.0, T0),  # a reader's, by default
    ]
    newest = await store.help.search_misses(limit=1)
    assert [m.query for m in newest] == ["webinar"]
    assert [m.query for m in await store.help.search_misses(since=later(minutes=1))] == [
        "webinar",
        "kan ik met bitcoin betalen",
    ]


async def test_page_votes_one_per_reader_and_entry_the_last_one_counts(store: Store) -> None:
    await store.feedback.record_page_vote("billing", "fr", "reader-a", useful=True, now=T0)
    await store.feedback.record_page_vote("billing", "fr", "reader-b", useful=True, now=T0)
    await store.feedback.record_page_vote(
        "billing", "nl", "reader-a", useful=False, now=later(minutes=1)
    )
    await store.feedback.record_page_vote("hours", "en", "reader-a", useful=True, now=T0)
    assert await store.feedback.votes() == {
        "billing": Votes(page_useful=1, page_not_useful=1),
        "hours": Votes(page_useful=1),
    }
    # The bot's ratings are another thing: page votes are not bot answers.
    assert await store.feedback.feedback_summary() == {}


async def test_votes_add_the_bots_ratings_and_the_pages_per_period(
    store: Store, make: Factory
) -> None:
    conversation = await make.conversation("où sont mes factures")
    answer, _ = await store.conversations.append_message(
        conversation.id,
        draft("Dans votre espace client.", Author.BOT, extra={"entry_id": "billing"}),
    )
    await store.feedback.record_feedback(conversation.id, answer.id, useful=False, now=T0)
    await store.feedback.record_page_vote("billing", "fr", "reader-a", useful=True, now=T0)
    await store.feedback.record_page_vote(
        "billing", "fr", "reader-b", useful=True, now=later(days=1)
    )
    assert await store.feedback.votes() == {
        "billing": Votes(bot_useful=0, bot_not_useful=1, page_useful=2, page_not_useful=0)
    }
    assert await store.feedback.votes(since=later(hours=1)) == {"billing": Votes(page_useful=1)}
    assert await store.feedback.votes(until=later(hours=1)) == {
        "billing": Votes(bot_not_useful=1, page_useful=1)
    }
