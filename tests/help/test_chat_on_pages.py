"""``[desk] help_chat``: the chat widget on the help centre's pages, with the policy that lets
it run; without the setting, or while the widget is not built, no script at all."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from chatdesk.web.widget import BUNDLES, Bundle

from .conftest import HelpDesk, start_help_desk

pytestmark = pytest.mark.asyncio(loop_scope="module")

PAGES = ("/help/fr", "/help/nl/invoices", "/help/en?q=invoice", "/help/en/nope")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def chat_desk(
    tmp_path_factory: pytest.TempPathFactory, embedding_cache: Path
) -> AsyncIterator[HelpDesk]:
    """A desk with ``help_chat = true`` whose widget bundle is a file the test controls."""
    tmp = tmp_path_factory.mktemp("help-chat")
    desk = await start_help_desk(tmp, embedding_cache, config="help_chat = true\n")
    bundle = tmp / "widget.js"
    bundle.write_text("/* the built widget */\n", encoding="utf-8")
    desk.app[BUNDLES]["/widget.js"] = Bundle(bundle)
    yield desk
    await desk.http.close()
    await desk.server.close()


async def test_pages_carry_the_widget_in_their_language(chat_desk: HelpDesk) -> None:
    for path in PAGES:
        response = await chat_desk.get(path)
        lang = path.split("/")[2][:2]
        page = await response.text()
        assert f'<script src="/widget.js" async data-lang="{lang}"></script>' in page, path
        assert page.count("<script") == 1  # the widget only: nothing inline
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self';" in policy and "connect-src 'self';" in policy
        assert "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
    response = await chat_desk.get("/widget.js")
    assert response.status == 200 and "the built widget" in await response.text()


async def test_no_script_while_the_widget_is_not_built(chat_desk: HelpDesk) -> None:
    bundle = chat_desk.app[BUNDLES]["/widget.js"]
    saved = bundle.path.read_bytes()
    bundle.path.unlink()
    try:
        for path in PAGES:
            response = await chat_desk.get(path)
            assert "<script" not in await response.text(), path
            assert "script-src" not in response.headers["Content-Security-Policy"]
    finally:
        bundle.path.write_bytes(saved)
    assert "<script" in await (await chat_desk.get("/help/en")).text()  # built again
