"""Browser tests: the real desk in-process and Debian's chromium driven by Playwright.

One browser and one desk serve the whole session (each test gets a fresh browser context, so a
fresh visitor). Skipped, with the reason, when chromium or the built widget is missing.
"""

from __future__ import annotations

import asyncio
import html
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from aiohttp import web
from aiohttp.test_utils import TestServer
from playwright.async_api import expect

from chatdesk import Settings, create_app
from chatdesk.app import SIO, STORE
from chatdesk.events import MessagePosted
from chatdesk.models import Author, MessageDraft
from chatdesk.realtime import Publisher, rooms
from chatdesk.web.appkeys import SERVICES
from chatdesk.web.widget import DIST_DIR

from ..clients import OperatorClient, VisitorClient
from ..mail.conftest import FROM, Sink
from ..ports import free_port

CHROMIUM = Path("/usr/bin/chromium")
KNOWLEDGE = Path(__file__).parent / "fixtures" / "knowledge"
REPO = Path(__file__).parents[2]
TIMEOUT_MS = 10_000
expect.set_options(timeout=TIMEOUT_MS)

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
#: Open round the clock without holidays, so what the widget shows does not depend on the time.
ALWAYS_OPEN = "[privacy]\ndelete_chats_after_days = 90\n[hours]\nholidays = ''\n[hours.week]\n" + (
    "".join(f"{day} = ['00:00-24:00']\n" for day in DAYS)
)

# A page that tries hard to break an embedded widget with its own styles.
HOSTILE_CSS = """
* { letter-spacing: 3px !important; font-family: serif !important; color: red !important;
    line-height: 3 !important; text-transform: uppercase !important; }
button, section, div { background: yellow !important; border: 5px solid red !important; }
"""


async def _test_page(request: web.Request) -> web.Response:
    """A bare host page in a language: `/test/fr` embeds the widget with `data-lang="fr"`;
    `?site_lang=0` leaves `data-lang` out, `?hostile=1` adds hostile styles, `?prompt=…`
    (and `?prompt_after=S`) invites the visitor beside the launcher, `?phone=1` lays the
    page out for a phone's width (a viewport tag), `?sound=off` turns the tone off."""
    lang = html.escape(request.match_info["lang"])
    style = f"<style>{HOSTILE_CSS}</style>" if request.query.get("hostile") else ""
    data_lang = "" if request.query.get("site_lang") == "0" else f' data-lang="{lang}"'
    viewport = ""
    if request.query.get("phone"):
        viewport = '<meta name="viewport" content="width=device-width, initial-scale=1">'
    if "prompt" in request.query:
        data_lang += f' data-prompt="{html.escape(request.query["prompt"])}"'
        after = html.escape(request.query.get("prompt_after", "0"))
        data_lang += f' data-prompt-after="{after}"'
    if request.query.get("sound") == "off":
        data_lang += ' data-sound="off"'
    body = f"""<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><title>Host page</title>
<link rel="icon" href="data:,">{viewport}{style}</head>
<body><h1>Host page</h1><p><a href="#top">A link of the page</a></p>
<script src="/widget.js" async{data_lang}></script></body></html>"""
    return web.Response(text=body, content_type="text/html")


@dataclass
class Desk:
    """The running desk: its URL and application (for the store and emits)."""

    server: TestServer
    url: str
    clients: list[VisitorClient] = field(default_factory=list)

    @property
    def app(self) -> web.Application:
        return self.server.app  # type: ignore[return-value]

    async def visitor(self, token: str) -> VisitorClient:
        """Connect a Python client as the same visitor (to read what the desk stored)."""
        client = VisitorClient(self.url)
        self.clients.append(client)
        await client.connect({"token": token})
        return client

    async def operator(self, name: str) -> OperatorClient:
        """Add an operator of every department and connect their console (online)."""
        services = self.app[SERVICES]
        operator = await services.operators.add(
            f"{name.lower()}@desk.test",
            name=name,
            role="operator",
            departments=services.config.departments,
            languages=("fr", "nl", "en"),
            password="correct horse battery",
        )
        token, _ = services.operators.tokens.issue(operator)
        client = OperatorClient(self.url)
        self.clients.append(client)
        await client.connect(None, headers={"Cookie": f"chatdesk_session={token}"})
        return client

    async def close(self) -> None:
        for client in self.clients:
            await client.close()
        await self.server.close()


def _config_file(tmp: Path, config: str) -> Path:
    tmp.mkdir(parents=True, exist_ok=True)
    path = tmp / "chatdesk.toml"
    path.write_text(f'[desk]\nname = "Ardenne Cloud"\n{config}', encoding="utf-8")
    return path


async def _start_desk(tmp: Path, knowledge: Path, config: str = "") -> Desk:
    config_file = _config_file(tmp, config)
    settings = Settings(
        data_dir=tmp / "data",
        knowledge_dir=knowledge,
        config_file=config_file,
        visitor_rate=1000.0,
        visitor_burst=1000,
        front_page="demo",  # the widget's tests use the demo site
        bot_encoder="thread",  # no child process per desk (tests/test_encoderproc.py)
    )
    app = create_app(settings)
    app.router.add_get("/test/{lang}", _test_page)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    return Desk(server, str(server.make_url("")).rstrip("/"))


