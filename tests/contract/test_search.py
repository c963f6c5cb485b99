"""Contract of the tickets' full text: the same words found on every backend."""

from __future__ import annotations

import asyncio

from chatdesk.models import AuthorKind, TicketChanges, TicketMessage, TicketQuery
from chatdesk.store import Store

from .conftest import later
from .test_helpdesk import filed, reply

#: French text's apostrophe (U+2019): punctuation between words, as "'" is.
APOSTROPHE = "\N{RIGHT SINGLE QUOTATION MARK}"


async def found(store: Store, q: str) -> list[str]:
    page = await store.ticket_queries.search_tickets(TicketQuery(q=q, sort="number"))
    return [t.id for t in page.tickets]


async def test_words_are_cut_at_punctuation_and_folded(store: Store) -> None:
    ticket = await filed(
        store,
        subject=f"L{APOSTROPHE}école d{APOSTROPHE}été",
        description="Écrivez à jan@example.com ou voyez https://status.example.be/incidents",
    )
    await store.helpdesk.post_ticket_message(
        reply(ticket, "mot_de_passe, e-mail; ÇA MARCHE"),
        [],
        TicketChanges(),
        [],
        expect=None,
        now=later(minutes=1),
    )
    for q in (
        "ecole",
        "ÉTÉ",
        f"l{APOSTROPHE}école",
        "example",
        "jan exam",
        "incidents",
        "passe",
        "mail",
    ):
        assert await found(store, q) == [ticket.id], q
    assert await found(store, "ca marche") == [ticket.id]
    assert await found(store, "marché") == [ticket.id]  # a prefix of "marche"
    assert await found(store, "ecoles") == []  # longer than any word
    assert await found(store, "ecole absent") == []  # every word must match


async def test_the_index_follows_edits_and_every_post(store: Store) -> None:
    ticket = await filed(store, subject="Imprimante", description="Bourrage papier")
    await store.helpdesk.change_ticket(
        ticket.id,
        TicketChanges(subject="Scanner", fields={"serial": "XK-4411"}),
        [],
        expect=None,
        now=later(minutes=1),
    )
    assert await found(store, "imprimante") == []
    assert await found(store, "scanner bourrage 4411") == [ticket.id]
    # Racing posts on one ticket: each one's words are in the index after.
    words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot"]
    await asyncio.gather(
        *(
            store.helpdesk.post_ticket_message(
                TicketMessage(ticket.id, AuthorKind.OPERATOR, f"op{i}", word, ts=later(minutes=2)),
                [],
                TicketChanges(),
                [],
                expect=None,
                now=later(minutes=2),
            )
            for i, word in enumerate(words)
        )
    )
    assert await found(store, " ".join(words)) == [ticket.id]


async def test_a_long_thread_stays_searchable(store: Store) -> None:
    ticket = await filed(store, subject="Journal", description="début " + "x" * 5000)
    many = " ".join(f"w{i:06d}" for i in range(60_000))  # more distinct words than a row holds
    await store.helpdesk.post_ticket_message(
        reply(ticket, many), [], TicketChanges(), [], expect=None, now=later(minutes=1)
    )
    assert await found(store, "journal debut") == [ticket.id]
    assert await found(store, "w000001") == [ticket.id]
    assert await found(store, "x" * 40) == [ticket.id]  # a long word, by its beginning


async def test_a_number_finds_its_ticket(store: Store) -> None:
    first = await filed(store, subject="Premier")
    second = await filed(store, subject="Second")
    page = await store.ticket_queries.search_tickets(TicketQuery(number=second.number))
    assert [t.id for t in page.tickets] == [second.id] and page.total == 1
    page = await store.ticket_queries.search_tickets(TicketQuery(number=first.number + 100))
    assert page.tickets == [] and page.total == 0
