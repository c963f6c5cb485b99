"""A chat's transcript by e-mail ("Email me this conversation"): what the mail says, what
it leaves out, and who may not have one, through a real SMTP sink on every backend."""

from __future__ import annotations

from collections.abc import Callable

import msgspec
import pytest
from aiohttp.test_utils import TestServer

from chatdesk.errors import (
    ChatdeskError,
    Conflict,
    Forbidden,
    InvalidPayload,
    NotFound,
    RateLimited,
)
from chatdesk.escalation import Contact
from chatdesk.models import AuditAction, Author, MessageDraft, Operator
from chatdesk.models.mail import OutboxMail
from chatdesk.services import Services
from chatdesk.store import Store
from chatdesk.web.appkeys import SERVICES

from ..clients import OperatorClient, VisitorClient
from ..conftest import StartServer
from ..desk import Clock
from .conftest import FROM, PUBLIC, Sink, deliver, mail_desk
from .test_outbox import parts


async def _chat(desk: Services, lang: str = "fr") -> str:
    """A conversation with a visitor, the bot, the desk, an operator and a file."""
    session = await desk.conversations.visitor_connected(token=None, lang=lang, page="/")
    cid = session.conversation.id
    await desk.conversations.visitor_said(cid, client_id="c1", text="Mon site <b>tombe</b>")
    now = desk.mail.outbox.clock()

    async def append(cid: str, draft: MessageDraft) -> None:
        await desk._store.conversations.append_message(cid, msgspec.structs.replace(draft, ts=now))

    bot = "Voyez votre [espace client](/support) : **Redémarrer**."
    await append(cid, MessageDraft(author=Author.BOT, text=bot, extra={"kind": "answer"}))
    await append(cid, MessageDraft(author=Author.SYSTEM, text="Votre demande porte le numéro #7."))
    operator = {"operator": {"id": "x", "name": "Sophie"}}
    await append(cid, MessageDraft(author=Author.OPERATOR, text="Je regarde.", extra=operator))
    files = {"attachments": [{"id": "f", "name": "capture.png", "size": 2048}]}
    await append(cid, MessageDraft(author=Author.VISITOR, text="capture.png", extra=files))
    # An operator's ticket reply said in the chat, with its file: its words stay.
    reply = operator | {"attachments": [{"id": "g", "name": "guide.pdf", "size": 3 * 2**20}]}
    await append(cid, MessageDraft(author=Author.OPERATOR, text="Voici le guide.", extra=reply))
    return cid


async def test_the_transcript_says_the_whole_conversation_as_it_was_asked(
    desk: Services, sink: Sink
) -> None:
    cid = await _chat(desk)
    mail = await desk.mail.transcripts.request(cid, " Lea@Example.BE ")
    assert mail.to == "lea@example.be"
    await desk.conversations.visitor_said(cid, client_id="c2", text="Et après coup ?")
    (sent,) = await deliver(desk, sink)
    assert sent["To"] == "lea@example.be"
    assert sent["Subject"] == "Votre conversation avec Ardenne Cloud"
    assert sent["Auto-Submitted"] == "auto-generated" and sent["Content-Language"] == "fr"
    assert sent["In-Reply-To"] is None  # no ticket's thread
    text, html = parts(sent)
    assert "Voici votre conversation avec Ardenne Cloud" in text
    assert "Vous · mardi 17 novembre, 10:30 > Mon site <b>tombe</b>" in text
    # The bot's Markdown as plain text, links made absolute on the desk.
    assert "Assistant · 10:30 > Voyez votre espace client (https://desk.test/support)" in text
    assert "Redémarrer." in text and "**" not in text
    assert "Ardenne Cloud · 10:30 > Votre demande porte le numéro #7." in text
    assert "Sophie · 10:30 > Je regarde." in text
    assert "Vous · 10:30 > Fichier envoyé : capture.png (2 ko)" in text
    assert "Sophie · 10:30 > Voici le guide. > Fichier envoyé : guide.pdf (3,0 Mo)" in text
    assert "Et après coup" not in text  # said after the request
    assert "Mon site &lt;b&gt;tombe&lt;/b&gt;" in html and "<b>tombe" not in html
    assert "Quelqu'un a tapé votre adresse" in text
    assert "/support/t/" not in text  # no link to a ticket: the address is anyone's