async def start_mailing_desk(tmp: Path, *, knowledge: Path | None = None) -> tuple[Desk, Sink]:
    """A desk that mails through a real SMTP sink (aiosmtpd); its public URL is its own
    address (the mails' links open on it), the demo site at `/` and the host page at
    `/test/{lang}`. Stop both with :func:`stop_mailing_desk`."""
    sink = Sink()
    await sink.start()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    settings = Settings(
        data_dir=tmp / "data", knowledge_dir=knowledge, config_file=_config_file(tmp, ALWAYS_OPEN),
        smtp_url=sink.url, mail_from=FROM, public_url=url, bot_encoder="thread",
        front_page="demo",
    )  # fmt: skip
    app = create_app(settings)
    app.router.add_get("/test/{lang}", _test_page)
    server = TestServer(app, host="127.0.0.1", port=port)
    await server.start_server()
    return Desk(server, url), sink


async def stop_mailing_desk(desk: Desk, sink: Sink) -> None:
    """Stop what :func:`start_mailing_desk` started."""
    await desk.close()
    await sink.stop()


@pytest.fixture(scope="session")
def browser_ready() -> None:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (make test installs Debian's chromium as root)")
    if not (DIST_DIR / "widget.js").exists():
        pytest.skip("the widget is not built (needs Node.js: make widget)")


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def browser(browser_ready: None) -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        await browser.close()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def desk(
    browser_ready: None, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Desk]:
    """The desk most tests share, with the test knowledge (answers that try to run script)."""
    running = await _start_desk(tmp_path_factory.mktemp("desk"), KNOWLEDGE, ALWAYS_OPEN)
    yield running
    await running.close()


StartDesk = Callable[..., Awaitable[Desk]]


@pytest_asyncio.fixture(loop_scope="session")
async def start_desk(browser_ready: None, tmp_path: Path) -> AsyncIterator[StartDesk]:
    """Start desks of the test's own (operators online change what visitors see)."""
    started: list[Desk] = []

    async def start(config: str = ALWAYS_OPEN, knowledge: Path = KNOWLEDGE) -> Desk:
        running = await _start_desk(tmp_path / f"desk{len(started)}", knowledge, config)
        started.append(running)
        return running

    yield start
    for running in started:
        await running.close()


NewContext = Callable[..., Awaitable[Any]]


@pytest_asyncio.fixture(loop_scope="session")
async def new_context(browser: Any) -> AsyncIterator[NewContext]:
    """Make browser contexts (fresh profiles); every page's console errors fail the test."""
    contexts: list[Any] = []
    errors: list[str] = []

    async def make(**options: Any) -> Any:
        options.setdefault("viewport", {"width": 1280, "height": 800})
        options.setdefault("locale", "en-GB")
        options.setdefault("timezone_id", "Europe/Brussels")
        context = await browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        context.on("page", lambda page: _watch(page, errors))
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        await context.close()
    assert errors == [], f"errors in the browser console: {errors}"


def _watch(page: Any, errors: list[str]) -> None:
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    page.on(
        "console",
        lambda message: (
            errors.append(f"console: {message.text}") if message.type == "error" else None
        ),
    )


@pytest_asyncio.fixture(loop_scope="session")
async def context(new_context: NewContext) -> Any:
    return await new_context()


def widget(page: Any) -> Any:
    """The widget's shadow root content (Playwright's CSS locators pierce open shadow roots)."""
    return page.locator("chatdesk-widget")


async def open_widget(page: Any) -> None:
    """Click the launcher and wait for the desk's greeting."""
    await widget(page).locator(".launcher").click()
    await widget(page).locator(".msg-intro").wait_for()


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 10.0) -> None:
    """Wait until the desk-side ``check`` holds (polling the server, not the page)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        assert asyncio.get_running_loop().time() < deadline, "timed out waiting on the desk"
        await asyncio.sleep(0.05)


async def page_token(page: Any) -> str:
    """The visitor token the widget keeps in the page's localStorage."""
    token = await page.evaluate(
        """() => JSON.parse(Object.entries(localStorage)
                   .find(([key]) => key.startsWith('chatdesk:'))[1]).token"""
    )
    assert isinstance(token, str) and token
    return token


async def conversation_of(desk: Desk, page: Any) -> str:
    """The id of the page's conversation (asked as the same visitor)."""
    client = await desk.visitor(await page_token(page))
    return str(client.session["conversation_id"])


async def stored_texts(desk: Desk, page: Any) -> list[str]:
    """What the desk stored in this page's conversation, read as the same visitor."""
    client = await desk.visitor(await page_token(page))
    ack = await client.call("history", {"since": 0, "limit": 200})
    assert ack["ok"], ack
    return [m["text"] for m in ack["messages"]]


async def publish(desk: Desk, conversation_id: str, draft: MessageDraft) -> None:
    """Store a message in the conversation and publish it, as the desk's services do."""
    message, _ = await desk.app[STORE].conversations.append_message(conversation_id, draft)
    await Publisher(desk.app[SIO]).publish([MessagePosted(message)])


async def say_as_operator(desk: Desk, conversation_id: str, text: str, name: str) -> None:
    """Post an operator's message (what the operators' console does)."""
    extra = {"operator": {"id": "op-1", "name": name}}
    await publish(
        desk, conversation_id, MessageDraft(author=Author.OPERATOR, text=text, extra=extra)
    )


async def emit_to_visitor(desk: Desk, conversation_id: str, event: str, payload: Any) -> None:
    """Emit a /visitor event to the conversation, as the desk does (docs/protocol.md)."""
    await desk.app[SIO].emit(
        event, payload, to=rooms.conversation(conversation_id), namespace=rooms.VISITOR_NS
    )
