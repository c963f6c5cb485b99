"""Fixtures of the help centre's tests: a real desk on the shipped knowledge, real HTTP.

One desk serves each module (building the bot takes seconds); the sentence embeddings of the
shipped knowledge are computed once per session and copied into each desk's data directory.
Each test gets fresh throttling counters.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from aiohttp import ClientSession, CookieJar, web
from aiohttp.test_utils import TestServer

from chatdesk import Settings, create_app
from chatdesk.app import STORE
from chatdesk.bot.embeddings import EMBEDDINGS_FILE, Embedder
from chatdesk.bot.knowledge import load_knowledge
from chatdesk.bot.matcher import FaqMatcher
from chatdesk.store import Store
from chatdesk.throttle import Throttle
from chatdesk.web.appkeys import SERVICES

REPO = Path(__file__).parents[2]
SHIPPED = REPO / "knowledge"


@pytest.fixture(scope="session")
def embedding_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped knowledge's sentence embeddings, computed once for the session."""
    cache = tmp_path_factory.mktemp("embeddings") / EMBEDDINGS_FILE
    FaqMatcher.build(load_knowledge(SHIPPED), embedder=Embedder(cache_path=cache))
    return cache


@dataclass
class HelpDesk:
    """A running desk and an HTTP client keeping its cookies."""

    server: TestServer
    http: ClientSession
    url: str

    @property
    def app(self) -> web.Application:
        return self.server.app  # type: ignore[return-value]

    @property
    def store(self) -> Store:
        return self.app[STORE]

    async def get(self, path: str, **kw: Any) -> Any:
        kw.setdefault("allow_redirects", False)
        return await self.http.get(self.url + path, **kw)

    async def post(self, path: str, **kw: Any) -> Any:
        kw.setdefault("allow_redirects", False)
        return await self.http.post(self.url + path, **kw)


async def start_help_desk(
    tmp: Path, cache: Path, knowledge: Path = SHIPPED, config: str = ""
) -> HelpDesk:
    """Start a desk on ``knowledge`` (with the shared embedding cache) and a client."""
    data = tmp / "data"
    data.mkdir(parents=True)
    shutil.copy(cache, data / EMBEDDINGS_FILE)
    config_file = tmp / "chatdesk.toml"
    config_file.write_text(f'[desk]\nname = "Ardenne Cloud"\n{config}', encoding="utf-8")
    settings = Settings(
        data_dir=data,
        knowledge_dir=knowledge,
        config_file=config_file,
        default_lang="en",
        bot_encoder="thread",  # no child process per desk (tests/test_encoderproc.py)
    )
    server = TestServer(create_app(settings), host="127.0.0.1")
    await server.start_server()
    # unsafe: keep cookies of a desk reached by its IP address (127.0.0.1).
    http = ClientSession(cookie_jar=CookieJar(unsafe=True))
    return HelpDesk(server, http, str(server.make_url("")).rstrip("/"))


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def help_desk(
    tmp_path_factory: pytest.TempPathFactory, embedding_cache: Path
) -> AsyncIterator[HelpDesk]:
    """The desk a module's tests share, on the shipped knowledge."""
    desk = await start_help_desk(tmp_path_factory.mktemp("help"), embedding_cache)
    yield desk
    await desk.http.close()
    await desk.server.close()


@pytest_asyncio.fixture(loop_scope="module")
async def desk(help_desk: HelpDesk) -> HelpDesk:
    """The module's desk with fresh throttling counters and no cookies."""
    help_desk.app[SERVICES].help.throttle = Throttle()
    help_desk.http.cookie_jar.clear()
    return help_desk
