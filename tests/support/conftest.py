"""A desk with the portal on a real server, a browser-like HTTP client, the events it
publishes, and ALTCHA challenges solved the way the widget solves them."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientResponse, ClientSession, CookieJar, FormData
from aiohttp.test_utils import TestServer

from chatdesk import Settings, create_app
from chatdesk.events import Event
from chatdesk.models import utcnow
from chatdesk.services import Services
from chatdesk.web.appkeys import SERVICES

from ..desk import Clock
from ..recording import record_events, solve_altcha

#: Open round the clock (reply times do not depend on when the test runs), one custom field.
CONFIG = """
[desk]
name = "Ardenne Cloud"
[hours]
holidays = ''
[hours.week]
monday = ['00:00-24:00']
tuesday = ['00:00-24:00']
wednesday = ['00:00-24:00']
thursday = ['00:00-24:00']
friday = ['00:00-24:00']
saturday = ['00:00-24:00']
sunday = ['00:00-24:00']
[attachments]
max_file = "200kB"
max_ticket = "300kB"
"""
SITE_FIELD = """
[[fields]]
id = "site_id"
type = "text"
label = { fr = "ID du site", nl = "Site-ID", en = "Site ID" }
pattern = '^\\d{4}$'
required = { types = ["incident"] }
seats = true
"""
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@dataclass
class Portal:
    """The running desk: an HTTP client keeping cookies, and what the desk published."""

    server: TestServer
    http: ClientSession
    clock: Clock
    events: list[Event] = field(default_factory=list)

    @property
    def services(self) -> Services:
        return self.server.app[SERVICES]

    def published(self, kind: type[Event]) -> list[Any]:
        return [e for e in self.events if isinstance(e, kind)]

    async def page(self, path: str, **kw: Any) -> tuple[ClientResponse, str]:
        async with self.http.get(path, **kw) as response:
            return response, await response.text()

    async def csrf(self, path: str = "/support/new") -> str:
        _, page = await self.page(path)
        found = re.search(r'name="csrf" value="([^"]+)"', page)
        assert found, page
        return found.group(1)

    async def solve(self) -> str:
        """Solve a fresh challenge as the browser widget does."""
        return await solve_altcha(self.http)

    async def file(
        self,
        *,
        files: Iterable[tuple[str, bytes]] = (),
        solution: str | None = None,
        csrf: str | None = None,
        **values: str,
    ) -> tuple[ClientResponse, str]:
        """Post the web form (the defaults make a valid ticket)."""
        form = FormData()
        fields = {
            "csrf": csrf if csrf is not None else await self.csrf(),
            "lang": "en",
            "email": "ann@example.com",
            "name": "Ann",
            "subject": "The backup failed",
            "description": "Since Monday night the backup of site 1234 fails.",
            "altcha": solution if solution is not None else await self.solve(),
        } | values
        for key, value in fields.items():
            form.add_field(key, value)
        for name, data in files:
            form.add_field("attachments", data, filename=name, content_type="image/png")
        async with self.http.post("/support/new", data=form, allow_redirects=False) as response:
            return response, await response.text()


StartPortal = Callable[..., Awaitable[Portal]]


@pytest.fixture
async def start_portal(aiohttp_server: Any, tmp_path: Path) -> AsyncIterator[StartPortal]:
    sessions: list[ClientSession] = []

    async def start(config: str = "", **overrides: Any) -> Portal:
        path = tmp_path / f"chatdesk{len(sessions)}.toml"
        path.write_text(CONFIG + config, encoding="utf-8")
        settings = Settings(
            data_dir=tmp_path / f"data{len(sessions)}",
            knowledge_dir=None,
            config_file=path,
            altcha_cost=10,
        ).replace(**overrides)
        clock = Clock()
        # The wall clock's time (challenges expire on it), moved by hand from there.
        clock.now = utcnow()
        app = create_app(settings, clock=clock, tick=None)
        events: list[Event] = []
        record_events(app, events)
        server: TestServer = await aiohttp_server(app)
        # unsafe=True: keep cookies from an IP address (the test server is on 127.0.0.1).
        http = ClientSession(base_url=str(server.make_url("")), cookie_jar=CookieJar(unsafe=True))
        sessions.append(http)
        return Portal(server, http, clock, events)

    yield start
    for session in sessions:
        await session.close()


@pytest.fixture
async def portal(start_portal: StartPortal) -> Portal:
    return await start_portal()
