"""Contract of TicketImportStore: a ticket from another helpdesk stored whole, once per
reference, telling nobody (no mail feed, no webhook feed), on both backends."""

from __future__ import annotations

from chatdesk.models import (
    AuthorKind,
    Status,
    TicketChanges,
    TicketEvent,
    TicketMessage,
    TicketQuery,
    new_id,
)
from chatdesk.store import Store

from .conftest import T0, later
from .test_helpdesk import filed, filing, requester


async def test_a_ticket_is_stored_whole_once_and_tells_nobody(store: Store) -> None:
    lea = await requester(store)
    await filed(store, lea)  # #1, filed as usual: it feeds the mail and the webhooks
    mail_before = len(await store.mail.take_feed(100))
    hooks_before = len(await store.hooks.take_feed(100))
    ticket_id = new_id()
    first = TicketMessage(ticket_id, AuthorKind.REQUESTER, lea.id, "Le VPS est mort", ts=T0)
    imported = TicketEvent(ticket_id, "imported", AuthorKind.SYSTEM, None, {"ref": "zd:7"},
                           ts=later(days=400))  # fmt: skip
    thread = [
        TicketMessage(ticket_id, AuthorKind.OPERATOR, None, "Redémarré hier soir",
                      author_name="Marc", ts=later(hours=2)),
        TicketMessage(ticket_id, AuthorKind.OPERATOR, None, "disque plein", internal=True,
                      author_name="Marc", ts=later(hours=3)),
    ]  # fmt: skip
    final = TicketChanges(resolved_at=later(hours=4), closed_at=later(hours=4), rating=5,
                          rating_comment="Rapide", rated_at=later(hours=4))  # fmt: skip
    ticket = await store.imports.import_ticket(
        "zd:7",
        filing(lea, id=ticket_id, message=first, events=(imported,), status=Status.CLOSED,
               first_response_at=later(hours=2)),
        thread, final, now=later(days=400),
    )  # fmt: skip
    assert ticket is not None
    assert (ticket.number, ticket.status, ticket.created_at) == (2, Status.CLOSED, T0)
    assert ticket.closed_at == later(hours=4) and ticket.updated_at == later(hours=4)
    assert (ticket.rating, ticket.first_response_at) == (5, later(hours=2))
    messages = await store.helpdesk.list_ticket_messages(ticket_id)
    assert [(m.text, m.ts, m.internal) for m in messages] == [
        ("Le VPS est mort", T0, False),
        ("Redémarré hier soir", later(hours=2), False),
        ("disque plein", later(hours=3), True),
    ]
    assert [e.kind for e in await store.helpdesk.list_ticket_events(ticket_id)] == ["imported"]
    # Neither the mail nor the webhooks hear of it.
    assert len(await store.mail.take_feed(100)) == mail_before
    assert len(await store.hooks.take_feed(100)) == hooks_before
    # Its later messages are searched as any ticket's.
    page = await store.ticket_queries.search_tickets(TicketQuery(q="redémarré"))
    assert [t.id for t in page.tickets] == [ticket_id]
    # The same reference again stores nothing.
    again = filing(lea, status=Status.CLOSED)
    assert await store.imports.import_ticket("zd:7", again, [], final, now=later(days=401)) is None
    assert await store.helpdesk.get_ticket(again.id) is None
    assert await store.imports.imported_tickets(["zd:7", "zd:8"]) == {"zd:7": ticket_id}
    assert await store.imports.imported_tickets([]) == {}
