"""A desk with operators and API tokens on a real server, and a client that checks every
answer against the API's response structs."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec
import pytest
from aiohttp import ClientSession
from aiohttp.test_utils import TestServer

from chatdesk.web.appkeys import SERVICES
from chatdesk.wire.apiout import ApiErrorBody

from ..conftest import StartServer

PASSWORD = "correct horse battery"
DESK_TOML = """
[desk]
name = "Ardenne Cloud"
departments = ["general", "technical", "billing"]

[helpdesk]
types = ["question", "incident", "idea", "complaint"]

[priorities.urgent]
definition = { en = "Service down, no workaround", fr = "Service à l'arrêt" }

[[fields]]
id = "site_id"
type = "text"
label = { fr = "ID du site", nl = "Site-ID", en = "Site ID" }
pattern = '^\\d{4}$'
required = { types = ["incident"] }
seats = true

[[fields]]
id = "plan"
type = "select"
label = { en = "Plan" }
options = [{ value = "vps", label = { en = "VPS" } }, { value = "web", label = { en = "Web" } }]

[attachments]
max_file = "64kB"
max_ticket = "100kB"
"""


@dataclass
class Desk:
    """The running server, its services, and a token per operator."""

    server: TestServer
    tokens: dict[str, str]
    ids: dict[str, str]

    @property
    def services(self) -> Any:
        return self.server.app[SERVICES]


class Api:
    """An HTTP client of /api/v1 acting with one token (or none)."""

    def __init__(self, session: ClientSession, token: str | None) -> None:
        self.session = session
        self.token = token

    async def raw(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        headers: dict[str, str] | None = None,
        **kw: Any,
    ) -> tuple[int, dict[str, str], bytes]:
        sent = dict(headers or {})
        if self.token is not None:
            sent.setdefault("Authorization", f"Bearer {self.token}")
        async with self.session.request(method, path, json=json, headers=sent, **kw) as r:
            return r.status, dict(r.headers), await r.read()

    async def call(
        self,
        method: str,
        path: str,
        kind: type[Any],
        *,
        status: int = 200,
        json: Any = None,
        **kw: Any,
    ) -> Any:
        """Return the answer decoded as ``kind`` (unknown fields refused) after checking
        the status."""
        got, headers, body = await self.raw(method, path, json=json, **kw)
        assert got == status, (got, body[:500])
        assert headers["Content-Type"].startswith("application/json")
        return msgspec.json.decode(body, type=kind)

    async def error(
        self, method: str, path: str, status: int, *, json: Any = None, **kw: Any
    ) -> Any:
        """Return the ``error`` object of a refused request."""
        body = await self.call(method, path, ApiErrorBody, status=status, json=json, **kw)
        return body.error


@pytest.fixture
def desk_toml() -> str:
    """The desk's chatdesk.toml (a test module may add to it)."""
    return DESK_TOML


@pytest.fixture
async def desk(start_server: StartServer, tmp_path: Path, desk_toml: str) -> Desk:
    config = tmp_path / "chatdesk.toml"
    config.write_text(desk_toml, encoding="utf-8")
    server = await start_server(config_file=config, api_requests_per_minute=10_000)
    services = server.app[SERVICES]
    roles = {"ada": "admin", "bob": "operator", "sam": "service_manager"}
    # Passwords are hashed with argon2 on worker threads: side by side, not in turn.
    operators = await asyncio.gather(
        *(
            services.operators.add(
                f"{name}@desk.test",
                name=name.title(),
                role=role,
                departments=("general",),
                languages=("en",),
                password=PASSWORD,
            )
            for name, role in roles.items()
        )
    )
    tokens: dict[str, str] = {}
    ids: dict[str, str] = {}
    for name, operator in zip(roles, operators, strict=True):
        _, tokens[name] = await services.helpdesk.api_tokens.create(operator, name="tests")
        ids[name] = operator.id
    return Desk(server, tokens, ids)


@pytest.fixture
async def session(desk: Desk) -> AsyncIterator[ClientSession]:
    async with ClientSession(base_url=str(desk.server.make_url(""))) as s:
        yield s


@pytest.fixture
def api(desk: Desk, session: ClientSession) -> Api:
    """The admin's client."""
    return Api(session, desk.tokens["ada"])


@pytest.fixture
def as_(desk: Desk, session: ClientSession) -> Any:
    """Clients of other operators: ``as_("bob")``; ``as_(None)`` sends no token."""

    def make(name: str | None) -> Api:
        return Api(session, desk.tokens[name] if name else None)

    return make


def ticket_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "requester": {"email": "lea@client.be", "name": "Léa"},
        "subject": "The VPS does not boot",
        "description": "Since this morning the server does not answer.",
    }
    body.update(overrides)
    return body
