"""Contract of HelpdeskStore.add_chat_attachment: a visitor's file sent in chat."""

from __future__ import annotations

import pytest

from chatdesk.errors import NotFound, TooLarge
from chatdesk.models import AuthorKind, Mode, TicketChanges, TicketDraft, TicketMessage
from chatdesk.store import Store

from .conftest import T0, Factory, draft, later
from .test_helpdesk import file

DRAFT = TicketDraft(
    subject="Facture", department="billing", priority="high", reason="asked", due_at=later(hours=4)
)


def described(data: bytes, file_id: str) -> dict[str, object]:
    return {"attachments": [{"id": file_id, "name": "shot.png", "size": len(data)}]}


async def test_the_file_goes_on_the_ticket_and_its_message_in_the_chat(
    store: Store, make: Factory
) -> None:
    cid = (await make.conversation("Ma facture")).id
    ticket = await store.tickets.open_ticket(cid, DRAFT, mode=Mode.QUEUED, now=T0)
    assert ticket is not None
    png = file(b"\x89PNG one")
    message, created = await store.helpdesk.add_chat_attachment(
        ticket.id,
        cid,
        png,
        draft("shot.png", client_id="c-1", extra=described(png.data, png.id), ts=later(minutes=1)),
        now=later(minutes=1),
        max_ticket_bytes=1000,
    )
    assert created and message.seq == 2 and message.text == "shot.png"
    assert message.extra["attachments"][0]["id"] == png.id
    messages, _ = await store.conversations.list_messages(cid)
    assert [m.id for m in messages][-1] == message.id
    assert messages[-1].extra == message.extra
    [stored] = await store.helpdesk.list_attachments(ticket.id)
    assert (stored.id, stored.message_id, stored.size) == (png.id, message.id, png.size)
    found = await store.helpdesk.attachment_data(png.id)
    assert found is not None and found[1] == png.data

    # The same client id again: the first message, and no second file.
    twin = file(b"\x89PNG one")
    again, created = await store.helpdesk.add_chat_attachment(
        ticket.id,
        cid,
        twin,
        draft("shot.png", client_id="c-1", extra=described(twin.data, twin.id)),
        now=later(minutes=2),
        max_ticket_bytes=1000,
    )
    assert not created and again.id == message.id and again.seq == 2
    assert [a.id for a in await store.helpdesk.list_attachments(ticket.id)] == [png.id]


async def test_past_the_tickets_limit_nothing_is_stored(store: Store, make: Factory) -> None:
    cid = (await make.conversation("Ma facture")).id
    ticket = await store.tickets.open_ticket(cid, DRAFT, mode=Mode.QUEUED, now=T0)
    assert ticket is not None
    first = file(b"x" * 600)
    await store.helpdesk.add_chat_attachment(
        ticket.id, cid, first, draft("a.txt", client_id="a"), now=T0, max_ticket_bytes=1000
    )
    with pytest.raises(TooLarge):
        await store.helpdesk.add_chat_attachment(
            ticket.id,
            cid,
            file(b"y" * 600),
            draft("b.txt", client_id="b"),
            now=T0,
            max_ticket_bytes=1000,
        )
    messages, _ = await store.conversations.list_messages(cid)
    assert [m.text for m in messages] == ["Ma facture", "a.txt"]
    assert (await store.conversations.get_conversation(cid)).last_seq == 2  # type: ignore[union-attr]
    assert len(await store.helpdesk.list_attachments(ticket.id)) == 1


async def test_an_unknown_ticket_is_not_found(store: Store, make: Factory) -> None:
    cid = (await make.conversation("Ma facture")).id
    with pytest.raises(NotFound):
        await store.helpdesk.add_chat_attachment(
            "nope", cid, file(b"z"), draft("z.txt", client_id="z"), now=T0
        )
    messages, _ = await store.conversations.list_messages(cid)
    assert len(messages) == 1


async def test_forget_me_deletes_the_files_sent_in_chat_only(store: Store, make: Factory) -> None:
    cid = (await make.conversation("Ma facture")).id
    ticket = await store.tickets.open_ticket(cid, DRAFT, mode=Mode.QUEUED, now=T0)
    assert ticket is not None
    sent = file(b"\x89PNG chat")
    await store.helpdesk.add_chat_attachment(
        ticket.id, cid, sent, draft("shot.png", client_id="s"), now=T0
    )
    reply = TicketMessage(ticket.id, AuthorKind.OPERATOR, "op-1", "Voici la facture", ts=T0)
    invoice = file(b"%PDF-1.4 invoice", "invoice.pdf", "application/pdf")
    posted = await store.helpdesk.post_ticket_message(
        reply, [invoice], TicketChanges(), [], expect=None, now=T0
    )
    assert posted is not None
    conversation = await store.conversations.get_conversation(cid)
    assert conversation is not None
    await store.conversations.delete_visitor(conversation.visitor_id)
    assert await store.helpdesk.attachment_data(sent.id) is None
    # The team's own files on the ticket stay with it.
    assert [a.id for a in await store.helpdesk.list_attachments(ticket.id)] == [invoice.id]
