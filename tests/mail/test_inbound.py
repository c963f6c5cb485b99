"""Incoming mail through the real SMTP receiver, fed by a real SMTP client."""

from __future__ import annotations

import re
from typing import Any

import aiosmtplib
import pytest
from aiohttp.test_utils import TestServer

from chatdesk import Settings, create_app
from chatdesk.errors import InvalidToken
from chatdesk.events import MailBounced, TicketCreated, TicketReplied
from chatdesk.helpdesk import Edit, NewTicket
from chatdesk.helpdeskconfig import AttachmentLimits
from chatdesk.models import AuthorKind, Channel, Status, Ticket
from chatdesk.services import Services
from chatdesk.store import Store
from chatdesk.web.appkeys import SERVICES

from ..desk import Clock
from ..forged import altered
from ..helpdesk.conftest import operator
from ..ports import free_port
from .conftest import FROM, PUBLIC, Receiver, Sink, deliver, mail_desk, mail_from
from .test_parse import DSN, PNG

GMAIL_FR = "Le mar. 17 nov. 2026 à 10:30, Ardenne Support <support@desk.test> a écrit :"


async def ticket(desk: Services, number: int) -> Ticket:
    found = await desk._store.helpdesk.find_ticket(number)
    assert found is not None
    return found


async def texts(desk: Services, found: Ticket) -> list[str]:
    return [m.text for m in await desk._store.helpdesk.list_ticket_messages(found.id)]


async def test_a_new_mail_files_an_email_ticket_and_is_confirmed(
    desk: Services, receiver: Receiver, sink: Sink
) -> None:
    message = mail_from(
        "zoe@example.be", "Facture incorrecte",
        "Bonjour,\n\nma facture de novembre compte deux fois le même serveur.\n\n-- \nZoé",
        name="Zoé Martin",
    )  # fmt: skip
    message.add_attachment(PNG, maintype="image", subtype="png", filename="facture.png")
    reply = await receiver.send(message)
    assert "filed" in reply
    filed = await ticket(desk, 1)
    assert filed.channel is Channel.EMAIL and filed.subject == "Facture incorrecte"
    assert filed.requester_email == "zoe@example.be" and filed.requester_name == "Zoé Martin"
    assert filed.lang == "fr"  # read from the text
    assert filed.description == (
        "Bonjour,\n\nma facture de novembre compte deux fois le même serveur."
    )
    (attachment,) = await desk._store.helpdesk.list_attachments(filed.id)
    assert (attachment.filename, attachment.content_type) == ("facture.png", "image/png")
    assert any(isinstance(e, TicketCreated) for e in receiver.published.events)
    (received,) = await deliver(desk, sink)
    assert (
        received["To"] == "zoe@example.be" and received["Subject"] == "[#000001] Facture incorrecte"
    )


async def test_replies_thread_by_number_and_by_headers_and_reopen(
    desk: Services, receiver: Receiver, sink: Sink
) -> None:
    asked = mail_from("zoe@example.be", "Facture incorrecte", "Ma facture est fausse.")
    await receiver.send(asked)
    first = await ticket(desk, 1)
    (received,) = await deliver(desk, sink)
    # The notice answers Zoé's mail (her program threads it under it) and names the ticket.
    assert received["In-Reply-To"] == asked["Message-ID"]
    assert received["References"] == f"<ticket.{first.id}@desk.test> {asked['Message-ID']}"
    ada = await operator(desk, "Ada")
    await desk.helpdesk.tickets.change(ada, first.id, Edit(status="resolved"))

    # By the number in the subject: the quoted history stays out, the ticket reopens.
    by_number = mail_from(
        "Zoe@Example.be", "RE: [#000001] Facture incorrecte",
        f"Ce n'est pas réglé : toujours deux lignes.\n\n{GMAIL_FR}\n> Bonjour Zoé,\n> ...",
    )  # fmt: skip
    assert "appended" in await receiver.send(by_number)
    after = await ticket(desk, 1)
    assert after.status is Status.OPEN
    assert (await texts(desk, after))[-1] == "Ce n'est pas réglé : toujours deux lignes."

    # By In-Reply-To: the Message-ID of our mail, with a subject the client rewrote.
    by_headers = mail_from(
        "zoe@example.be", "Re: votre demande", "Voici le PDF demandé.",
        In_Reply_To=received["Message-ID"],
    )  # fmt: skip
    assert "appended" in await receiver.send(by_headers)
    # By References naming the ticket, through a client that keeps only References.
    by_references = mail_from(
        "zoe@example.be", "Suite", "Et une dernière chose.", References=received["References"]
    )
    assert "appended" in await receiver.send(by_references)
    assert (await texts(desk, after))[-2:] == ["Voici le PDF demandé.", "Et une dernière chose."]
    assert sum(isinstance(e, TicketReplied) for e in receiver.published.events) == 3
    assert await desk._store.helpdesk.find_ticket(2) is None


