"""Mail to operators, through the store's feed and a real SMTP sink: a requester's answer
on their ticket, a ticket a colleague gives them, a target at risk or missed."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from chatdesk.errors import NotFound
from chatdesk.escalation import Contact
from chatdesk.helpdesk import Edit, NewTicket, Refused
from chatdesk.helpdeskconfig import FieldSpec
from chatdesk.models import Author, Conversation, MessageDraft, Status, Ticket
from chatdesk.services import Services
from chatdesk.store import Store

from ..desk import Clock
from ..helpdesk.conftest import SITE, operator
from .conftest import Receiver, Sink, deliver, mail_desk, mail_from
from .test_outbox import parts, requester

BRUSSELS = ZoneInfo("Europe/Brussels")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BRUSSELS).astimezone(UTC)


async def file(desk: Services, **kw: object) -> Ticket:
    kw = {"email": "lea@example.be", "name": "Léa Peeters", "subject": "Site en panne",
          "description": "Erreur 500 depuis ce matin.", "lang": "fr"} | kw  # fmt: skip
    ticket, _ = await desk.helpdesk.filing.file(NewTicket(**kw))  # type: ignore[arg-type]
    return ticket


async def test_the_assignee_hears_of_answers_and_of_tickets_given_to_them(
    desk: Services, sink: Sink
) -> None:
    ann, bob = await operator(desk, "Ann"), await operator(desk, "Bob")
    ticket = await file(desk)
    await deliver(desk, sink)  # the requester's "received"
    # Ann answers: she takes the ticket herself, which is no news to her.
    await desk.helpdesk.tickets.reply(ticket.id, ann, "Pouvez-vous préciser l'URL ?")
    assert [m["To"] for m in await deliver(desk, sink)] == ["lea@example.be"]

    lea = await requester(desk, ticket)
    await desk.helpdesk.tickets.reply(ticket.id, lea, "C'est https://shop.example.be.")
    (told,) = await deliver(desk, sink)
    assert told["To"] == "ann@desk.test" and told["Subject"] == "[#000001] Site en panne"
    assert told["Auto-Submitted"] == "auto-generated"  # an out-of-office never answers it
    text, html = parts(told)
    assert "Bonjour Ann," in text and "Léa Peeters a répondu à la demande #000001" in text
    assert "C'est https://shop.example.be." in text
    assert f"https://desk.test/console/t/{ticket.id}" in html
    assert "une réponse à cet e-mail n'est pas publiée" in text

    # Ann gives it to Bob: Bob is told who did, Ann nothing.
    await desk.helpdesk.tickets.change(ann, ticket.id, Edit(assignee=bob.id))
    (given,) = await deliver(desk, sink)
    assert given["To"] == "bob@desk.test"
    assert "Ann vous a confié la demande #000001 « Site en panne »." in parts(given)[0]

    # Bob turns his mail off (his account page): the next answer reaches only the console.
    await desk.operators.set_mail_notifications(bob, False)
    await desk.helpdesk.tickets.reply(ticket.id, lea, "Et maintenant ?")
    assert await deliver(desk, sink) == []


async def test_targets_at_risk_go_to_the_assignee_else_the_department(
    store: Store, clock: Clock, sink: Sink
) -> None:
    desk = mail_desk(store, clock, sink)
    await operator(desk, "Ann")
    bob = await operator(desk, "Bob")
    await desk.operators.add(
        "cleo@desk.test", name="Cléo", role="operator", departments=("billing",),
        languages=("nl",), password="correct horse battery",
    )  # fmt: skip
    clock.now = at("2026-11-17T10:00")
    await file(desk, priority="urgent", department="technical")
    theirs = await file(desk, priority="urgent", department="technical", subject="Mail en panne")
    await desk.helpdesk.tickets.change(bob, theirs.id, Edit(assignee=bob.id))
    await deliver(desk, sink)
    clock.now = at("2026-11-17T10:48")  # 80% of the hour
    await desk.helpdesk.clocks.check_sla()
    warned = sorted((m["To"], parts(m)[0]) for m in await deliver(desk, sink))
    # The unassigned #000001: both technical operators, told why (Cléo, billing, is not);
    # Bob's own #000002: Bob alone.
    assert [(to, "#000001" in text) for to, text in warned] == [
        ("ann@desk.test", True),
        ("bob@desk.test", True),
        ("bob@desk.test", False),
    ]
    ann_text = warned[0][1]
    assert "La demande #000001 « Site en panne » approche de son délai de première réponse" in (
        ann_text
    )
    assert "ce message va au service" in ann_text
    assert "ce message va au service" not in warned[2][1]  # assigned: no department line
    clock.now = at("2026-11-17T11:01")
    await desk.helpdesk.clocks.check_sla()
    missed = await deliver(desk, sink)
    assert any("a dépassé son délai de première réponse" in parts(m)[0] for m in missed)


async def test_the_end_of_a_hold_goes_to_the_assignee_else_the_department(
    store: Store, clock: Clock, sink: Sink
) -> None:
    desk = mail_desk(store, clock, sink)
    ann, bob = await operator(desk, "Ann"), await operator(desk, "Bob")
    clock.now = at("2026-11-17T10:00")
    nobodys = await file(desk, department="technical")
    bobs = await file(desk, department="technical", subject="Mail en panne")
    await desk.helpdesk.tickets.change(bob, bobs.id, Edit(assignee=bob.id))
    for ticket in (nobodys, bobs):
        edit = Edit(status="on_hold", hold_until="2026-11-19T09:00:00+01:00")
        await desk.helpdesk.tickets.change(ann, ticket.id, edit)
    await deliver(desk, sink)
    clock.now = at("2026-11-19T09:00")
    await desk.helpdesk.clocks.wake_holds()
    told = sorted((m["To"], parts(m)[0]) for m in await deliver(desk, sink))
    assert [(to, "#000002" in text) for to, text in told] == [
        ("ann@desk.test", False),
        ("bob@desk.test", False),
        ("bob@desk.test", True),
    ]
    bob_text = told[2][1]
    # The date in the desk's time zone (09:00 in Brussels, 08:00 UTC).
    said = "La demande #000002 « Mail en panne » était en attente jusqu'au jeudi 19 novembre, 09:00"
    assert said in bob_text
    assert "elle est de nouveau ouverte" in bob_text
    assert "ce message va au service" not in bob_text and "ce message va au service" in told[0][1]


async def test_a_desk_may_keep_operators_out_of_mail(
    store: Store, clock: Clock, sink: Sink
) -> None:
    desk = mail_desk(store, clock, sink, notify_operators=False)
    ann, bob = await operator(desk, "Ann"), await operator(desk, "Bob")
    ticket = await file(desk)
    await desk.helpdesk.tickets.change(ann, ticket.id, Edit(assignee=bob.id))
    lea = await requester(desk, ticket)
    await desk.helpdesk.tickets.reply(ticket.id, lea, "Alors ?")
    assert [m["To"] for m in await deliver(desk, sink)] == ["lea@example.be"]


async def test_an_operator_answering_a_notification_by_mail_posts_nothing(
    desk: Services, sink: Sink, receiver: Receiver
) -> None:
    ann = await operator(desk, "Ann")
    ticket = await file(desk)
    await desk.helpdesk.tickets.reply(ticket.id, ann, "Quelle URL ?")
    lea = await requester(desk, ticket)
    await desk.helpdesk.tickets.reply(ticket.id, lea, "shop.example.be")
    told = [m for m in await deliver(desk, sink) if m["To"] == "ann@desk.test"]
    # Ann answers the notification from her mail program: neither her answer on the
    # ticket (anyone can forge her address) nor a new ticket; she is told where to answer.
    answer = mail_from("ann@desk.test", f"Re: {told[0]['Subject']}", "Je regarde.",
                       In_Reply_To=told[0]["Message-ID"])  # fmt: skip
    assert await receiver.send(answer) == "2.0.0 Accepted (refused)"
    (back,) = await deliver(desk, sink)
    assert back["To"] == "ann@desk.test"
    assert "n'a pas été publié" in parts(back)[0]
    assert f"https://desk.test/console/t/{ticket.id}" in parts(back)[1]
    texts = [m.text for m in await desk._store.helpdesk.list_ticket_messages(ticket.id)]
    assert "Je regarde." not in texts
    assert await desk._store.helpdesk.find_ticket(2) is None


async def test_a_new_ticket_and_an_answer_nobody_holds_go_to_the_department(
    store: Store, clock: Clock, sink: Sink
) -> None:
    desk = mail_desk(store, clock, sink)
    ann, bob = await operator(desk, "Ann"), await operator(desk, "Bob")
    await desk.operators.add(
        "cleo@desk.test", name="Cléo", role="operator", departments=("billing",),
        languages=("nl",), password="correct horse battery",
    )  # fmt: skip
    ticket = await file(desk, department="technical")
    mails = {m["To"]: m for m in await deliver(desk, sink)}
    # The requester's "received", and Ann and Bob (technical), not Cléo (billing).
    assert sorted(mails) == ["ann@desk.test", "bob@desk.test", "lea@example.be"]
    text, html = parts(mails["ann@desk.test"])
    assert "Nouvelle demande #000001 « Site en panne », de Léa Peeters." in text
    assert "ce message va au service" in text and "Erreur 500 depuis ce matin." in text
    assert f"https://desk.test/console/t/{ticket.id}" in html

    # The requester adds a detail before anyone took it: the department again.
    lea = await requester(desk, ticket)
    await desk.helpdesk.tickets.reply(ticket.id, lea, "Aussi sur mobile.")
    told = sorted((m["To"], parts(m)[0]) for m in await deliver(desk, sink))
    assert [to for to, _ in told] == ["ann@desk.test", "bob@desk.test"]
    assert "Léa Peeters a répondu à la demande #000001 « Site en panne »." in told[0][1]
    assert "Aussi sur mobile." in told[0][1]

    # A ticket an operator files, or given at once, or already answered: no "new" mail.
    await desk.helpdesk.filing.file(
        NewTicket(email="jo@example.be", subject="Pour Bob", lang="fr", department="technical"),
        operator=ann,
    )
    given, _ = await desk.helpdesk.filing.file(
        NewTicket(email="jo@example.be", subject="Donné", lang="fr", department="technical")
    )
    await desk.helpdesk.tickets.change(ann, given.id, Edit(assignee=bob.id))
    answered, _ = await desk.helpdesk.filing.file(
        NewTicket(email="jo@example.be", subject="Répondu", lang="fr", department="technical")
    )
    await desk.helpdesk.tickets.reply(answered.id, ann, "C'est fait.")
    staff = [(m["To"], m["Subject"]) for m in await deliver(desk, sink) if "desk.test" in m["To"]]
    assert staff == [("bob@desk.test", "[#000002] Pour Bob"), ("bob@desk.test", "[#000003] Donné")]


async def chat_ticket(desk: Services) -> tuple[Conversation, Ticket]:
    """A chat's visitor, Léa, who asked for a person while nobody was online and left her
    address: her conversation and its ticket."""
    _, conversation = await desk._store.conversations.create_visitor(
        lang="fr", page="/", now=desk.routing.clock()
    )
    await desk.escalation.visitor_asked(conversation.id)
    await desk.escalation.visitor_contact(conversation.id, Contact("lea@example.be", name="Léa"))
    ticket = await desk._store.tickets.current_ticket(conversation.id)
    assert ticket is not None
    return conversation, ticket


async def test_details_left_in_the_chat_go_to_the_department(desk: Services, sink: Sink) -> None:
    await operator(desk, "Ann")
    _, conversation = await desk._store.conversations.create_visitor(
        lang="fr", page="/", now=desk.routing.clock()
    )
    await desk.escalation.visitor_asked(conversation.id, department="technical")
    await desk.escalation.visitor_contact(
        conversation.id,
        Contact("lea@example.be", name="Léa Peeters", description="Le site est lent."),
    )
    (told,) = await deliver(desk, sink)  # a chat's visitor gets no "received": the chat says it
    text, html = parts(told)
    assert told["To"] == "ann@desk.test"
    assert "Léa Peeters a laissé ses coordonnées dans le chat : demande #000001" in text
    assert "ce message va au service" in text and "Le site est lent." in text
    ticket = await desk._store.tickets.current_ticket(conversation.id)
    assert ticket is not None and f"https://desk.test/console/t/{ticket.id}" in html
    # The console's history says it too.
    [row] = [e for e in await desk._store.helpdesk.list_ticket_events(ticket.id)]
    assert (row.kind, row.actor.value, row.data) == ("requester", "requester", {"via": "chat"})


async def test_an_answer_in_the_chat_opens_the_ticket_and_tells_its_assignee(
    desk: Services, sink: Sink
) -> None:
    ann = await operator(desk, "Ann")
    conversation, ticket = await chat_ticket(desk)
    # Ann asks from the ticket's page and waits for the answer (pending: it would auto-close).
    await desk.helpdesk.tickets.reply(ticket.id, ann, "Quelle URL ?", then=Status.PENDING)
    await deliver(desk, sink)
    # Léa answers in the chat, where the question reached her.
    current = await desk._store.conversations.get_conversation(conversation.id)
    assert current is not None
    await desk.escalation.visitor_wrote(current)
    after = await desk._store.helpdesk.get_ticket(ticket.id)
    assert after is not None and after.status is Status.OPEN and after.auto_close_at is None
    (told,) = await deliver(desk, sink)
    assert told["To"] == "ann@desk.test"
    assert "Léa a répondu dans le chat à la demande #000001" in parts(told)[0]
    rows = await desk._store.helpdesk.list_ticket_events(ticket.id)
    assert rows[-1].kind == "status" and rows[-1].data == {"from": "pending", "to": "open",
                                                           "via": "chat"}  # fmt: skip


async def test_an_answer_in_the_chat_of_an_open_ticket_tells_its_assignee_once(
    desk: Services, sink: Sink
) -> None:
    ann = await operator(desk, "Ann")
    conversation, ticket = await chat_ticket(desk)
    await desk.helpdesk.tickets.reply(ticket.id, ann, "Quelle URL ?")  # said in the chat too
    await deliver(desk, sink)

    async def visitor_says(text: str) -> None:
        draft = MessageDraft(author=Author.VISITOR, text=text)
        await desk._store.conversations.append_message(conversation.id, draft)
        current = await desk._store.conversations.get_conversation(conversation.id)
        assert current is not None
        await desk.escalation.visitor_wrote(current)

    await visitor_says("shop.example.be")
    (told,) = await deliver(desk, sink)
    assert told["To"] == "ann@desk.test"
    assert "Léa a répondu dans le chat à la demande #000001" in parts(told)[0]
    assert "rouverte" not in parts(told)[0]  # open all along
    rows = await desk._store.helpdesk.list_ticket_events(ticket.id)
    assert (rows[-1].kind, rows[-1].actor.value) == ("chat", "requester")
    # Writing on is no news: once per operator's message.
    await visitor_says("Et aussi shop.example.nl")
    assert await deliver(desk, sink) == []


async def test_a_new_ticket_s_mail_shows_its_priority_and_fields(
    store: Store, clock: Clock, sink: Sink
) -> None:
    trace = FieldSpec("trace", "textarea", label={"fr": "Message d'erreur"})
    fields = (FieldSpec("site_id", "text", label={"fr": "ID du site"}), trace)
    desk = mail_desk(store, clock, sink, helpdesk={"fields": fields})
    await operator(desk, "Ann")
    await file(desk, priority="urgent", fields={"site_id": "1234", "trace": "Fatal\n  at l.42"})
    (told,) = [m for m in await deliver(desk, sink) if m["To"] == "ann@desk.test"]
    plain = told.get_body(preferencelist=("plain",))
    assert plain is not None
    text, (_, html) = str(plain.get_content()).replace("\r\n", "\n"), parts(told)
    # Triage from the mail: what is urgent, which site, the error, before the description.
    details = "Priorité : Urgente\nID du site : 1234\nMessage d'erreur :\n> Fatal\n>   at l.42\n"
    assert details.replace(" :", "\u00a0:") in text
    assert text.index("ID du site") < text.index("Erreur 500 depuis ce matin.")
    assert "ID du site :</td>" in html and "Fatal at l.42</td>" in html


async def test_an_organisation_s_admins_hear_of_a_refused_seat_once_a_day(
    store: Store, clock: Clock, sink: Sink
) -> None:
    desk = mail_desk(store, clock, sink, helpdesk={"fields": (SITE,)})
    people = desk.helpdesk.people
    gent = await people.add_organisation("Stad Gent", max_editors_per_site=1)
    await people.add_member(gent, "karen@gent.be", role="admin", name="Karen")
    await people.add_member(gent, "els@gent.be", name="Els")
    await people.add_member(gent, "tom@gent.be", name="Tom")
    await desk.helpdesk.filing.file(
        NewTicket(email="els@gent.be", subject="Site", fields={"site_id": "1234"})
    )
    await deliver(desk, sink)
    tom = NewTicket(email="tom@gent.be", subject="Site", lang="nl", fields={"site_id": "1234"})
    for _ in range(3):  # Tom tries again and again: Karen hears of it once
        with pytest.raises(Refused):
            await desk.helpdesk.filing.file(tom)
    (told,) = await deliver(desk, sink)
    assert told["To"] == "karen@gent.be"
    assert told["Subject"] == "Ardenne Cloud: Tom asks for a seat on site 1234"
    text, html = parts(told)
    assert "Hello Karen," in text
    assert "Tom (tom@gent.be) wanted to file a request for site 1234, which already has as" in text
    assert "(1): Els <els@gent.be>." in text and "admin of Stad Gent" in text
    assert 'href="https://desk.test/support/org"' in html
    # The next day, another refusal tells her again.
    clock.advance(days=1, minutes=1)
    with pytest.raises(Refused):
        await desk.helpdesk.filing.file(tom)
    assert [m["To"] for m in await deliver(desk, sink)] == ["karen@gent.be"]


async def test_an_editor_hears_that_their_seat_was_freed(
    store: Store, clock: Clock, sink: Sink
) -> None:
    desk = mail_desk(store, clock, sink, helpdesk={"fields": (SITE,)})
    people = desk.helpdesk.people
    gent = await people.add_organisation("Stad Gent", max_editors_per_site=2)
    await people.add_member(gent, "els@gent.be", name="Els")
    await people.add_member(gent, "tom@gent.be", name="Tom")
    for email, lang in (("els@gent.be", "nl"), ("tom@gent.be", "en")):
        await desk.helpdesk.filing.file(
            NewTicket(email=email, subject="Site", lang=lang, fields={"site_id": "1234"})
        )
    await deliver(desk, sink)
    # An organisation admin in the portal: named, in the editor's language.
    await people.release_seat(gent, "1234", "els@gent.be", by="Karen")
    (told,) = await deliver(desk, sink)
    assert told["To"] == "els@gent.be"
    assert told["Subject"] == "Ardenne Cloud: uw plaats als editor van site 1234"
    text, html = parts(told)
    assert "Karen heeft uw plaats als editor van site 1234 voor Stad Gent vrijgemaakt." in text
    assert 'href="https://desk.test/support?lang=nl"' in html
    # The desk's operators in the console: the desk itself.
    await people.release_seat(gent, "1234", "tom@gent.be")
    (told,) = await deliver(desk, sink)
    assert told["To"] == "tom@gent.be"
    text, _ = parts(told)
    assert "The Ardenne Cloud team freed your editor seat on site 1234 for Stad Gent." in text
    # A seat nobody holds any more: refused, and no mail.
    with pytest.raises(NotFound):
        await people.release_seat(gent, "1234", "tom@gent.be")
    assert await deliver(desk, sink) == []
