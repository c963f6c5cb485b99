"""Contract of RetentionStore: old chats without a ticket go whole, closed tickets are
anonymised once, and nothing newer, open or another's is touched."""

from __future__ import annotations

from chatdesk.models import Author, Mode, Note, Status, TicketChanges, new_id
from chatdesk.store import Store

from .conftest import T0, Factory, draft, later
from .test_helpdesk import file, filed, reply, requester


async def test_old_chats_without_a_ticket_are_deleted_with_their_visitors(
    store: Store, make: Factory
) -> None:
    old = await make.conversation("Quels sont vos tarifs ?", at=T0)
    answer, _ = await store.conversations.append_message(
        old.id, draft("Nos tarifs : …", Author.BOT, ts=later(minutes=1))
    )
    await store.feedback.record_feedback(old.id, answer.id, useful=True, now=later(minutes=2))
    recent = await make.conversation("Bonjour", at=later(days=20))
    # Started long ago, but the visitor wrote again since: it stays.
    revived = await make.conversation("Un compte ?", at=T0)
    await store.conversations.append_message(revived.id, draft("Encore là ?", ts=later(days=20)))
    escalated, ticket = await make.escalated("Un humain svp", at=T0)
    # Handed back to the bot after the operator: its ticket keeps it.
    assert await store.conversations.set_mode(escalated.id, Mode.BOT)

    cut = later(days=10)
    assert await store.retention.count_expired(chats_before=cut, tickets_before=cut) == (1, 0)
    assert (await store.retention.delete_chats(cut, limit=100))[0] == 1

    assert await store.conversations.get_conversation(old.id) is None
    assert await store.conversations.get_visitor(old.visitor_id) is None
    for kept in (recent, revived, escalated):
        assert await store.conversations.get_conversation(kept.id) is not None
        assert await store.conversations.get_visitor(kept.visitor_id) is not None
    messages, _ = await store.conversations.list_messages(escalated.id)
    assert [m.text for m in messages] == ["Un humain svp"]
    assert await store.feedback.feedback_summary() == {}
    assert (await store.retention.delete_chats(cut, limit=100))[0] == 0
    assert (await store.tickets.current_ticket(escalated.id)) == ticket


async def test_chats_go_a_batch_at_a_time(store: Store, make: Factory) -> None:
    for n in range(5):
        await make.conversation(f"Question {n}", at=later(minutes=n))
    cut = later(days=1)
    done, after = await store.retention.delete_chats(cut, limit=2)
    assert done == 2 and after == "2026-11-17T09:31"  # the last one's minute
    assert await store.retention.count_expired(chats_before=cut, tickets_before=cut) == (3, 0)
    assert await store.retention.delete_chats(cut, limit=2, after=after) == (2, "2026-11-17T09:33")
    # Fewer than a batch: all was seen up to the cut-off, the next call starts there.
    assert await store.retention.delete_chats(cut, limit=2, after=after) == (1, "2026-11-18T09:30")
    assert await store.retention.delete_chats(cut, limit=2, after=after) == (0, "2026-11-18T09:30")


async def test_the_scan_goes_on_from_where_it_stopped(store: Store, make: Factory) -> None:
    early = await make.conversation("Bonjour", at=T0)
    late = await make.conversation("Bonsoir", at=later(hours=5))
    cut = later(days=1)
    # A cursor past the early chat: only the late one is looked at (the early one is
    # for a scan from the start, as after the process's restart).
    assert await store.retention.delete_chats(cut, limit=10, after="2026-11-17T12:00") == (
        1, "2026-11-18T09:30",
    )  # fmt: skip
    assert await store.conversations.get_conversation(late.id) is None
    assert await store.conversations.get_conversation(early.id) is not None
    assert (await store.retention.delete_chats(cut, limit=10))[0] == 1