async def test_a_reply_to_a_closed_ticket_opens_a_follow_up(
    desk: Services, receiver: Receiver
) -> None:
    await receiver.send(mail_from("zoe@example.be", "Facture incorrecte", "Ma facture est fausse."))
    first = await ticket(desk, 1)
    ada = await operator(desk, "Ada")
    await desk.helpdesk.tickets.change(ada, first.id, Edit(status="closed"))
    await receiver.send(mail_from("zoe@example.be", "Re: [#000001] Facture", "Encore fausse."))
    follow_up = await ticket(desk, 2)
    assert follow_up.follow_up_of == first.id and follow_up.channel is Channel.EMAIL
    assert (await ticket(desk, 1)).status is Status.CLOSED
    assert await texts(desk, follow_up) == ["Encore fausse."]


async def test_colleagues_may_reply_and_strangers_file_their_own(
    desk: Services, receiver: Receiver
) -> None:
    acme = await desk.helpdesk.people.add_organisation("Acme")
    await desk.helpdesk.people.add_member(acme, "lea@acme.be")
    await desk.helpdesk.people.add_member(acme, "max@acme.be")
    await receiver.send(mail_from("lea@acme.be", "VPS lent", "Le VPS est lent."))
    await receiver.send(mail_from("max@acme.be", "Re: [#000001] VPS lent", "Chez moi aussi."))
    await receiver.send(mail_from("eve@other.be", "Re: [#000001] VPS lent", "Moi aussi !"))
    first = await ticket(desk, 1)
    messages = await desk._store.helpdesk.list_ticket_messages(first.id)
    assert [m.text for m in messages] == ["Le VPS est lent.", "Chez moi aussi."]
    assert (
        messages[1].author is AuthorKind.REQUESTER and messages[1].author_id != first.requester_id
    )
    stranger = await ticket(desk, 2)
    assert stranger.requester_email == "eve@other.be" and stranger.subject == "VPS lent"


async def test_unknown_senders_are_refused_politely_when_the_desk_says_so(
    store: Store, clock: Clock, sink: Sink
) -> None:
    desk = mail_desk(store, clock, sink, unknown_senders="reject")
    receiver = Receiver(desk)
    await receiver.start()
    try:
        await desk.helpdesk.people.requester("known@example.be")
        assert "refused" in await receiver.send(mail_from("zoe@example.be", "Aide", "Bonjour"))
        assert "filed" in await receiver.send(mail_from("known@example.be", "Aide", "Bonjour"))
        # A new colleague at a client's domain is known by it: filed, and a member.
        acme = await desk.helpdesk.people.add_organisation("Acme")
        await desk.helpdesk.domains.add(acme, "acme.be")
        assert "filed" in await receiver.send(mail_from("new@acme.be", "Site", "En panne"))
        new = await desk.helpdesk.people.find("new@acme.be")
        assert new.organisation_id == acme.id
        # An automatic answer to our refusal is not answered again.
        auto = mail_from("zoe@example.be", "Absence", "Absente.", Auto_Submitted="auto-replied")
        assert "dropped" in await receiver.send(auto)
    finally:
        await receiver.stop()
    refusal, received, colleague = await deliver(desk, sink)
    assert refusal["To"] == "zoe@example.be" and refusal["Auto-Submitted"] == "auto-replied"
    assert f"{PUBLIC}/support" in refusal.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert (received["To"], colleague["To"]) == ("known@example.be", "new@acme.be")
    assert await store.helpdesk.find_ticket(3) is None


