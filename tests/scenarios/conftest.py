"""Scenarios: a desk written by ``chatdesk init`` from a preset, served on a free port with
a real SMTP sink (what it sends) and the real SMTP receiver (what requesters mail), driven
through its pages, REST API and e-mail, with a test clock.

``start_desk("agency")`` writes the preset into the test's folder (``chatdesk init``'s own
code), starts the desk on it and returns a :class:`ScenarioDesk`. Its knowledge is left out
(``bot=True`` loads it): these scenarios are about tickets, and test_init serves every
preset with its knowledge.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pyotp
import pytest
from aiohttp import ClientResponse, ClientSession, CookieJar, FormData
from aiohttp.test_utils import TestServer

from chatdesk import Settings, create_app
from chatdesk.commands.init import Answers, write_desk
from chatdesk.events import Event
from chatdesk.models import Operator
from chatdesk.presets import find_preset
from chatdesk.services import Services
from chatdesk.web.appkeys import EVENTS, SERVICES

from ..desk import Clock
from ..mail.conftest import FROM, PUBLIC, Receiver, Sink
from ..recording import record_events, solve_altcha

CHROMIUM = Path("/usr/bin/chromium")
HAVE_CHROMIUM = CHROMIUM.exists()
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PASSWORD = "correct horse battery"


@dataclass
class ScenarioDesk:
    """A running preset desk: its folder, HTTP client (cookies kept), clock, mail both ways."""

    folder: Path
    server: TestServer
    http: ClientSession
    clock: Clock
    sink: Sink
    receiver: Receiver
    events: list[Event] = field(default_factory=list)
    #: Authenticator secrets of the operators the desk requires two-step sign-in of.
    totp: dict[str, str] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    operators: dict[str, Operator] = field(default_factory=dict)

    @property
    def services(self) -> Services:
        return self.server.app[SERVICES]

    @property
    def url(self) -> str:
        return str(self.server.make_url("")).rstrip("/")

    def published(self, kind: type[Event]) -> list[Any]:
        return [e for e in self.events if isinstance(e, kind)]

    def at(self, when: datetime) -> None:
        """Set the desk's clock (an aware datetime)."""
        self.clock.now = when

    async def page(self, path: str, **kw: Any) -> tuple[ClientResponse, str]:
        async with self.http.get(path, **kw) as response:
            return response, await response.text()

    async def solve(self) -> str:
        """Solve a fresh ALTCHA challenge as the form's widget does."""
        return await solve_altcha(self.http)

    async def file(
        self,
        *,
        lang: str,
        files: Iterable[tuple[str, bytes]] = (),
        fields: dict[str, str] | None = None,
        path: str = "/support/new",
        **values: str,
    ) -> tuple[ClientResponse, str]:
        """Post the web form as a browser does (CSRF from the form, the challenge solved);
        custom fields by id in ``fields``."""
        _, form_page = await self.page(f"{path}{'&' if '?' in path else '?'}lang={lang}")
        csrf = re.search(r'name="csrf" value="([^"]+)"', form_page)
        assert csrf, form_page
        form = FormData()
        posted = {"csrf": csrf.group(1), "lang": lang, "altcha": await self.solve()} | values
        for key, value in posted.items():
            form.add_field(key, value)
        for key, value in (fields or {}).items():
            form.add_field(f"field.{key}", value)
        for name, data in files:
            form.add_field("attachments", data, filename=name, content_type="image/png")
        async with self.http.post("/support/new", data=form, allow_redirects=False) as response:
            return response, await response.text()

    async def operator(self, email: str, name: str, role: str = "operator") -> Operator:
        """Add an operator with an API token (kept in ``tokens`` by e-mail)."""
        desk = self.services
        op = await desk.operators.add(
            email, name=name, role=role, departments=tuple(desk.config.departments),
            languages=("fr", "nl", "en"), password=PASSWORD,
        )  # fmt: skip
        _, secret = await desk.helpdesk.api_tokens.create(op, name="scenario")
        self.tokens[email] = secret
        required = desk.config.two_factor
        if desk.two_factor and (required == "everyone" or (required == "admins" and op.is_admin)):
            # The desk requires two-step sign-in: set up as the operator would, with the
            # step before this one (so that a sign-in now can use the current code).
            enrolment = desk.two_factor.start(op)
            app = pyotp.TOTP(enrolment.secret)
            await desk.two_factor.enable(
                op, enrolment.token, app.at(self.clock.now - timedelta(seconds=30))
            )
            self.totp[email] = enrolment.secret
        self.operators[email] = op
        return op

    def code(self, email: str) -> str:
        """Return the authenticator's code of an operator the desk requires it of, now."""
        return str(pyotp.TOTP(self.totp[email]).at(self.clock.now))

    async def api(
        self, operator_email: str, method: str, path: str, json: Any = None
    ) -> tuple[int, Any]:
        """Call the REST API as an operator; return the status and the JSON body."""
        headers = {"Authorization": f"Bearer {self.tokens[operator_email]}"}
        async with self.http.request(
            method, f"/api/v1{path}", json=json, headers=headers
        ) as response:
            body = await response.json() if response.content_type == "application/json" else None
            return response.status, body

    async def customer(self, org: str, *emails: str, admin: str = "", **caps: Any) -> None:
        """An organisation with a contract, its members and maybe an admin."""
        people = self.services.helpdesk.people
        organisation = await people.add_organisation(org, **caps)
        if admin:
            await people.add_member(organisation, admin, role="admin", name="Admin")
        for email in emails:
            await people.add_member(organisation, email, name=email.split("@")[0].title())

    async def deliver(self) -> list[EmailMessage]:
        """Run the mail job's turn once; return what reached the sink."""
        await self.services.mail.outbox.run()
        return self.sink.take()

    async def run_jobs(self) -> None:
        """Run the helpdesk's periodic work now (the jobs the app runs on a tick)."""
        events = await self.services.helpdesk.clocks.check_sla()
        events += await self.services.helpdesk.clocks.auto_close()
        await self.server.app[EVENTS].publish(events)


