"""Mail tests: a real SMTP sink (aiosmtpd) for what the desk sends, a desk wired to it."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterable
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import aiosmtplib
import pytest
from aiosmtpd.smtp import SMTP, Envelope, Session

from chatdesk import Settings
from chatdesk.deskconfig import DeskConfig
from chatdesk.events import Event
from chatdesk.helpdeskconfig import HelpdeskConfig
from chatdesk.mailconfig import EmailConfig
from chatdesk.services import Services, build_services
from chatdesk.smtpserver import MailReceiver, start_receiver
from chatdesk.store import Store

from ..conftest import STORE_BACKENDS
from ..desk import Clock
from ..helpdesk.conftest import config as helpdesk_config
from ..ports import free_port
from .imap import dovecot, dovecot_tls  # noqa: F401 (real IMAP servers: fixtures)

FROM = "Ardenne Support <support@desk.test>"
PUBLIC = "https://desk.test"
TIMEOUT = 5.0


class Sink:
    """A real SMTP server on a free port; what the desk sends arrives in ``received``.

    ``refuse`` holds recipients answered ``550``; ``stop()`` and ``start()`` take the
    server down and back up on the same port (an SMTP outage).
    """

    def __init__(self) -> None:
        self.port = free_port()
        self.received: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.refuse: set[str] = set()
        #: While set, DATA waits until it is set: a slow server (``sending`` tells when).
        self.hold: asyncio.Event | None = None
        self.sending = asyncio.Event()
        self._queue: asyncio.Queue[EmailMessage] = asyncio.Queue()
        self._server: asyncio.Server | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            lambda: SMTP(self, hostname="sink"), "127.0.0.1", self.port
        )

    async def stop(self) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()
        self._server = None

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        assert isinstance(envelope.content, bytes)
        self.sending.set()
        if self.hold is not None:
            await self.hold.wait()
        message = BytesParser(policy=policy.default).parsebytes(envelope.content)
        assert isinstance(message, EmailMessage)
        self.received.append(message)
        self.envelopes.append((str(envelope.mail_from), list(envelope.rcpt_tos)))
        self._queue.put_nowait(message)
        return "250 OK"

    async def next(self) -> EmailMessage:
        return await asyncio.wait_for(self._queue.get(), TIMEOUT)

    def take(self) -> list[EmailMessage]:
        """Return (and forget) what arrived so far, in order."""
        found = []
        while not self._queue.empty():
            found.append(self._queue.get_nowait())
        return found


@pytest.fixture(params=STORE_BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, Any]:
    """Settings of a served desk's store on every backend (a fresh database each; ask
    for it before ``aiohttp_server``, so the database goes after the servers stopped)."""
    if request.param == "postgresql":
        return {"database_url": request.getfixturevalue("postgres_url")}
    return {"data_dir": tmp_path / "data"}


@pytest.fixture
async def sink() -> AsyncIterator[Sink]:
    s = Sink()
    await s.start()
    yield s
    if s._server is not None:
        await s.stop()


def mail_config(**email: Any) -> DeskConfig:
    """The helpdesk tests' desk (Brussels hours with lunch) with an ``[email]`` table."""
    helpdesk = email.pop("helpdesk", {})
    base = helpdesk_config(**helpdesk)
    return DeskConfig(
        name="Ardenne Cloud",
        departments=base.departments,
        hours=base.hours,
        helpdesk=base.helpdesk if helpdesk else HelpdeskConfig(fields=base.helpdesk.fields),
        email=EmailConfig(**email),
    )


def mail_settings(sink: Sink | None, **kw: Any) -> Settings:
    return Settings(
        secret_key="s" * 40,
        knowledge_dir=None,
        smtp_url=sink.url if sink else "",
        mail_from=FROM if sink else "",
        public_url=PUBLIC if sink else "",
        **kw,
    )


def mail_desk(store: Store, clock: Clock, sink: Sink | None, **email: Any) -> Services:
    return build_services(mail_settings(sink), mail_config(**email), store, None, clock=clock)


@pytest.fixture
def desk(store: Store, clock: Clock, sink: Sink) -> Services:
    return mail_desk(store, clock, sink)


async def deliver(desk: Services, sink: Sink) -> list[EmailMessage]:
    """Run the outbox once; return what reached the sink (each message is stored before
    the sink answers 250, so all are there when the run returns)."""
    await desk.mail.outbox.run()
    return sink.take()


class Published:
    """Collects what the receiver publishes (the app's publisher in production)."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    async def __call__(self, events: Iterable[Event]) -> None:
        self.events.extend(events)


class Receiver:
    """The real SMTP receiver on a free port, in front of a desk's inbound mail."""

    def __init__(self, desk: Services) -> None:
        self.desk = desk
        self.port = free_port()
        self.published = Published()
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        handler = MailReceiver(self.desk.mail.inbound, self.published)
        self._server = await start_receiver(handler, "127.0.0.1", self.port, max_size=2**22)

    async def stop(self) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    async def send(self, message: EmailMessage | bytes, *, sender: str | None = None,
                   to: str = "support@desk.test") -> str:  # fmt: skip
        """Send with a real SMTP client; return the server's reply to DATA."""
        if isinstance(message, bytes):
            raw = message
            envelope_sender = sender if sender is not None else "someone@example.be"
        else:
            raw = bytes(message)
            envelope_sender = sender if sender is not None else str(message["From"])
        async with aiosmtplib.SMTP(hostname="127.0.0.1", port=self.port, timeout=TIMEOUT) as smtp:
            _, reply = await smtp.sendmail(envelope_sender, [to], raw)
        return reply


@pytest.fixture
async def receiver(desk: Services) -> AsyncIterator[Receiver]:
    r = Receiver(desk)
    await r.start()
    yield r
    await r.stop()


def mail_from(
    sender: str, subject: str, text: str, *, name: str = "", **headers: str
) -> EmailMessage:
    """A plain-text message as a mail client sends it."""
    message = EmailMessage()
    message["From"] = f"{name} <{sender}>" if name else sender
    message["To"] = "support@desk.test"
    message["Subject"] = subject
    message["Message-ID"] = headers.pop("message_id", f"<{uuid.uuid4().hex}@client.example>")
    message.set_content(text)
    for key, value in headers.items():  # after the content: set_content drops Content-*
        message[key.replace("_", "-")] = value
    return message
