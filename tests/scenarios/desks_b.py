"""The hosting, helpcentre and saas scenarios' desk: a preset served as it ships.

``start_preset("hosting", now=…)`` serves ``chatdesk/presets/hosting`` (its ``chatdesk.toml``
and, with ``bot=True``, its knowledge) on a free port with a test clock, a real SMTP sink for
what it sends and its own SMTP receiver for what people mail. The jobs (SLA, auto-close,
mail) run when the test says so, after moving the clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import aiosmtplib
import pytest
from aiohttp import ClientResponse, ClientSession, CookieJar, FormData
from aiohttp.test_utils import TestServer

import chatdesk
from chatdesk import Settings, create_app
from chatdesk.cli import main
from chatdesk.events import Event
from chatdesk.models import Operator
from chatdesk.services import Services
from chatdesk.web.appkeys import EVENTS, SERVICES

from ..clients import OperatorClient, VisitorClient
from ..desk import Clock
from ..mail.conftest import TIMEOUT, Sink
from ..ports import free_port
from ..recording import record_events, solve_altcha

PRESETS = Path(chatdesk.__file__).parent / "presets"
CHROMIUM = Path("/usr/bin/chromium")
HAVE_CHROMIUM = CHROMIUM.exists()
PASSWORD = "correct horse battery"
MAIL_FROM = "Support <support@desk.example>"


@dataclass
class PresetDesk:
    """A running preset: its URL, a browser-like HTTP client, the clock, mail both ways."""

    preset: Path
    data: Path
    server: TestServer
    url: str
    http: ClientSession
    clock: Clock
    sink: Sink
    mail_port: int
    events: list[Event] = field(default_factory=list)
    clients: list[VisitorClient] = field(default_factory=list)
    delivered_to: set[str] = field(default_factory=set)

    @property
    def services(self) -> Services:
        return self.server.app[SERVICES]

    def published(self, kind: type[Event]) -> list[Any]:
        return [e for e in self.events if isinstance(e, kind)]

    async def publish(self, events: Iterable[Event]) -> None:
        await self.server.app[EVENTS].publish(events)

    # -- time and jobs -------------------------------------------------------------------

    async def run_jobs(self) -> None:
        """Run the periodic jobs due at the clock's time (SLA, auto-close, reminders)."""
        await self.publish(await self.services.jobs.run_due())
        await self.publish(await self.services.mail.jobs.run_due())

    async def deliver(self) -> list[EmailMessage]:
        """Plan and send the mail due now; return what reached the sink (its envelopes'
        recipients in ``delivered_to``)."""
        before = len(self.sink.envelopes)
        await self.services.mail.outbox.run()
        self.delivered_to = {a for _, to in self.sink.envelopes[before:] for a in to}
        return self.sink.take()

    # -- the portal ----------------------------------------------------------------------

    async def page(self, path: str, **kw: Any) -> tuple[ClientResponse, str]:
        async with self.http.get(path, **kw) as response:
            return response, await response.text()

    async def solve(self) -> str:
        """Solve a fresh challenge as the form's widget does."""
        return await solve_altcha(self.http)

    async def file(
        self, *, files: Iterable[tuple[str, bytes, str]] = (), lang: str = "fr", **values: str
    ) -> tuple[ClientResponse, str]:
        """Post the web form ``/support/new`` as a browser would (CSRF, challenge)."""
        _, page = await self.page(f"/support/new?lang={lang}")
        found = re.search(r'name="csrf" value="([^"]+)"', page)
        assert found, page
        form = FormData()
        fields = {"csrf": found[1], "lang": lang, "altcha": await self.solve()} | values
        for key, value in fields.items():
            form.add_field(key, value)
        for name, data, content_type in files:
            form.add_field("attachments", data, filename=name, content_type=content_type)
        async with self.http.post("/support/new", data=form, allow_redirects=False) as response:
            return response, await response.text()

    # -- e-mail in -----------------------------------------------------------------------

    async def mail_in(self, message: EmailMessage, *, to: str | None = None) -> str:
        """Send ``message`` to the desk's SMTP receiver; return its answer to DATA."""
        recipient = to or str(message["To"])
        async with aiosmtplib.SMTP(
            hostname="127.0.0.1", port=self.mail_port, timeout=TIMEOUT
        ) as smtp:
            _, reply = await smtp.sendmail(str(message["From"]), [recipient], bytes(message))
        return reply

    # -- people --------------------------------------------------------------------------

    async def operator(self, name: str, role: str = "operator") -> Operator:
        """Add an operator of every department speaking the desk's languages."""
        return await self.services.operators.add(
            f"{name.lower()}@desk.example", name=name, role=role,
            departments=self.services.config.departments, languages=("fr", "nl", "en"),
            password=PASSWORD,
        )  # fmt: skip

    async def console(self, operator: Operator) -> OperatorClient:
        """Connect ``operator``'s console (a real Socket.IO client with a session cookie)."""
        token, _ = self.services.operators.tokens.issue(operator)
        client = OperatorClient(self.url)
        self.clients.append(client)
        await client.connect(None, headers={"Cookie": f"chatdesk_session={token}"})
        return client

    async def visitor(self, lang: str) -> VisitorClient:
        """Connect a widget's visitor in ``lang``."""
        client = VisitorClient(self.url)
        self.clients.append(client)
        await client.connect({"lang": lang})
        return client

    async def cli(self, *argv: str) -> str:
        """Run ``chatdesk …`` (the real command line, in a thread: a new process would
        spend seconds importing) on this desk's data; return what it printed."""
        env = {
            "CHATDESK_DATA_DIR": str(self.data),
            "CHATDESK_CONFIG_FILE": str(self.preset / "chatdesk.toml"),
        }

        def run() -> tuple[int, str]:
            saved = {k: os.environ.get(k) for k in env}
            os.environ.update(env)
            out = io.StringIO()
            try:
                with contextlib.redirect_stdout(out):
                    status = main(list(argv))
            finally:
                for key, value in saved.items():
                    if value is None:
                        os.environ.pop(key, None)
                    else:
                        os.environ[key] = value
            return status, out.getvalue()

        status, out = await asyncio.to_thread(run)
        assert status == 0, out
        return out