async def test_closed_tickets_are_anonymised_once(store: Store, make: Factory) -> None:
    lea = await requester(store, "lea@acme.be", "Léa Dupont")
    old = await filed(
        store, lea, subject="Le site de Léa", description="Mon numéro : 0470",
        fields={"site_id": "1234"}, attachments=(file(b"screenshot"),),
        cc=frozenset({"tom@acme.be"}),
    )  # fmt: skip
    posted = await store.helpdesk.post_ticket_message(
        reply(old, "Bonjour Léa, c'est réparé."), [], TicketChanges(status=Status.OPEN), [],
        expect=Status.NEW, now=later(minutes=1),
    )  # fmt: skip
    assert posted is not None
    closed = await store.helpdesk.change_ticket(
        old.id, TicketChanges(status=Status.CLOSED, closed_at=later(hours=1)), [],
        expect=Status.OPEN, now=later(hours=1),
    )  # fmt: skip
    assert closed is not None and closed.closed_at == later(hours=1)
    await store.tickets.rate_ticket(old.id, 5, "Merci Léa Dupont", later(hours=2))
    # Closed later than the cut-off, and still open: both stay as they are.
    late = await filed(store, lea, subject="Facture de Léa")
    await store.helpdesk.change_ticket(
        late.id, TicketChanges(status=Status.CLOSED, closed_at=later(days=20)), [],
        expect=Status.NEW, now=later(days=20),
    )  # fmt: skip
    open_one = await filed(store, lea, subject="Encore le site", created_at=T0)
    # A chat ticket: its transcript and the operators' notes go with it.
    chat, chat_ticket = await make.escalated("Je suis Léa, mon site est en panne", at=T0)
    await store.notes.add_note(Note(new_id(), chat.id, "op1", "Ann", "Léa = cliente VIP", T0))
    await store.helpdesk.change_ticket(
        chat_ticket.id, TicketChanges(status=Status.CLOSED, closed_at=later(hours=3)), [],
        expect=None, now=later(hours=3),
    )  # fmt: skip

    cut, now = later(days=10), later(days=30)
    assert await store.retention.count_expired(chats_before=cut, tickets_before=cut) == (0, 2)
    assert await store.retention.anonymise_tickets(cut, now=now, limit=100) == 2
    assert await store.retention.anonymise_tickets(cut, now=now, limit=100) == 0
    assert await store.retention.count_expired(chats_before=cut, tickets_before=cut) == (0, 0)

    after = await store.helpdesk.get_ticket(old.id)
    assert after is not None
    assert (after.number, after.status, after.department, after.rating) == (
        old.number, "closed", "technical", 5,
    )  # fmt: skip
    assert (after.subject, after.description, after.fields, after.cc) == ("—", "", {}, set())
    assert (after.requester_id, after.requester_email, after.requester_name) == (None, "", "")
    assert after.rating_comment == "" and after.closed_at == later(hours=1)
    assert await store.helpdesk.list_ticket_messages(old.id) == []
    assert await store.helpdesk.list_attachments(old.id) == []
    messages, _ = await store.conversations.list_messages(chat.id)
    assert messages == [] and await store.notes.list_notes(chat.id) == []
    # The requester's account stays (their other tickets name them), as do the others.
    assert await store.requesters.find_requester("lea@acme.be") is not None
    for kept, subject in ((late, "Facture de Léa"), (open_one, "Encore le site")):
        found = await store.helpdesk.get_ticket(kept.id)
        assert found is not None and found.subject == subject
        assert found.requester_email == "lea@acme.be"
        assert await store.helpdesk.list_ticket_messages(kept.id) != []


async def test_tickets_go_a_batch_at_a_time(store: Store) -> None:
    lea = await requester(store)
    for n in range(3):
        ticket = await filed(store, lea, subject=f"Ticket {n}")
        await store.helpdesk.change_ticket(
            ticket.id, TicketChanges(status=Status.CLOSED, closed_at=later(minutes=n)), [],
            expect=Status.NEW, now=later(minutes=n),
        )  # fmt: skip
    cut = later(days=1)
    assert await store.retention.anonymise_tickets(cut, now=cut, limit=2) == 2
    assert await store.retention.anonymise_tickets(cut, now=cut, limit=2) == 1
    assert await store.retention.anonymise_tickets(cut, now=cut, limit=2) == 0


async def test_a_live_chat_without_a_ticket_is_never_taken(store: Store, make: Factory) -> None:
    conversation = await make.conversation("Bonjour", at=T0)
    assert await store.conversations.set_mode(conversation.id, Mode.QUEUED)
    assert (await store.retention.delete_chats(later(days=10), limit=100))[0] == 0
    assert await store.conversations.get_conversation(conversation.id) is not None


async def test_old_help_centre_searches_are_forgotten(store: Store) -> None:
    for ts, query in ((T0, "mot de passe de lea@acme.be"), (later(days=20), "facture")):
        await store.help.record_search_miss(query, "fr", best_entry_id=None, confidence=0.1, now=ts)
        await store.help.record_deflection("password", "fr", query, now=ts)
    cut = later(days=10)
    assert await store.retention.forget_searches(cut, limit=1) == 2  # a batch of each
    assert await store.retention.forget_searches(cut, limit=100) == 0
    assert [m.query for m in await store.help.search_misses()] == ["facture"]
    assert (await store.help.activity())["password"].deflections == 1