async def test_verify_holds_the_mail_until_the_sender_confirms(
    store: Store, clock: Clock, sink: Sink
) -> None:
    desk = mail_desk(store, clock, sink, unknown_senders="verify")
    receiver = Receiver(desk)
    await receiver.start()
    try:
        reply = await receiver.send(mail_from("zoe@example.be", "Aide VPS", "Mon VPS est lent."))
    finally:
        await receiver.stop()
    assert "held" in reply
    assert await store.helpdesk.find_ticket(1) is None
    (verify,) = await deliver(desk, sink)
    text = " ".join(verify.get_body(("plain",)).get_content().split())  # type: ignore[union-attr]
    assert "Mon VPS" not in text and "Aide VPS" in text
    (token,) = re.findall(rf"{PUBLIC}/mail/verify/([\w.\-]+)", text)
    received, events = await desk.mail.inbound.confirm(token)
    assert received.ticket is not None and received.ticket.number == 1
    assert received.ticket.description == "Mon VPS est lent."
    assert any(isinstance(e, TicketCreated) for e in events)
    with pytest.raises(InvalidToken):
        await desk.mail.inbound.confirm(token)
    with pytest.raises(InvalidToken):
        await desk.mail.inbound.confirm(altered(token))


async def test_automatic_mail_never_files_reopens_or_gets_an_answer(
    desk: Services, receiver: Receiver, sink: Sink
) -> None:
    await receiver.send(mail_from("zoe@example.be", "Facture", "Ma facture est fausse."))
    await deliver(desk, sink)
    ada = await operator(desk, "Ada")
    first = await ticket(desk, 1)
    await desk.helpdesk.tickets.change(ada, first.id, Edit(status="resolved"))
    await deliver(desk, sink)
    out_of_office = mail_from(
        "zoe@example.be", "Réponse automatique : [#000001] Facture", "Je suis absente.",
        Auto_Submitted="auto-replied",
    )  # fmt: skip
    newsletter = mail_from("news@shop.example", "Promo", "-50 %", Precedence="bulk")
    ours = mail_from("lea@example.be", "Loop", "Ours", X_Chatdesk_Mail="abc")
    for message in (out_of_office, newsletter, ours):
        assert "dropped" in await receiver.send(message)
    assert (await ticket(desk, 1)).status is Status.RESOLVED
    assert await desk._store.helpdesk.find_ticket(2) is None
    assert await deliver(desk, sink) == []


async def test_a_bounce_flags_the_address_and_tells_the_operators(
    desk: Services, receiver: Receiver, sink: Sink
) -> None:
    await receiver.send(mail_from("lea@example.be", "Site en panne", "Rien ne marche."))
    await deliver(desk, sink)
    assert "bounce" in await receiver.send(DSN, sender="")
    (event,) = [e for e in receiver.published.events if isinstance(e, MailBounced)]
    lea = await desk._store.requesters.find_requester("lea@example.be")
    assert lea is not None and (event.email, event.requester_id) == ("lea@example.be", lea.id)
    assert [b.email for b in await desk.mail.addresses.bounces()] == ["lea@example.be"]
    await receiver.send(DSN, sender="")  # flagged already: operators are not told twice
    assert sum(isinstance(e, MailBounced) for e in receiver.published.events) == 1
    # The desk stops writing there...
    ada = await operator(desk, "Ada")
    await desk.helpdesk.tickets.reply((await ticket(desk, 1)).id, ada, "Voici la réponse.")
    assert await deliver(desk, sink) == []
    # ...until the address writes to us again.
    await receiver.send(mail_from("lea@example.be", "Re: [#000001] Site", "Je suis là."))
    assert await desk.mail.addresses.bounces() == []
    assert "bounce" in await receiver.send(DSN, sender="")  # bouncing again: told again
    assert sum(isinstance(e, MailBounced) for e in receiver.published.events) == 2