async def test_the_transcript_names_the_bot_and_keeps_the_last_messages(
    desk: Services, sink: Sink, store: Store, clock: Clock
) -> None:
    session = await desk.conversations.visitor_connected(token=None, lang="en", page="/")
    cid = session.conversation.id
    for n in range(203):
        await store.conversations.append_message(
            cid, MessageDraft(author=Author.VISITOR, text=f"line {n}", ts=clock())
        )
    desk.mail.transcripts.bot_name = lambda conversation: "Ardi"
    await desk.mail.transcripts.request(cid, "lea@example.be")
    (sent,) = await deliver(desk, sink)
    text, _ = parts(sent)
    assert "here are the last 200." in text
    assert "line 2 " not in text and "> line 3 " in text and "> line 202 " in text


async def test_what_is_refused(desk: Services, store: Store) -> None:
    cid = await _chat(desk)
    transcripts = desk.mail.transcripts
    with pytest.raises(InvalidPayload) as bad:
        await transcripts.request(cid, "lea@")
    assert bad.value.code == "invalid_email"
    session = await desk.conversations.visitor_connected(token=None, lang="nl", page="/")
    with pytest.raises(Conflict) as empty:
        await transcripts.request(session.conversation.id, "lea@example.be")
    assert empty.value.code == "nothing_to_send"
    await desk.spam.block(None, "spam.example")
    with pytest.raises(Forbidden) as blocked:
        await transcripts.request(cid, "promo@spam.example")
    assert blocked.value.code == "blocked"
    # Three a visitor; three an address, whoever asks.
    for n in range(3):
        await transcripts.request(cid, f"lea{n}@example.be")
    with pytest.raises(RateLimited):
        await transcripts.request(cid, "lea9@example.be")
    for _ in range(2):
        await transcripts.request(await _chat(desk), "bob@example.be")
    other = await _chat(desk)
    await transcripts.request(other, "bob@example.be")
    with pytest.raises(RateLimited):
        await transcripts.request(await _chat(desk), "bob@example.be")
    now = desk.mail.outbox.clock()
    assert len(await store.mail.claim_mails(now, until=now, limit=50)) == 6


async def test_forgotten_before_it_is_sent_nothing_goes(desk: Services, sink: Sink) -> None:
    cid = await _chat(desk)
    await desk.mail.transcripts.request(cid, "lea@example.be")
    conversation = await desk._store.conversations.get_conversation(cid)
    assert conversation is not None
    await desk.conversations.visitor_forgot(conversation.visitor_id)
    # The mail went with the visitor (the address they typed included): nothing to send,
    # nothing failed to show.
    assert await deliver(desk, sink) == []
    assert await desk.mail.outbox.failures() == []
    # One whose conversation went otherwise (the retention) fails as gone, mailing nothing.
    orphan = OutboxMail("transcript", "lea@example.be", "fr", desk.mail.outbox.clock(),
                        data={"conversation_id": cid, "until": 3})  # fmt: skip
    await desk.mail.outbox.enqueue([orphan])
    assert await deliver(desk, sink) == []
    (failed,) = await desk.mail.outbox.failures()
    assert failed.id == orphan.id and "gone" in failed.last_error


async def test_a_desk_without_mail_offers_none(store: Store, clock: Clock) -> None:
    desk = mail_desk(store, clock, None)
    with pytest.raises(ChatdeskError) as off:
        await desk.mail.transcripts.request(await _chat(desk), "lea@example.be")
    assert off.value.code == "unavailable"
    assert (await desk.desk.status())["transcript"] is False


async def test_the_widget_asks_over_its_socket(
    start_server: StartServer, sink: Sink, new_client: Callable[[TestServer], VisitorClient]
) -> None:
    server = await start_server(smtp_url=sink.url, mail_from=FROM, public_url=PUBLIC)
    services: Services = server.app[SERVICES]
    visitor = new_client(server)
    await visitor.connect({"lang": "nl"})
    assert visitor.session["desk"]["transcript"] is True
    refused = await visitor.call("transcript", {})
    assert refused["ok"] is False and refused["error"]["code"] == "invalid_payload"
    empty = await visitor.call("transcript", {"email": "lea@example.be"})
    assert empty["ok"] is False and empty["error"]["code"] == "nothing_to_send"
    await visitor.say("Hallo, mijn factuur?")
    ack = await visitor.call("transcript", {"email": "Lea@Example.be"})
    assert ack == {"ok": True, "email": "lea@example.be"}
    await services.mail.outbox.run()
    (sent,) = sink.take()
    assert sent["Subject"] == "Uw gesprek met chatdesk"
    assert "Hallo, mijn factuur?" in parts(sent)[0]


