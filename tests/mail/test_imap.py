"""IMAP polling against a real IMAP server (dovecot): mail becomes tickets, once."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Iterable
from typing import Any

import pytest
from aiohttp.test_utils import TestServer

from chatdesk import Settings, create_app
from chatdesk.app import PUBLISHER
from chatdesk.errors import StoreError
from chatdesk.events import Event, TicketCreated
from chatdesk.mail import ImapPoller
from chatdesk.models import Channel
from chatdesk.services import Services, build_services
from chatdesk.store import Store
from chatdesk.web.appkeys import SERVICES

from ..desk import Clock
from .conftest import FROM, PUBLIC, Sink, deliver, mail_config, mail_from, mail_settings
from .imap import PASSWORD, Dovecot


class Crash(BaseException):
    """The process dies (nothing catches it, as nothing catches a SIGKILL)."""


def imap_desk(store: Store, clock: Clock, sink: Sink, url: str) -> Services:
    return build_services(
        mail_settings(sink, imap_url=url), mail_config(), store, None, clock=clock
    )


def poller(desk: Services) -> ImapPoller:
    assert desk.mail.imap is not None
    return desk.mail.imap


async def test_a_new_mail_becomes_a_ticket_and_a_reply_threads_then_both_are_seen(
    store: Store, clock: Clock, sink: Sink, dovecot: Dovecot
) -> None:
    desk = imap_desk(store, clock, sink, dovecot.url())
    await dovecot.append(bytes(mail_from("zoe@example.be", "Facture", "Ma facture est fausse.")))
    events = await poller(desk).run()
    assert any(isinstance(e, TicketCreated) for e in events)
    filed = await store.helpdesk.find_ticket(1)
    assert filed is not None and filed.channel is Channel.EMAIL
    assert filed.requester_email == "zoe@example.be" and filed.subject == "Facture"
    assert await dovecot.flags() == [{"\\Seen"}]
    (confirmation,) = await deliver(desk, sink)
    assert confirmation["Subject"] == "[#000001] Facture"

    reply = mail_from("zoe@example.be", "RE: [#000001] Facture", "Toujours deux lignes.")
    await dovecot.append(bytes(reply))
    await poller(desk).run()
    texts = [m.text for m in await store.helpdesk.list_ticket_messages(filed.id)]
    assert texts[-1] == "Toujours deux lignes."
    assert await store.helpdesk.find_ticket(2) is None
    assert await dovecot.flags() == [{"\\Seen"}, {"\\Seen"}]


@pytest.mark.parametrize("message_id", [True, False])
async def test_a_crash_between_commit_and_seen_does_not_file_twice(
    message_id: bool, store: Store, clock: Clock, sink: Sink, dovecot: Dovecot
) -> None:
    first = imap_desk(store, clock, sink, dovecot.url())
    taken = first.mail.inbound.receive

    async def receive_then_die(raw: bytes, **kw: Any) -> Any:
        await taken(raw, **kw)  # the ticket is committed...
        raise Crash  # ...and the process dies before marking the message \Seen

    first.mail.inbound.receive = receive_then_die  # type: ignore[method-assign]
    message = mail_from("zoe@example.be", "Facture", "Ma facture est fausse.")
    if not message_id:  # rare, but then the message is known by its bytes
        del message["Message-ID"]
    await dovecot.append(bytes(message))
    with pytest.raises(Crash):
        await poller(first).run()
    assert await dovecot.flags() == [set()]  # still unseen
    assert await store.helpdesk.find_ticket(1) is not None

    second = imap_desk(store, clock, sink, dovecot.url())  # the process that takes over
    assert await poller(second).run() == []
    assert await store.helpdesk.find_ticket(2) is None  # not filed twice
    assert await dovecot.flags() == [{"\\Seen"}]


async def test_an_auto_reply_is_taken_but_never_answered(
    store: Store, clock: Clock, sink: Sink, dovecot: Dovecot
) -> None:
    desk = imap_desk(store, clock, sink, dovecot.url())
    away = mail_from("zoe@example.be", "Absente", "Je suis absente.", auto_submitted="auto-replied")
    await dovecot.append(bytes(away))
    assert await poller(desk).run() == []
    assert await store.helpdesk.find_ticket(1) is None
    assert await deliver(desk, sink) == []
    assert await dovecot.flags() == [{"\\Seen"}]  # dropped for good: never fetched again


async def test_a_wrong_password_is_logged_and_retried_with_backoff(
    store: Store, clock: Clock, sink: Sink, dovecot: Dovecot, caplog: pytest.LogCaptureFixture
) -> None:
    desk = imap_desk(store, clock, sink, dovecot.url(password="wrong"))
    imap = poller(desk)
    await dovecot.append(bytes(mail_from("zoe@example.be", "Facture", "Ma facture est fausse.")))
    with caplog.at_level(logging.ERROR, logger="chatdesk.mail.imap"):
        assert await imap.run() == []
        assert await imap.run() == []  # too early: no new attempt
        clock.advance(seconds=60)
        assert await imap.run() == []
    errors = [r.getMessage() for r in caplog.records if r.name == "chatdesk.mail.imap"]
    assert len(errors) == 2, errors
    assert "desk@127.0.0.1" in errors[0] and "Authentication failed" in errors[0]
    assert errors[0].endswith("next try in 60 s") and errors[1].endswith("next try in 120 s")
    assert "wrong" not in " ".join(errors)  # never the password
    assert "Authentication failed" in imap.last_error

    imap.target = dataclasses.replace(imap.target, password=PASSWORD)  # the admin fixes it
    clock.advance(seconds=120)
    await imap.run()
    assert await store.helpdesk.find_ticket(1) is not None and imap.last_error == ""


async def test_a_message_that_keeps_failing_is_flagged_and_left(
    store: Store, clock: Clock, sink: Sink, dovecot: Dovecot
) -> None:
    desk = imap_desk(store, clock, sink, dovecot.url())
    taken = desk.mail.inbound.receive

    async def receive(raw: bytes, **kw: Any) -> Any:
        if b"poison" in raw:
            raise RuntimeError("cannot store this one")
        return await taken(raw, **kw)

    desk.mail.inbound.receive = receive  # type: ignore[method-assign]
    await dovecot.append(bytes(mail_from("eve@example.be", "poison", "poison")))
    await dovecot.append(bytes(mail_from("zoe@example.be", "Facture", "Ma facture est fausse.")))
    for _ in range(3):
        await poller(desk).run()
    flags = await dovecot.flags()
    assert flags == [{"\\Flagged", "$ChatdeskFailed"}, {"\\Seen"}]
    await poller(desk).run()  # left alone from now on
    assert await dovecot.flags() == flags
    found = await store.helpdesk.find_ticket(1)
    assert found is not None and found.subject == "Facture"


async def test_serve_polls_the_mailbox(
    dovecot: Dovecot, sink: Sink, database: dict[str, Any], aiohttp_server: Any
) -> None:
    settings = Settings(
        knowledge_dir=None, config_file=None, smtp_url=sink.url, mail_from=FROM,
        public_url=PUBLIC, imap_url=dovecot.url(), imap_poll=5, **database,
    )  # fmt: skip
    await dovecot.append(bytes(mail_from("zoe@example.be", "Facture", "Ma facture est fausse.")))
    app = create_app(settings, tick=0.05)
    filed = asyncio.Event()
    publish = app[PUBLISHER].publish

    async def watch(events: Iterable[Event]) -> None:
        events = list(events)
        if any(isinstance(e, TicketCreated) for e in events):
            filed.set()
        await publish(events)

    app[PUBLISHER].publish = watch  # type: ignore[method-assign]
    server: TestServer = await aiohttp_server(app)
    await asyncio.wait_for(filed.wait(), 10)
    found = await server.app[SERVICES]._store.helpdesk.find_ticket(1)
    assert found is not None and found.channel is Channel.EMAIL


async def test_a_store_outage_flags_nothing(
    store: Store, clock: Clock, sink: Sink, dovecot: Dovecot, monkeypatch: pytest.MonkeyPatch
) -> None:
    desk = imap_desk(store, clock, sink, dovecot.url())
    imap = poller(desk)

    async def down(*args: Any, **kw: Any) -> Any:
        raise StoreError("the database is gone")

    monkeypatch.setattr(desk.mail.inbound, "receive", down)
    monkeypatch.setattr(store, "ping", down)
    await dovecot.append(bytes(mail_from("zoe@example.be", "Facture", "Ma facture est fausse.")))
    for _ in range(4):
        await imap.run()
        clock.advance(minutes=15)
    assert await dovecot.flags() == [set()]  # neither seen nor flagged: it waits
    assert "store does not answer" in imap.last_error

    monkeypatch.undo()  # the store is back
    await imap.run()
    assert await dovecot.flags() == [{"\\Seen"}]
    assert await store.helpdesk.find_ticket(1) is not None


@pytest.mark.parametrize("how", ["imaps", "starttls"])
async def test_tls_and_starttls_check_the_certificate(
    how: str, store: Store, clock: Clock, sink: Sink, dovecot_tls: Dovecot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    url = (dovecot_tls.url(scheme="imaps") if how == "imaps"
           else dovecot_tls.url(query="?starttls=1"))  # fmt: skip
    desk = imap_desk(store, clock, sink, url)
    imap = poller(desk)
    await dovecot_tls.append(bytes(mail_from("zoe@example.be", "Facture", "Ma facture.")))
    await imap.run()  # a certificate nobody vouches for: refused
    assert "CERTIFICATE_VERIFY_FAILED" in imap.last_error
    assert await store.helpdesk.find_ticket(1) is None

    monkeypatch.setenv("SSL_CERT_FILE", str(dovecot_tls.cert))  # now trusted
    clock.advance(seconds=60)
    await imap.run()
    assert imap.last_error == "" and await store.helpdesk.find_ticket(1) is not None
