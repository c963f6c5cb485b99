"""The bot keeps its short answer and links to the longer article ("Read more")."""

from __future__ import annotations

import pytest

from ..clients import VisitorClient
from .conftest import HelpDesk

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
async def test_an_answer_with_an_article_links_to_its_page(desk: HelpDesk, lang: str) -> None:
    visitor = VisitorClient(desk.url)  # checks every event against the wire structs
    try:
        await visitor.connect({"lang": lang})
        ack = await visitor.call("choose", {"entry_id": "password-reset"})
        assert ack["ok"], ack
        answer = await visitor.bot_reply()
        assert answer["kind"] == "answer" and answer["entry_id"] == "password-reset"
        assert answer["article_url"] == f"/help/{lang}/password-reset"
        assert "12" in answer["text"]  # still the bot's own short answer
        page = await desk.get(answer["article_url"])
        assert page.status == 200 and "<h2>" in await page.text()  # the longer one
        # An entry without an article: no link.
        await visitor.call("choose", {"entry_id": "invoices"})
        other = await visitor.bot_reply()
        assert other["entry_id"] == "invoices" and "article_url" not in other
    finally:
        await visitor.close()
