"""Shared fixtures: real stores, real servers on free ports, real Socket.IO clients."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestServer

from chatdesk import Settings, create_app
from chatdesk.services import Services
from chatdesk.store import SqliteStore, Store

from .clients import VisitorClient
from .desk import Clock, make_services
from .postgres import postgres_server, postgres_store, postgres_url  # noqa: F401 (fixtures)

STORE_BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    # No bot unless a test asks for one (tests/test_bot_socket.py).
    return Settings(
        data_dir=tmp_path / "data",
        visitor_rate=1000.0,
        visitor_burst=1000,
        knowledge_dir=None,
        front_page="demo",
        # In-process encoder: a child per test server would cost seconds of CPU
        # (tests/test_encoderproc.py runs a server with the process).
        bot_encoder="thread",
    )


@pytest.fixture(params=STORE_BACKENDS)
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    """Every backend, opened on a fresh database; the contract suite runs on each."""
    backend = request.param
    if backend == "postgresql":
        async with postgres_store(request) as pg:
            yield pg
        return
    s = SqliteStore(tmp_path / "contract.sqlite3")
    await s.open()
    yield s
    await s.close()


StartServer = Callable[..., Awaitable[TestServer]]
pytest_plugins = ["tests.redis", "tests.cluster"]  # real redis-server, N `chatdesk serve`


@pytest.fixture
async def start_server(aiohttp_server: Any, settings: Settings) -> StartServer:
    """Start chatdesk on a free port; keyword arguments override settings."""

    async def start(**overrides: Any) -> TestServer:
        app = create_app(settings.replace(**overrides))
        server: TestServer = await aiohttp_server(app)
        return server

    return start


@pytest.fixture
async def server(start_server: StartServer) -> TestServer:
    return await start_server()


@pytest.fixture
async def new_client() -> AsyncIterator[Callable[[TestServer], VisitorClient]]:
    """Make unconnected visitor clients for a server; all are closed after the test."""
    made: list[VisitorClient] = []

    def make(server: TestServer) -> VisitorClient:
        client = VisitorClient(str(server.make_url("")))
        made.append(client)
        return client

    yield make
    for client in made:
        await client.close()


@pytest.fixture
def visitor_factory(
    server: TestServer, new_client: Callable[[TestServer], VisitorClient]
) -> Callable[..., Awaitable[VisitorClient]]:
    """Connect visitors (each a real socketio.AsyncClient) to the running server."""

    async def make(auth: dict[str, Any] | None = None, **kw: Any) -> VisitorClient:
        client = new_client(server)
        await client.connect(auth, **kw)
        return client

    return make


@pytest.fixture
def clock() -> Clock:
    """A clock tests move by hand (a Tuesday, 10:30 in Brussels)."""
    return Clock()


@pytest.fixture
def desk(store: Store, clock: Clock) -> Services:
    """A desk's services on a real store, open round the clock, with a test clock."""
    return make_services(store, clock)