async def _operator(desk: Services, login: str, name: str) -> Operator:
    return await desk.operators.add(
        f"{login}@desk.test", name=name, role="operator", departments=("general",),
        languages=("fr",), password="correct horse battery",
    )  # fmt: skip


async def test_an_operator_sends_it_named_and_audited(
    desk: Services, sink: Sink, store: Store
) -> None:
    cid = await _chat(desk)
    sophie = await _operator(desk, "sophie", "Sophie Lambert")
    # No ticket yet: the visitor is "Visiteur".
    await desk.mail.transcripts.send(sophie, cid, "Dev@Partner.example")
    (first,) = await deliver(desk, sink)
    await desk.escalation.visitor_asked(cid)
    await desk.escalation.visitor_contact(cid, Contact(email="lea@example.be", name="Léa Dubois"))
    await desk.mail.transcripts.send(sophie, cid, "lea@example.be")
    (second,) = [m for m in await deliver(desk, sink) if m["Subject"] == first["Subject"]]
    assert first["To"] == "dev@partner.example"
    assert first["Subject"] == "Une conversation avec Ardenne Cloud"
    text, _ = parts(first)
    assert "Sophie Lambert, d'Ardenne Cloud, vous envoie cette conversation du chat." in text
    assert "Visiteur · mardi 17 novembre, 10:30 > Mon site <b>tombe</b>" in text
    assert "Vous ·" not in text and "Quelqu'un a tapé votre adresse" not in text
    text, _ = parts(second)
    assert "Léa Dubois · " in text and "> Mon site <b>tombe</b>" in text
    # On the audit log: who sent which conversation, and where to (the domain: the log
    # keeps nobody's address).
    entries = await store.audit.list_audit(limit=10)
    sent = [e for e in entries if e.action is AuditAction.TRANSCRIPT_SENT]
    assert [(e.actor, e.target, e.detail) for e in sent] == [
        ("sophie@desk.test", f"conversation {cid}", "to an address at example.be"),
        ("sophie@desk.test", f"conversation {cid}", "to an address at partner.example"),
    ]


async def test_an_operator_is_refused_as_a_visitor_is_with_own_limits(desk: Services) -> None:
    cid = await _chat(desk)
    sophie = await _operator(desk, "sophie", "Sophie")
    transcripts = desk.mail.transcripts
    with pytest.raises(InvalidPayload):
        await transcripts.send(sophie, cid, "lea@")
    await desk.spam.block(None, "spam.example")
    with pytest.raises(Forbidden):
        await transcripts.send(sophie, cid, "promo@spam.example")
    with pytest.raises(NotFound):
        await transcripts.send(sophie, "nope", "lea@example.be")
    # More than a visitor may (3), fewer than a script would: 30 an hour.
    for n in range(30):
        await transcripts.send(sophie, cid, f"colleague{n % 10}@partner.example")
    with pytest.raises(RateLimited):
        await transcripts.send(sophie, cid, "other@partner.example")
    marc = await _operator(desk, "marc", "Marc")
    await transcripts.send(marc, cid, "other@partner.example")


async def test_the_console_sends_it_over_its_socket(
    start_server: StartServer, sink: Sink, new_client: Callable[[TestServer], VisitorClient]
) -> None:
    server = await start_server(smtp_url=sink.url, mail_from=FROM, public_url=PUBLIC)
    services: Services = server.app[SERVICES]
    visitor = new_client(server)
    await visitor.connect({"lang": "en"})
    await visitor.say("My invoice is wrong")
    sophie = await _operator(services, "sophie", "Sophie")
    token, _ = services.operators.tokens.issue(sophie)
    console = OperatorClient(str(server.make_url("")))
    await console.connect(None, headers={"Cookie": f"chatdesk_session={token}"})
    try:
        cid = visitor.session["conversation_id"]
        bad = await console.call("transcript", {"conversation_id": cid})
        assert bad["ok"] is False and bad["error"]["code"] == "invalid_payload"
        ack = await console.call("transcript", {"conversation_id": cid, "email": "Bob@X.example"})
        assert ack == {"ok": True, "email": "bob@x.example"}
    finally:
        await console.close()
    await services.mail.outbox.run()
    (sent,) = sink.take()
    assert sent["Subject"] == "A conversation with chatdesk"
    text, _ = parts(sent)
    assert "Sophie at chatdesk sends you this chat conversation." in text
    assert "Visitor · " in text and "> My invoice is wrong" in text