async def test_a_message_received_twice_is_taken_once(desk: Services, receiver: Receiver) -> None:
    message = mail_from("zoe@example.be", "Aide", "Bonjour", message_id="<same@client.example>")
    assert "filed" in await receiver.send(message)
    assert "dropped" in await receiver.send(message)
    assert await desk._store.helpdesk.find_ticket(2) is None


async def test_a_message_filed_but_not_yet_marked_is_not_filed_again(
    desk: Services, receiver: Receiver
) -> None:
    # The window a crash could hit: the ticket was filed (its transaction records the
    # Message-ID) but the receiver never got to say so. Taken again, the mail is dropped.
    filed, _ = await desk.helpdesk.filing.file(
        NewTicket(email="zoe@example.be", subject="Aide", description="Bonjour",
                  channel="email", inbound_key="<window@client.example>")
    )  # fmt: skip
    message = mail_from("zoe@example.be", "Aide", "Bonjour", message_id="<window@client.example>")
    assert "dropped" in await receiver.send(message)
    assert await desk._store.helpdesk.find_ticket(filed.number + 1) is None


async def test_a_sender_past_the_rate_is_dropped(store: Store, clock: Clock, sink: Sink) -> None:
    desk = mail_desk(store, clock, sink, sender_limit="2/hour")
    receiver = Receiver(desk)
    await receiver.start()
    try:
        replies = [
            await receiver.send(mail_from("zoe@example.be", f"Aide {n}", "Bonjour"))
            for n in range(3)
        ]
    finally:
        await receiver.stop()
    assert ["filed" in r for r in replies] == [True, True, False]


async def test_customers_desks_and_account_departments_refuse_with_the_reason(
    store: Store, clock: Clock, sink: Sink
) -> None:
    desk = mail_desk(
        store, clock, sink, helpdesk={"access": "customers"},
        addresses={"billing@desk.test": "billing"}, registered_only=frozenset({"billing"}),
    )  # fmt: skip
    acme = await desk.helpdesk.people.add_organisation("Acme")
    await desk.helpdesk.people.add_member(acme, "lea@acme.be")
    receiver = Receiver(desk)
    await receiver.start()
    try:
        stranger = mail_from("zoe@example.be", "Aide", "Bonjour, mon site est en panne.")
        assert "refused" in await receiver.send(stranger)
        to_billing = mail_from("lea@acme.be", "Facture", "Une question de facture.")
        assert "filed" in await receiver.send(to_billing, to="billing@desk.test")
    finally:
        await receiver.stop()
    refusal, received = await deliver(desk, sink)
    assert "réservé aux clients sous contrat" in " ".join(
        refusal.get_body(("plain",)).get_content().split()  # type: ignore[union-attr]
    )
    assert (await ticket(desk, 1)).department == "billing"
    assert received["To"] == "lea@acme.be"


async def test_the_billing_address_a_ticket_is_copied_to_may_answer_it(
    store: Store, clock: Clock, sink: Sink
) -> None:
    desk = mail_desk(
        store, clock, sink, addresses={"billing@desk.test": "billing"},
        registered_only=frozenset({"billing"}),
    )  # fmt: skip
    people = desk.helpdesk.people
    acme, other = await people.add_organisation("Acme"), await people.add_organisation("Other")
    await people.add_member(acme, "lea@acme.be")
    await desk.mail.addresses.set_org_address(acme, "billing", "Compta@Acme.be")
    await desk.mail.addresses.set_org_address(acme, "abuse", "abuse@acme.be")
    await desk.mail.addresses.set_org_address(other, "billing", "compta@other.be")
    receiver = Receiver(desk)
    await receiver.start()
    try:
        to_billing = mail_from("lea@acme.be", "Facture", "Une facture en double.")
        assert "filed" in await receiver.send(to_billing, to="billing@desk.test")
        answer = mail_from("compta@acme.be", "Re: [#000001] Facture", "Nous confirmons.")
        assert "appended" in await receiver.send(answer, to="billing@desk.test")
        # Another kind of address of Acme, or another customer's billing: not on this one.
        for sender in ("abuse@acme.be", "compta@other.be"):
            intruder = mail_from(sender, "Re: [#000001] Facture", "Moi aussi.")
            assert "refused" in await receiver.send(intruder, to="billing@desk.test")
    finally:
        await receiver.stop()
    filed = await ticket(desk, 1)
    messages = await desk._store.helpdesk.list_ticket_messages(filed.id)
    assert [m.text for m in messages] == ["Une facture en double.", "Nous confirmons."]
    assert messages[1].author is AuthorKind.REQUESTER
    assert messages[1].author_id != filed.requester_id


