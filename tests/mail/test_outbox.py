"""Outgoing mail through a real SMTP sink: headers, both parts, languages, links, retries."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

import pytest
from aiohttp.test_utils import TestServer

from chatdesk import Settings, create_app
from chatdesk.helpdesk import Edit, NewTicket, Upload
from chatdesk.models import Requester, Status, Ticket
from chatdesk.models.mail import AddressKind, MailState
from chatdesk.services import Services
from chatdesk.store import Store
from chatdesk.web.appkeys import SERVICES

from ..desk import Clock
from ..helpdesk.conftest import operator
from .conftest import FROM, PUBLIC, Sink, deliver, mail_desk

LINK = re.compile(r"https://desk\.test/support/t/([\w.\-]+)")


async def file(desk: Services, email: str = "lea@example.be", **kw: Any) -> Ticket:
    kw.setdefault("subject", "Site en panne")
    kw.setdefault("description", "Depuis ce matin le site ne répond plus.")
    kw.setdefault("name", "Léa")
    kw.setdefault("lang", "fr")
    ticket, _ = await desk.helpdesk.filing.file(NewTicket(email=email, **kw))
    return ticket


def parts(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    # Whitespace flattened: the text part is wrapped at 72 columns.
    return " ".join(str(text.get_content()).split()), " ".join(str(html.get_content()).split())


async def requester(desk: Services, ticket: Ticket) -> Requester:
    found = await desk._store.requesters.get_requester(ticket.requester_id or "")
    assert found is not None
    return found


async def test_the_received_mail_threads_speaks_french_and_links_to_the_ticket(
    desk: Services, sink: Sink
) -> None:
    ticket = await file(desk)
    (mail,) = await deliver(desk, sink)
    assert sink.envelopes == [("support@desk.test", ["lea@example.be"])]
    assert mail["From"] == FROM and mail["To"] == "lea@example.be"
    assert mail["Subject"] == "[#000001] Site en panne"
    assert re.fullmatch(r"<[0-9a-f]{32}@desk\.test>", mail["Message-ID"])
    assert mail["In-Reply-To"] == mail["References"] == f"<ticket.{ticket.id}@desk.test>"
    assert mail["Auto-Submitted"] == "auto-generated"
    assert mail["Content-Language"] == "fr"
    assert mail.get_content_type() == "multipart/alternative"
    text, html = parts(mail)
    for body in (text, html):
        assert "Bonjour Léa," in body
        assert "Nous avons bien reçu votre demande #000001" in body
        # Filed on a Tuesday at 10:30 in Brussels, normal priority: one business day.
        assert "mercredi 18 novembre, 10:30" in body
        assert "Depuis ce matin le site ne répond plus." in body
    assert 'lang="fr"' in html and "#1d4ed8" in html  # the desk's colour
    assert "<p" not in text
    (token,) = set(LINK.findall(text))
    # The link opens the portal in the mail's language, whatever the browser's.
    assert f'href="{PUBLIC}/support/t/{token}?lang=fr"' in html
    followed, who = await desk.helpdesk.views.follow(token)
    assert followed.id == ticket.id and who is not None and who.email == "lea@example.be"
    assert await deliver(desk, sink) == []  # each change mails once


async def test_dutch_and_english_requesters_read_their_language(desk: Services, sink: Sink) -> None:
    await file(desk, "jan@example.nl", lang="nl", name="Jan")
    await file(desk, "amy@example.com", lang="en", name="Amy", subject="Site down")
    nl, en = await deliver(desk, sink)
    assert nl["Content-Language"] == "nl" and en["Content-Language"] == "en"
    assert "We hebben uw aanvraag #000001 goed ontvangen" in parts(nl)[0]
    assert "Beste Jan," in parts(nl)[0]
    assert "We have received your request #000002" in parts(en)[0]
    assert "Wednesday 18 November, 10:30" in parts(en)[0]


async def test_an_agent_reply_carries_the_recent_thread_and_notes_stay_inside(
    desk: Services, sink: Sink
) -> None:
    ticket = await file(desk)
    lea = await requester(desk, ticket)
    ada = await operator(desk, "Ada")
    # Her signature goes under her reply (not under the thread's earlier messages).
    ada = await desk.operators.set_signature(ada, "Ada Lovelace\n  Support   technique  ")
    await desk.helpdesk.tickets.reply(ticket.id, lea, "J'ai aussi une capture d'écran.")
    await desk.helpdesk.tickets.reply(ticket.id, ada, "Note: client important", internal=True)
    await desk.helpdesk.tickets.reply(ticket.id, ada, "Pouvez-vous m'envoyer l'ID du site ?")
    received, reply = await deliver(desk, sink)
    assert reply["Subject"] == received["Subject"] == "[#000001] Site en panne"
    assert reply["References"] == received["References"]
    assert reply["Auto-Submitted"] is None  # a person wrote it
    text, html = parts(reply)
    for body in (text, html):
        assert "Ada a répondu à votre demande #000001" in body
        assert "Pouvez-vous m" in body and "ID du site ?" in body
        assert "Plus tôt dans cette demande" in body
        assert "J'ai aussi une capture" in body or "J&#39;ai aussi une capture" in body
        assert "client important" not in body
        assert "Ada Lovelace" in body and "Support technique" in body
    assert text.index("ID du site ?") < text.index("-- ") < text.index("Support technique")
    assert text.index("Support technique") < text.index("Plus tôt dans cette demande")
    # The thread: newest first, under the reply.
    assert text.index("capture d'écran") < text.index("Depuis ce matin")


async def test_resolved_carries_the_rating_links_and_the_closing_date(
    desk: Services, sink: Sink, clock: Clock
) -> None:
    ticket = await file(desk)
    ada = await operator(desk, "Ada")
    await desk.helpdesk.tickets.change(ada, ticket.id, Edit(status="resolved"))
    _, resolved = await deliver(desk, sink)
    text, html = parts(resolved)
    (token,) = set(LINK.findall(text))
    for score in range(1, 6):
        link = f"{PUBLIC}/support/t/{token}/rate?score={score}&lang=fr"
        assert link in text and f'href="{link.replace("&", "&amp;")}"' in html
    assert "Comment évaluez-vous notre aide ?" in text
    # Resolved on Tuesday: closes after 5 business days, next Tuesday.
    assert "clôturée le mardi 24 novembre, 10:30" in text

    # Without reaction it closes, and the requester is told.
    clock.advance(days=8)
    await desk.helpdesk.clocks.auto_close()
    (closed,) = await deliver(desk, sink)
    assert closed["Subject"] == "[#000001] Site en panne"
    assert "faute de réaction" in parts(closed)[0]


async def test_a_reply_that_resolves_is_one_mail_with_the_rating_links(
    desk: Services, sink: Sink
) -> None:
    ticket = await file(desk)
    ada = await operator(desk, "Ada")
    await desk.helpdesk.tickets.reply(ticket.id, ada, "C'est réparé.", then=Status.RESOLVED)
    # "Received" and one mail for the reply and the resolution, not two a second apart.
    _, reply = await deliver(desk, sink)
    assert reply["Auto-Submitted"] is None  # a person wrote it
    text, html = parts(reply)
    (token,) = set(LINK.findall(text))
    for body in (text, html):
        assert "Ada a répondu à votre demande #000001" in body and "C'est réparé." in body.replace(
            "&#39;", "'"
        )
        assert "« Site en panne » est résolue. Comment" in body.replace("&laquo;", "«").replace(
            "&raquo;", "»"
        )
        assert "clôturée le mardi 24 novembre, 10:30" in body
    assert f'href="{PUBLIC}/support/t/{token}/rate?score=5&amp;lang=fr"' in html
    # Resolved with an internal note: the requester saw no reply, so "resolved" is its own
    # mail.
    lea = await requester(desk, ticket)
    await desk.helpdesk.tickets.reply(ticket.id, lea, "Encore une question.")
    await desk.helpdesk.tickets.reply(
        ticket.id, ada, "Vu au téléphone", internal=True, then=Status.RESOLVED
    )
    told, by_note = await deliver(desk, sink)  # Ada, whose ticket Léa answered; then Léa
    assert told["To"] == "ada@desk.test" and by_note["To"] == "lea@example.be"
    assert "Comment évaluez-vous notre aide ?" in parts(by_note)[0]
    assert "Vu au téléphone" not in parts(by_note)[0]
    # Resolved later by itself (after a requester's reply reopened it): its own mail.
    await desk.helpdesk.tickets.reply(ticket.id, lea, "Merci !")
    await desk.helpdesk.tickets.change(ada, ticket.id, Edit(status="resolved"))
    _, resolved = await deliver(desk, sink)
    assert resolved["To"] == "lea@example.be"
    assert "Comment évaluez-vous notre aide ?" in parts(resolved)[0]
    assert "a répondu" not in parts(resolved)[0]


async def test_a_reply_that_asks_says_the_desk_waits_and_until_when(
    desk: Services, sink: Sink
) -> None:
    ticket = await file(desk)
    ada = await operator(desk, "Ada")
    await desk.helpdesk.tickets.reply(
        ticket.id, ada, "Quel est l'ID du site ?", then=Status.PENDING
    )
    _, reply = await deliver(desk, sink)
    text, html = parts(reply)
    for body in (text, html):
        assert "Nous attendons votre réponse : répondez simplement à cet e-mail." in body
        assert "nous clôturerons votre demande le mardi 24 novembre, 10:30" in body
        assert "Répondez à cet e-mail pour continuer" not in body
    # A plain reply keeps its usual last line.
    await desk.helpdesk.tickets.reply(ticket.id, ada, "Merci d'avance.")
    (plain,) = await deliver(desk, sink)
    assert "Répondez à cet e-mail pour continuer" in parts(plain)[0]
    # A reply that closes says so, and what an answer would do.
    await desk.helpdesk.tickets.reply(
        ticket.id, ada, "Sans nouvelles, je clôture.", then=Status.CLOSED
    )
    (closing,) = await deliver(desk, sink)
    text = parts(closing)[0]
    assert "Avec ce message, nous avons clôturé votre demande #000001." in text
    assert "une nouvelle demande sera ouverte à sa suite." in text


async def test_the_pending_reminder_goes_once_before_the_auto_close(
    desk: Services, sink: Sink, clock: Clock
) -> None:
    ticket = await file(desk)
    ada = await operator(desk, "Ada")
    ticket, _ = await desk.helpdesk.tickets.change(ada, ticket.id, Edit(status="pending"))
    assert ticket.auto_close_at is not None
    await deliver(desk, sink)
    await desk.mail.reminders.run()
    assert await deliver(desk, sink) == []  # five business days left: too early
    clock.advance(days=6)  # next Monday 10:30: closes Tuesday 10:30, one business day left
    await desk.mail.reminders.run()
    await desk.mail.reminders.run()
    (reminder,) = await deliver(desk, sink)
    text = parts(reminder)[0]
    assert "Nous attendons votre réponse concernant votre demande #000001" in text
    assert "nous la clôturerons le mardi 24 novembre, 10:30" in text
    await desk.mail.reminders.run()
    assert await deliver(desk, sink) == []


async def test_invitations_notices_and_sign_in_links(desk: Services, sink: Sink) -> None:
    people = desk.helpdesk.people
    acme = await people.add_organisation("Acme")
    await people.add_member(acme, "lea@acme.be", name="Léa")
    await desk.mail.addresses.set_org_address(acme, "support", "ops@acme.be")
    await people.invite(None, "max@example.be", acme)
    # The organisation's own admin invites a colleague from the portal: the mail names them.
    boss = await people.add_member(acme, "boss@acme.be", role="admin", name="Bo Martin")
    await desk.helpdesk.orgadmin.invite(boss, "zoe@example.be")
    ada = await operator(desk, "Ada", role="admin")
    zone = desk.config.hours.timezone
    starts = datetime(2030, 3, 2, 22, 0, tzinfo=zone)  # a Saturday, in winter time
    await desk.helpdesk.notices.publish(
        ada, title="Maintenance du réseau",
        body="Coupure **courte** ce soir ([suivi](/support)).",
        severity="maintenance", starts_at=starts, ends_at=starts + timedelta(minutes=90),
    )  # fmt: skip
    await desk.mail.addresses.sign_in_requested(
        "lea@acme.be", f"{PUBLIC}/support/signin/abc", lang="nl"
    )
    sent = {(m["To"], m["Subject"]): m for m in await deliver(desk, sink)}
    invitation = sent[("max@example.be", "Ardenne Cloud: your invitation")]
    assert "invites you to send us your support requests for Acme" in parts(invitation)[0]
    assert f"{PUBLIC}/support" in parts(invitation)[0]
    assert "asked us to invite you" not in parts(invitation)[0]  # the desk's own
    invited = parts(sent[("zoe@example.be", "Ardenne Cloud: your invitation")])[0]
    assert "Bo Martin asked us to invite you." in invited
    notice = sent[("lea@acme.be", "[Ardenne Cloud] Maintenance du réseau")]
    assert notice["Precedence"] == "bulk"
    assert "<strong>courte</strong>" in parts(notice)[1]  # Markdown, sanitised
    assert f'href="{PUBLIC}/support"' in parts(notice)[1]  # the desk's page, absolute
    # The text part reads as text: no Markdown marks, the link's address in brackets.
    assert f"Coupure courte ce soir (suivi ({PUBLIC}/support))." in parts(notice)[0]
    # One day named once, with the desk's zone; the severity not repeated before the title.
    assert "Saturday 2 March 2030, 22:00 to 23:30 (CET)." in parts(notice)[0]
    assert ("ops@acme.be", "[Ardenne Cloud] Maintenance du réseau") in sent
    sign_in = sent[("lea@acme.be", "Ardenne Cloud: uw aanmeldlink")]
    assert f"{PUBLIC}/support/signin/abc" in parts(sign_in)[0]
    assert ("boss@acme.be", "[Ardenne Cloud] Maintenance du réseau") in sent
    assert len(sent) == 6


async def test_billing_tickets_copy_the_organisation_billing_address(
    desk: Services, sink: Sink
) -> None:
    acme = await desk.helpdesk.people.add_organisation("Acme")
    await desk.helpdesk.people.add_member(acme, "lea@acme.be")
    await desk.mail.addresses.set_org_address(acme, AddressKind.BILLING, "Compta@Acme.be")
    await file(desk, "lea@acme.be", department="billing", subject="Facture")
    await file(desk, "lea@acme.be", department="technical")
    mails = await deliver(desk, sink)
    assert [(m["To"], m["Subject"]) for m in mails] == [
        ("lea@acme.be", "[#000001] Facture"),
        ("compta@acme.be", "[#000001] Facture"),
        ("lea@acme.be", "[#000002] Site en panne"),
    ]
    # The copy greets no one by name and says whose request it is, and why it came.
    own, copy = parts(mails[0])[0], parts(mails[1])[0]
    assert own.startswith("Bonjour Léa,") and "copie" not in own
    assert copy.startswith("Bonjour,") and "adresse de facturation enregistrée" in copy
    assert "La demande vient de Léa <lea@acme.be>." in copy


async def test_chat_tickets_get_no_received_mail(desk: Services, sink: Sink) -> None:
    await file(desk, channel="chat")
    assert await deliver(desk, sink) == []


async def test_smtp_down_while_three_tickets_are_filed_then_each_mail_once(
    desk: Services, sink: Sink, clock: Clock
) -> None:
    await sink.stop()
    for n in range(3):
        await file(desk, f"client{n}@example.be")
    await desk.mail.outbox.run()
    queued = await desk._store.mail.list_mails(MailState.QUEUED)
    assert [m.attempts for m in queued] == [1, 1, 1]
    assert all("Connect" in m.last_error or "refused" in m.last_error for m in queued)
    await sink.start()
    assert await deliver(desk, sink) == []  # waiting for the retry
    clock.advance(seconds=31)
    sent = await deliver(desk, sink)
    assert sorted(m["To"] for m in sent) == [f"client{n}@example.be" for n in range(3)]
    assert len({m["Message-ID"] for m in sent}) == 3
    clock.advance(hours=2)
    assert await deliver(desk, sink) == []
    assert await desk.mail.outbox.failures() == []


async def test_two_processes_send_each_mail_once(store: Store, clock: Clock, sink: Sink) -> None:
    a, b = mail_desk(store, clock, sink), mail_desk(store, clock, sink)
    for n in range(6):
        await file(a, f"client{n}@example.be")
    await a.mail.outbox.plan_feed()
    await asyncio.gather(a.mail.outbox.send_due(), b.mail.outbox.send_due())
    sent = sink.take()
    assert sorted(m["To"] for m in sent) == [f"client{n}@example.be" for n in range(6)]


async def test_a_refused_recipient_is_given_up_and_an_admin_retries_it(
    desk: Services, sink: Sink
) -> None:
    sink.refuse.add("gone@example.be")
    await file(desk, "gone@example.be")
    assert await deliver(desk, sink) == []
    (failed,) = await desk.mail.outbox.failures()
    assert failed.to == "gone@example.be" and failed.attempts == 1
    assert "550" in failed.last_error
    ada = await operator(desk, "Ada", role="admin")
    sink.refuse.clear()
    await desk.mail.outbox.retry(ada, failed.id)
    (mail,) = await deliver(desk, sink)
    assert mail["Message-ID"] == f"<{failed.id}@desk.test>"  # the same mail, sent once
    assert await desk.mail.outbox.failures() == []


async def test_no_mail_to_a_bouncing_address(desk: Services, sink: Sink, clock: Clock) -> None:
    await desk._store.mail.set_bouncing("lea@example.be", "5.1.1 unknown", clock())
    await file(desk)
    assert await deliver(desk, sink) == []
    (failed,) = await desk.mail.outbox.failures()
    assert failed.last_error == "the address bounces"


async def test_without_smtp_the_desk_runs_and_sends_nothing(store: Store, clock: Clock) -> None:
    desk = mail_desk(store, clock, None)
    assert not desk.mail.enabled
    await file(desk)
    await desk.mail.outbox.run()
    assert await store.mail.take_feed(10) == []  # consumed, without mail
    assert await store.mail.list_mails(MailState.QUEUED) == []
    assert not await desk.mail.addresses.sign_in_requested("lea@example.be", "x")


async def test_a_restart_between_store_and_send_loses_nothing(
    database: dict[str, Any], aiohttp_server: Any, sink: Sink
) -> None:
    settings = Settings(
        knowledge_dir=None, config_file=None, smtp_url=sink.url, mail_from=FROM,
        public_url=PUBLIC, **database,
    )  # fmt: skip
    first: TestServer = await aiohttp_server(create_app(settings, tick=None))
    await first.app[SERVICES].helpdesk.filing.file(
        NewTicket(email="lea@example.be", subject="Site en panne", lang="fr")
    )
    await first.close()  # stopped before its worker sent anything
    assert sink.take() == []
    second: TestServer = await aiohttp_server(create_app(settings, tick=None))
    await second.app[SERVICES].mail.outbox.run()
    (mail,) = sink.take()
    assert mail["Subject"] == "[#000001] Site en panne"


async def test_the_app_sends_from_its_periodic_mail_job(
    database: dict[str, Any], aiohttp_server: Any, sink: Sink
) -> None:
    clock = Clock()
    settings = Settings(
        knowledge_dir=None, config_file=None, smtp_url=sink.url, mail_from=FROM,
        public_url=PUBLIC, **database,
    )  # fmt: skip
    server: TestServer = await aiohttp_server(create_app(settings, clock=clock, tick=0.01))
    services = server.app[SERVICES]
    ticket, _ = await services.helpdesk.filing.file(
        NewTicket(email="lea@example.be", subject="Site en panne", lang="fr")
    )
    clock.advance(seconds=10)  # the mail job's next turn
    mail = await sink.next()
    assert mail["References"] == f"<ticket.{ticket.id}@desk.test>"


async def test_a_turn_asked_for_during_another_waits_for_it(desk: Services, sink: Sink) -> None:
    # The app's mail job may be sending what an admin's retry (or a test) then asks for.
    await file(desk)
    sink.hold = asyncio.Event()
    job = asyncio.create_task(desk.mail.outbox.run())
    await asyncio.wait_for(sink.sending.wait(), 5)  # the job's turn holds the claim
    asked = asyncio.create_task(desk.mail.outbox.run())
    done, _ = await asyncio.wait({asked}, timeout=0.5)
    assert not done  # it waits for the turn under way, rather than find nothing to send
    sink.hold.set()
    await asked
    assert len(sink.take()) == 1  # tried when the second turn returns
    await job


async def test_backoff_doubles_up_to_an_hour() -> None:
    from chatdesk.mail.outbox import backoff

    assert [backoff(n) for n in (1, 2, 3)] == [timedelta(seconds=s) for s in (30, 60, 120)]
    assert backoff(12) == timedelta(hours=1)


async def test_a_mail_that_cannot_be_made_fails_without_blocking_the_others(
    desk: Services, sink: Sink, clock: Clock
) -> None:
    from chatdesk.models.mail import OutboxMail

    broken = OutboxMail("no_such_kind", "lea@example.be", "fr", clock())
    await desk._store.mail.enqueue_mails([broken])
    await file(desk)
    (mail,) = await deliver(desk, sink)
    assert mail["To"] == "lea@example.be"
    (failed,) = await desk.mail.outbox.failures()
    assert failed.id == broken.id and failed.last_error.startswith("KeyError")


async def test_a_merged_ticket_tells_its_requester_where_to_follow(
    desk: Services, sink: Sink
) -> None:
    source = await file(desk, "max@example.be", name="Max", lang="en", subject="Down")
    target = await file(desk)
    ada = await operator(desk, "Ada")
    await deliver(desk, sink)
    await desk.helpdesk.tickets.merge(ada, source.id, target.id)
    (merged,) = await deliver(desk, sink)
    text, _ = parts(merged)
    assert merged["To"] == "max@example.be" and merged["Subject"] == "[#000001] Down"
    assert "Your request #000001 was merged into request #000002" in text
    (token,) = set(LINK.findall(text))
    followed, _ = await desk.helpdesk.views.follow(token)
    assert followed.id == source.id and followed.merged_into == target.id


async def test_one_turn_sends_batch_after_batch(
    desk: Services, sink: Sink, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chatdesk.mail import outbox

    monkeypatch.setattr(outbox, "TURN", 600.0)  # however slow this machine is today
    for n in range(outbox.BATCH + 1):
        await file(desk, f"client{n}@example.be")
    assert len(await deliver(desk, sink)) == outbox.BATCH + 1


async def test_a_portal_sign_in_request_mails_the_link_once_stored(
    desk: Services, sink: Sink
) -> None:
    await file(desk)  # makes the requester known
    await deliver(desk, sink)  # the "received" mail
    events = await desk.helpdesk.signin.request("LEA@example.be", client="10.0.0.1", lang="nl")
    (mail,) = await deliver(desk, sink)
    assert mail["To"] == "lea@example.be" and mail["Content-Language"] == "nl"
    text, html = parts(mail)
    (event,) = events
    assert f"{PUBLIC}{event.link}" in text and f'href="{PUBLIC}{event.link}"' in html
    # An unknown address gets nothing (and the request says nothing either).
    assert await desk.helpdesk.signin.request("nobody@example.be", client="10.0.0.1") == []
    assert await deliver(desk, sink) == []


async def test_the_registration_notice_answers_a_mailed_request_once_it_went_out(
    store: Store, clock: Clock, sink: Sink
) -> None:
    desk = mail_desk(store, clock, sink, helpdesk={"first_response": "registration_notice"})
    sent = await file(desk, "lea@example.be", channel="email")
    refused = await file(desk, "gone@example.be", channel="email", subject="Autre")
    sink.refuse.add("gone@example.be")
    clock.advance(seconds=30)
    await deliver(desk, sink)
    got = await store.helpdesk.get_ticket(sent.id)
    assert got is not None and got.first_response_at == clock.now
    # Refused: the requester was never told; the clock runs on until a person answers.
    lost = await store.helpdesk.get_ticket(refused.id)
    assert lost is not None and lost.first_response_at is None
    assert lost.next_due == lost.due_at


async def test_a_ticket_an_operator_writes_first_sends_only_their_message(
    desk: Services, sink: Sink
) -> None:
    ada = await operator(desk, "Ada")
    await operator(desk, "Bob")  # of the same department: no "new request" for him either
    ticket, _ = await desk.helpdesk.filing.file(
        NewTicket(email="zoe@example.be", subject="Votre carte a expiré", lang="fr",
                  channel="email", outbound=True),
        operator=ada,
    )  # fmt: skip
    await desk.helpdesk.tickets.reply(ticket.id, ada, "Mettez-la à jour, s'il vous plaît.")
    [mail] = await deliver(desk, sink)
    assert mail["To"] == "zoe@example.be" and "Nous avons bien reçu" not in parts(mail)[0]
    text = parts(mail)[0]
    assert "Mettez-la à jour" in text and "a répondu" not in text
    assert "Ada vous écrit au sujet de « Votre carte a expiré » (#000001)" in text
    # Her next message is a reply like any other.
    await desk.helpdesk.tickets.reply(ticket.id, ada, "Merci de votre retour.")
    assert "Ada a répondu à votre demande #000001" in parts((await deliver(desk, sink))[0])[0]
    # Only an operator writes first: a requester's "outbound" is an ordinary request.
    filed, _ = await desk.helpdesk.filing.file(
        NewTicket(email="eve@example.be", subject="Bonjour", lang="fr", outbound=True)
    )
    [received] = [m for m in await deliver(desk, sink) if m["To"] == "eve@example.be"]
    assert "Nous avons bien reçu" in parts(received)[0] and filed.channel.value == "form"


PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000002000000020802000000fdd49a73000000104944415478"
    "9c63f8cfc000440c100a001fee03fd8b5f14d40000000049454e44ae426082"
)


async def test_files_are_listed_with_their_links_and_an_agent_s_travel_with_the_reply(
    desk: Services, sink: Sink
) -> None:
    ticket = await file(desk, attachments=[Upload("écran.png", PNG)])
    (received,) = await deliver(desk, sink)
    ada = await operator(desk, "Ada")
    text, html = parts(received)
    (token,) = set(LINK.findall(text))
    (mine,) = await desk._store.helpdesk.list_attachments(ticket.id)
    for body in (text, html):  # what the requester sent, in French units (parts: flattened)
        assert "Fichiers joints" in body and "écran.png (1 ko)" in body
        assert f"{PUBLIC}/support/t/{token}/files/{mine.id}" in body
    assert not [p for p in received.iter_attachments()]  # theirs: not sent back

    await desk.helpdesk.tickets.reply(
        ticket.id, ada, "Voici le graphe.", attachments=[Upload("graphe.png", PNG)]
    )
    (reply,) = await deliver(desk, sink)
    (attached,) = reply.iter_attachments()
    assert attached.get_filename() == "graphe.png" and attached.get_content_type() == "image/png"
    assert attached.get_content() == PNG
    text, html = parts(reply)
    assert "graphe.png (1 ko)" in text and "écran.png" not in text

    # Léa answers with a file: her assignee's mail links to it in the console.
    lea = await requester(desk, ticket)
    await desk.helpdesk.tickets.reply(
        ticket.id, lea, "Toujours en panne.", attachments=[Upload("encore.png", PNG)]
    )
    (told,) = await deliver(desk, sink)
    files = {f.filename: f.id for f in await desk._store.helpdesk.list_attachments(ticket.id)}
    text, html = parts(told)
    assert told["To"] == "ada@desk.test" and "encore.png (1 ko)" in text
    assert f"{PUBLIC}/console/files/{files['encore.png']}" in html
    assert not [p for p in told.iter_attachments()]