StartPreset = Callable[..., Awaitable[PresetDesk]]


@pytest.fixture
async def start_preset(tmp_path: Path) -> AsyncIterator[StartPreset]:
    """Serve a preset from ``chatdesk/presets`` (see the module's docstring)."""
    running: list[PresetDesk] = []
    sinks: list[Sink] = []

    async def start(name: str, *, now: datetime, bot: bool = False) -> PresetDesk:
        preset = PRESETS / name
        sink = Sink()
        await sink.start()
        sinks.append(sink)
        port, mail_port = free_port(), free_port()
        url = f"http://127.0.0.1:{port}"
        settings = Settings(
            data_dir=tmp_path / f"data-{name}",
            config_file=preset / "chatdesk.toml",
            knowledge_dir=preset / "knowledge" if bot else None,
            smtp_url=sink.url,
            mail_from=MAIL_FROM,
            public_url=url,
            mail_in_listen=f"127.0.0.1:{mail_port}",
            altcha_cost=10,
            visitor_rate=1000.0,
            visitor_burst=1000,
            bot_encoder="thread",  # no child process per desk (tests/test_encoderproc.py)
        )
        clock = Clock()
        clock.now = now
        app = create_app(settings, clock=clock, tick=None)
        events: list[Event] = []
        record_events(app, events)
        server = TestServer(app, host="127.0.0.1", port=port)
        await server.start_server()
        http = ClientSession(base_url=url, cookie_jar=CookieJar(unsafe=True))
        desk = PresetDesk(
            preset, settings.data_dir, server, url, http, clock, sink, mail_port, events
        )
        running.append(desk)
        return desk

    yield start
    for desk in running:
        for client in desk.clients:
            await client.close()
        await desk.http.close()
        await desk.server.close()
    for sink in sinks:
        if sink._server is not None:
            await sink.stop()


@asynccontextmanager
async def browser_page(**options: Any) -> AsyncIterator[Any]:
    """A page of Debian's chromium (skipped, with the reason, when it is missing); errors in
    its console fail the test."""
    if not HAVE_CHROMIUM:
        pytest.skip(f"{CHROMIUM} is missing (make test installs Debian's chromium as root)")
    from playwright.async_api import async_playwright

    errors: list[str] = []
    async with async_playwright() as p:
        browser = await p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )  # fmt: skip
        options.setdefault("timezone_id", "Europe/Brussels")
        context = await browser.new_context(**options)
        context.set_default_timeout(10_000)
        page = await context.new_page()
        page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
        page.on(
            "console",
            lambda m: errors.append(f"console: {m.text}") if m.type == "error" else None,
        )
        try:
            yield page
        finally:
            await context.close()
            await browser.close()
    assert errors == [], f"errors in the browser console: {errors}"


def message(
    sender: str, to: str, subject: str, text: str, *, lang: str = "", **headers: str
) -> EmailMessage:
    """A plain-text mail as a mail client sends it."""
    import uuid

    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = to
    mail["Subject"] = subject
    mail["Message-ID"] = f"<{uuid.uuid4().hex}@client.example>"
    mail.set_content(text)
    if lang:
        mail["Content-Language"] = lang
    for key, value in headers.items():
        mail[key.replace("_", "-")] = value
    return mail


def body(mail: EmailMessage) -> str:
    """The plain-text part of a mail the desk sent, its lines joined and its spaces (also
    French typography's non-breaking ones) single."""
    part = mail.get_body(preferencelist=("plain",))
    assert part is not None
    return " ".join(str(part.get_content()).split())  # type: ignore[attr-defined]


def link(mail: EmailMessage, pattern: str) -> str:
    """The first link of ``mail`` matching ``pattern``."""
    found = re.search(rf"https?://[^\s<>\"]*{pattern}[^\s<>\"]*", body(mail))
    assert found, body(mail)
    return found[0]