async def test_refused_files_are_named_in_the_text(store: Store, clock: Clock, sink: Sink) -> None:
    limits = AttachmentLimits(max_file=2**20, max_ticket=2 * 2**20)
    desk = mail_desk(store, clock, sink, helpdesk={"attachments": limits})
    receiver = Receiver(desk)
    await receiver.start()
    try:
        message = mail_from("zoe@example.be", "Facture", "Voir la pièce jointe.")
        message.add_attachment(
            b"MZ\x90\x00" * 8,
            maintype="application",
            subtype="octet-stream",
            filename="facture.pdf.exe",
        )
        message.add_attachment(
            PNG + bytes(2**20), maintype="image", subtype="png", filename="scan.png"
        )
        message.add_attachment(PNG + bytes(900_000), maintype="image", subtype="png",
                               filename="page1.png")  # fmt: skip
        await receiver.send(message)
        filed = await ticket(desk, 1)
        [kept] = await desk._store.helpdesk.list_attachments(filed.id)
        assert kept.filename == "page1.png"
        # Said in the requester's language: they read it in their thread and their mails.
        assert filed.description == (
            "Voir la pièce jointe.\n\n"
            "[facture.pdf.exe\u00a0: non joint, les programmes sont refusés]\n"
            "[scan.png\u00a0: non joint, il dépasse 1 Mo par fichier]"
        )
        # A reply whose files would take the ticket past its total: the text still counts.
        reply = mail_from("zoe@example.be", f"Re: [{filed.label}] Facture", "Les suivantes.")
        for name in ("page2.png", "page3.png"):
            reply.add_attachment(PNG + bytes(700_000), maintype="image", subtype="png",
                                 filename=name)  # fmt: skip
        await receiver.send(reply)
    finally:
        await receiver.stop()
    messages = await desk._store.helpdesk.list_ticket_messages(filed.id)
    assert messages[-1].text == (
        "Les suivantes.\n\n"
        "[page2.png\u00a0: non joint, les fichiers d'une demande ne dépassent pas 2 Mo]\n"
        "[page3.png\u00a0: non joint, les fichiers d'une demande ne dépassent pas 2 Mo]"
    )
    assert len(await desk._store.helpdesk.list_attachments(filed.id)) == 1


async def test_serve_starts_the_receiver_when_mail_in_listen_is_set(
    database: dict[str, Any], aiohttp_server: Any, sink: Sink
) -> None:
    port = free_port()
    settings = Settings(
        knowledge_dir=None, config_file=None, smtp_url=sink.url, mail_from=FROM,
        public_url=PUBLIC, mail_in_listen=f"127.0.0.1:{port}", **database,
    )  # fmt: skip
    server: TestServer = await aiohttp_server(create_app(settings, tick=None))
    message = mail_from("zoe@example.be", "Facture", "Ma facture est fausse.")
    async with aiosmtplib.SMTP(hostname="127.0.0.1", port=port, timeout=5) as smtp:
        _, reply = await smtp.sendmail("zoe@example.be", ["support@desk.test"], bytes(message))
    assert "filed" in reply
    found = await server.app[SERVICES]._store.helpdesk.find_ticket(1)
    assert found is not None and found.channel is Channel.EMAIL
    await server.close()
    with pytest.raises((OSError, aiosmtplib.SMTPConnectError)):
        async with aiosmtplib.SMTP(hostname="127.0.0.1", port=port, timeout=2):
            pass