StartDesk = Callable[..., Awaitable[ScenarioDesk]]


@pytest.fixture
async def start_desk(aiohttp_server: Any, tmp_path: Path) -> AsyncIterator[StartDesk]:
    started: list[ScenarioDesk] = []

    async def start(preset: str, *, bot: bool = False, **settings: Any) -> ScenarioDesk:
        found = find_preset(preset)
        assert found is not None, preset
        folder = tmp_path / preset
        assert write_desk(folder, Answers(found)) == 0
        sink = Sink()
        await sink.start()
        config = Settings(
            data_dir=folder / "var",
            config_file=folder / "chatdesk.toml",
            knowledge_dir=folder / "knowledge" if bot else None,
            smtp_url=sink.url,
            mail_from=FROM,
            public_url=PUBLIC,
            altcha_cost=10,
            bot_encoder="thread",  # no child process per desk (tests/test_encoderproc.py)
        ).replace(**settings)
        clock = Clock()
        app = create_app(config, clock=clock, tick=None)
        events: list[Event] = []
        record_events(app, events)
        server: TestServer = await aiohttp_server(app)
        # unsafe=True: keep cookies from an IP address (the test server is on 127.0.0.1).
        http = ClientSession(base_url=str(server.make_url("")), cookie_jar=CookieJar(unsafe=True))
        receiver = Receiver(app[SERVICES])
        # What mail in causes goes through the same recording publisher as the app's.
        receiver.published = app[EVENTS].publish  # type: ignore[assignment]
        await receiver.start()
        desk = ScenarioDesk(folder, server, http, clock, sink, receiver, events)
        started.append(desk)
        return desk

    yield start
    for desk in started:
        await desk.http.close()
        await desk.receiver.stop()
        await desk.sink.stop()


@asynccontextmanager
async def browser_page(**options: Any) -> AsyncIterator[Any]:
    """A fresh Chromium page (Debian's chromium; skipped when it is missing)."""
    if not HAVE_CHROMIUM:
        pytest.skip(f"{CHROMIUM} is missing")
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            context = await browser.new_context(**options)
            context.set_default_timeout(10_000)
            yield await context.new_page()
        finally:
            await browser.close()
