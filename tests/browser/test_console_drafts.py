"""Reply drafts in Chromium: what an operator typed in a ticket's reply box comes back
after a reload, until it is sent or discarded; logging out forgets every draft kept in
the browser; a chat's composer keeps its own."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.async_api import expect

from chatdesk.helpdesk import NewTicket
from chatdesk.web.appkeys import SERVICES

from .conftest import Desk, NewContext, eventually
from .test_console_answers import add_quill, chat
from .test_console_tickets import login

pytestmark = pytest.mark.asyncio(loop_scope="session")

DRAFTS = "() => Object.keys(localStorage).filter(k => k.startsWith('chatdesk.draft.'))"


async def _kept(page: Any) -> list[str]:
    return list(await page.evaluate(f"({DRAFTS})().map(k => JSON.parse(localStorage[k]).text)"))


async def test_a_ticket_reply_s_draft_survives_a_reload_until_it_is_sent(
    desk: Desk, new_context: NewContext
) -> None:
    await add_quill(desk)
    ticket, _ = await desk.app[SERVICES].helpdesk.filing.file(
        NewTicket(email="noor@client.be", lang="en", subject="Draft", description="Hello")
    )
    page = await (await new_context(locale="en-GB")).new_page()
    await login(page, desk.url, "quill@desk.test", f"/console/t/{ticket.id}")
    box = page.locator("#treply-text")
    await box.fill("Dear Noor, I am looking")

    async def kept() -> bool:
        return await _kept(page) == ["Dear Noor, I am looking"]

    await eventually(kept)
    await page.reload()
    await expect(box).to_have_value("Dear Noor, I am looking")
    said = page.locator(".draft-said")
    await expect(said).to_contain_text("Your draft of")
    await said.get_by_role("button", name="Discard it").click()
    await expect(box).to_have_value("")
    assert await _kept(page) == []

    await box.fill("Dear Noor, here is the answer.")
    await eventually(lambda: _has(page, "Dear Noor, here is the answer."))
    await page.locator("#treply button[type=submit]").click()
    await expect(page.locator("#toast")).to_have_text("Reply sent.")
    assert await _kept(page) == []
    await page.reload()
    await expect(page.locator("#timeline")).to_contain_text("Dear Noor, here is the answer.")
    await expect(box).to_have_value("")


async def _has(page: Any, text: str) -> bool:
    return text in await _kept(page)


async def test_a_chat_s_draft_is_its_own_and_logging_out_forgets_them_all(
    desk: Desk, new_context: NewContext
) -> None:
    await add_quill(desk)
    visitor, conversation = await chat(desk, "en", "hello")
    assert (await visitor.call("escalate", {}))["ok"]
    page = await (await new_context(locale="en-GB")).new_page()
    await login(page, desk.url, "quill@desk.test", f"/console/c/{conversation}")
    await page.locator("[data-action=claim]").click()
    reply = page.locator("#reply")
    await expect(reply).to_be_enabled()
    await reply.fill("One moment please")
    await eventually(lambda: _has(page, "One moment please"))
    await page.reload()
    await expect(reply).to_have_value("One moment please")
    await page.locator("form[action='/console/logout'] button").click()
    await page.wait_for_url("**/console/login**")
    assert await _kept(page) == []
