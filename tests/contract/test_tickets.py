"""Contract of TicketStore and NoteStore: numbered tickets and private notes."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import datetime

import pytest

from chatdesk.errors import NotFound
from chatdesk.models import (
    Mode,
    Note,
    Operator,
    Status,
    TicketChanges,
    TicketDraft,
    TicketQuery,
    new_id,
)
from chatdesk.store import Store

from .conftest import T0, Factory, later

DRAFT = TicketDraft(
    subject="Facture", department="billing", priority="high", reason="asked", due_at=later(hours=4)
)


def note(
    conversation_id: str,
    text: str,
    author: Operator,
    *,
    ts: datetime = T0,
    client_id: str | None = None,
) -> Note:
    return Note(new_id(), conversation_id, author.id, author.name, text, ts, client_id)


async def test_open_ticket_numbers_it_and_hands_the_conversation_over(
    store: Store, make: Factory
) -> None:
    cid = (await make.conversation("Ma facture")).id
    assert await store.tickets.current_ticket(cid) is None
    ticket = await store.tickets.open_ticket(cid, DRAFT, mode=Mode.QUEUED, now=T0)
    assert ticket is not None and ticket.number > 0
    assert (ticket.conversation_id, ticket.status, ticket.created_at) == (cid, Status.NEW, T0)
    assert (ticket.subject, ticket.department, ticket.priority) == ("Facture", "billing", "high")
    assert (ticket.reason, ticket.due_at, ticket.operator_id) == ("asked", later(hours=4), None)
    assert await store.tickets.current_ticket(cid) == ticket
    conversation = await make.reload(cid)
    assert (conversation.mode, conversation.department, conversation.priority) == (
        Mode.QUEUED,
        "billing",
        "high",
    )
    assert conversation.queued_at == T0


async def test_a_chat_ticket_has_the_helpdesk_s_columns_and_is_searchable(
    store: Store, make: Factory
) -> None:
    cid = (await make.conversation("Waar is mijn factuur?", lang="nl")).id
    draft = dataclasses.replace(
        DRAFT, subject="Factuur foutief", resolution_due=later(days=2), sla_alert_at=later(hours=3)
    )
    ticket = await store.tickets.open_ticket(cid, draft, mode=Mode.QUEUED, now=T0)
    assert ticket is not None and await store.tickets.current_ticket(cid) == ticket
    assert (ticket.lang, ticket.resolution_due, ticket.sla_alert_at, ticket.status_at) == (
        "nl",
        later(days=2),
        later(hours=3),
        T0,
    )

    async def found(q: str) -> list[str]:
        page = await store.ticket_queries.search_tickets(TicketQuery(q=q))
        return [t.id for t in page.tickets]

    assert await found("foutief") == [ticket.id]
    await store.tickets.update_ticket(
        ticket.id, TicketChanges(subject="Terugbetaling", fields={"order": "A-778"}), later()
    )
    assert await found("foutief") == []
    assert await found("terugbet 778") == [ticket.id]
    ann = await make.operator("Ann")
    await store.routing.claim_conversation(cid, ann.id, capacity=5, now=later(minutes=2))
    claimed = await store.tickets.current_ticket(cid)
    assert claimed is not None and claimed.status is Status.OPEN
    assert claimed.status_at == later(minutes=2)  # a new status says since when


async def test_one_ticket_at_a_time(store: Store, make: Factory) -> None:
    for mode in (Mode.QUEUED, Mode.WAITING):
        conversation, ticket = await make.escalated(mode=mode)
        assert conversation.mode is mode
        again = await store.tickets.open_ticket(conversation.id, DRAFT, mode=Mode.QUEUED, now=T0)
        assert again is None
        assert await store.tickets.current_ticket(conversation.id) == ticket
        assert (await make.reload(conversation.id)).mode is mode
    ann = await make.operator("Ann")
    live, ticket = await make.live(ann)
    assert await store.tickets.open_ticket(live.id, DRAFT, mode=Mode.QUEUED, now=T0) is None
    assert await store.tickets.current_ticket(live.id) == ticket


async def test_opening_a_ticket_needs_a_conversation(store: Store) -> None:
    with pytest.raises(NotFound):
        await store.tickets.open_ticket("missing", DRAFT, mode=Mode.QUEUED, now=T0)
    assert await store.tickets.current_ticket("missing") is None


async def test_concurrent_opens_get_distinct_numbers(store: Store, make: Factory) -> None:
    cids = [(await make.conversation(f"q{i}")).id for i in range(30)]
    tickets = await asyncio.gather(
        *(store.tickets.open_ticket(c, DRAFT, mode=Mode.QUEUED, now=T0) for c in cids)
    )
    numbers = [t.number for t in tickets if t is not None]
    assert len(set(numbers)) == len(cids)


async def test_racing_opens_of_one_conversation_make_one_ticket(
    store: Store, make: Factory
) -> None:
    cid = (await make.conversation("q")).id
    modes = (Mode.QUEUED, Mode.WAITING, Mode.QUEUED, Mode.WAITING)
    tickets = await asyncio.gather(
        *(store.tickets.open_ticket(cid, DRAFT, mode=m, now=T0) for m in modes)
    )
    opened = [t for t in tickets if t is not None]
    assert len(opened) == 1
    assert await store.tickets.current_ticket(cid) == opened[0]
    assert (await make.reload(cid)).mode is modes[tickets.index(opened[0])]


async def test_a_closed_conversation_gets_a_new_ticket(store: Store, make: Factory) -> None:
    conversation, first = await make.escalated()
    finished = await store.routing.finish_conversation(
        conversation.id, mode=Mode.CLOSED, now=later(minutes=5)
    )
    assert finished is not None
    second = await store.tickets.open_ticket(
        conversation.id, DRAFT, mode=Mode.WAITING, now=later(minutes=10)
    )
    assert second is not None and second.id != first.id and second.number > first.number
    assert await store.tickets.current_ticket(conversation.id) == second
    assert (await make.reload(conversation.id)).mode is Mode.WAITING


async def test_the_latest_ticket_is_the_one_opened_last(store: Store, make: Factory) -> None:
    conversation, first = await make.escalated()
    # Closed and escalated again within the same instant: still the newer ticket.
    await store.routing.finish_conversation(conversation.id, mode=Mode.CLOSED, now=T0)
    second = await store.tickets.open_ticket(conversation.id, DRAFT, mode=Mode.QUEUED, now=T0)
    assert second is not None and second.id != first.id
    assert await store.tickets.current_ticket(conversation.id) == second


async def test_update_ticket_changes_only_what_is_given(store: Store, make: Factory) -> None:
    conversation, ticket = await make.escalated(department="general", priority="normal")
    changes = TicketChanges(requester_name="Léa", requester_email="lea@example.be")
    updated = await store.tickets.update_ticket(ticket.id, changes, later(minutes=1))
    assert updated == dataclasses.replace(
        ticket,
        requester_name="Léa",
        requester_email="lea@example.be",
        updated_at=later(minutes=1),
    )
    assert await store.tickets.current_ticket(conversation.id) == updated
    assert await make.reload(conversation.id) == conversation


async def test_a_new_department_or_priority_moves_the_conversation(
    store: Store, make: Factory
) -> None:
    conversation, ticket = await make.escalated(department="general", priority="normal")
    changes = TicketChanges(
        subject="Double facture",
        description="Deux fois le même montant",
        department="billing",
        due_at=later(hours=2),
    )
    updated = await store.tickets.update_ticket(ticket.id, changes, later(minutes=1))
    assert (updated.subject, updated.description, updated.department) == (
        "Double facture",
        "Deux fois le même montant",
        "billing",
    )
    assert (updated.priority, updated.due_at) == ("normal", later(hours=2))
    moved = await make.reload(conversation.id)
    assert (moved.department, moved.priority) == ("billing", "normal")
    await store.tickets.update_ticket(ticket.id, TicketChanges(priority="urgent"), later(minutes=2))
    moved = await make.reload(conversation.id)
    assert (moved.department, moved.priority) == ("billing", "urgent")


async def test_updating_an_unknown_ticket_fails(store: Store) -> None:
    with pytest.raises(NotFound):
        await store.tickets.update_ticket("missing", TicketChanges(subject="x"), T0)


async def test_a_resolved_ticket_is_rated_once(store: Store, make: Factory) -> None:
    conversation, ticket = await make.escalated()
    assert not await store.tickets.rate_ticket(ticket.id, 5, "too early", later(minutes=1))
    await store.routing.finish_conversation(conversation.id, mode=Mode.CLOSED, now=later(minutes=2))
    assert await store.tickets.rate_ticket(ticket.id, 4, "Très bien", later(minutes=3))
    assert not await store.tickets.rate_ticket(ticket.id, 1, "again", later(minutes=4))
    assert not await store.tickets.rate_ticket("missing", 1, "", later(minutes=4))
    rated = await make.ticket(conversation.id)
    assert (rated.rating, rated.rating_comment) == (4, "Très bien")


async def test_racing_ratings_store_one(store: Store, make: Factory) -> None:
    conversation, ticket = await make.escalated()
    await store.routing.finish_conversation(conversation.id, mode=Mode.CLOSED, now=T0)
    results = await asyncio.gather(
        *(store.tickets.rate_ticket(ticket.id, s, f"{s}", later(minutes=1)) for s in range(1, 6))
    )
    assert results.count(True) == 1
    rated = await make.ticket(conversation.id)
    assert rated.rating == results.index(True) + 1


async def test_only_the_first_response_is_recorded(store: Store, make: Factory) -> None:
    ann = await make.operator("Ann")
    conversation, _ = await make.live(ann)
    await store.tickets.note_first_response(conversation.id, later(minutes=1))
    await store.tickets.note_first_response(conversation.id, later(minutes=2))
    assert (await make.ticket(conversation.id)).first_response_at == later(minutes=1)
    # Without a ticket there is nothing to record, and no error.
    plain = await make.conversation("q")
    await store.tickets.note_first_response(plain.id, T0)
    assert await store.tickets.current_ticket(plain.id) is None


async def test_notes_are_listed_in_order(store: Store, make: Factory) -> None:
    ann = await make.operator("Ann")
    cid = (await make.conversation()).id
    assert await store.notes.list_notes(cid) == []
    written = []
    for i, text in enumerate(("VIP", "Rappeler demain", "Fait")):
        stored, created = await store.notes.add_note(note(cid, text, ann, ts=later(seconds=i)))
        assert created
        written.append(stored)
    assert await store.notes.list_notes(cid) == written
    assert await store.notes.list_notes((await make.conversation()).id) == []


async def test_notes_are_deduplicated_on_their_author_s_client_id(
    store: Store, make: Factory
) -> None:
    ann, bob = await make.operator("Ann"), await make.operator("Bob")
    cid = (await make.conversation()).id
    first, created = await store.notes.add_note(note(cid, "VIP", ann, client_id="n1"))
    again, created_again = await store.notes.add_note(
        note(cid, "VIP (retry)", ann, ts=later(seconds=1), client_id="n1")
    )
    assert created and not created_again and again == first
    by_bob, created_by_bob = await store.notes.add_note(
        note(cid, "Moi aussi", bob, ts=later(seconds=2), client_id="n1")
    )
    assert created_by_bob and by_bob.id != first.id
    for i in range(2):  # without a client id nothing is de-duplicated
        _, created = await store.notes.add_note(note(cid, "libre", ann, ts=later(seconds=3 + i)))
        assert created
    assert [n.text for n in await store.notes.list_notes(cid)] == [
        "VIP",
        "Moi aussi",
        "libre",
        "libre",
    ]


async def test_racing_retries_of_a_note_store_one(store: Store, make: Factory) -> None:
    ann = await make.operator("Ann")
    cid = (await make.conversation()).id
    results = await asyncio.gather(
        *(store.notes.add_note(note(cid, f"VIP {i}", ann, client_id="n1")) for i in range(5))
    )
    assert [created for _, created in results].count(True) == 1
    assert len({stored.id for stored, _ in results}) == 1
    assert len(await store.notes.list_notes(cid)) == 1


async def test_a_note_needs_a_conversation(store: Store, make: Factory) -> None:
    ann = await make.operator("Ann")
    with pytest.raises(NotFound):
        await store.notes.add_note(note("missing", "VIP", ann))
