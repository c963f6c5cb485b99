"""The site's invitation beside the launcher (`data-prompt`, `chatdesk.prompt()`) in
Chromium: shown after its delay without storing or connecting anything, opening the chat
when clicked, gone for the page once dismissed or once the chat was opened. Screenshots at
1280 and 390 px (with CHATDESK_SCREENSHOTS=1 the phone's replaces
docs/screenshots/widget-prompt.png)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import expect

from .conftest import REPO, Desk, NewContext, widget

pytestmark = pytest.mark.asyncio(loop_scope="session")

INVITATION = "Une question sur nos offres VPS ? Nous sommes là."


async def _stored(page: Any) -> list[str]:
    return list(await page.evaluate("Object.keys(localStorage)"))


async def test_an_invitation_opens_the_chat_and_stores_nothing_before(
    desk: Desk, new_context: NewContext, tmp_path: Path
) -> None:
    phone = await new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2,
                              is_mobile=True, has_touch=True, reduced_motion="reduce")  # fmt: skip
    page = await phone.new_page()
    sockets: list[str] = []
    page.on("websocket", lambda ws: sockets.append(ws.url))
    await page.goto(f"{desk.url}/test/fr?phone=1&prompt={INVITATION}&prompt_after=1")
    w = widget(page)
    invitation = w.locator(".prompt")
    await expect(invitation).to_be_hidden()  # not before its delay
    await expect(invitation.get_by_role("button", name=INVITATION)).to_be_visible()
    await expect(invitation).to_have_attribute("role", "status")
    # Shown, and still nothing stored nor any connection: the visitor has not opened it.
    assert await _stored(page) == [] and sockets == []
    shots = REPO / "docs" / "screenshots" if os.environ.get("CHATDESK_SCREENSHOTS") else tmp_path
    await page.screenshot(path=str(shots / "widget-prompt.png"))
    await invitation.get_by_role("button", name=INVITATION).click()
    await expect(w.locator(".panel")).to_be_visible()
    await expect(w.locator(".msg-intro")).to_be_visible()
    await expect(invitation).to_be_hidden()
    # Closed again (Escape, as the panel fills the phone): no invitation on this page.
    await page.keyboard.press("Escape")
    await expect(w.locator(".panel")).to_be_hidden()
    await page.evaluate("chatdesk.prompt('Encore ?')")
    await expect(invitation).to_be_hidden()


async def test_an_invitation_goes_with_its_cross_and_says_text_as_text(
    desk: Desk, new_context: NewContext, tmp_path: Path
) -> None:
    context = await new_context(viewport={"width": 1280, "height": 800}, reduced_motion="reduce")
    page = await context.new_page()
    await page.goto(f"{desk.url}/test/en?site_lang=0")
    w = widget(page)
    invitation = w.locator(".prompt")
    await page.wait_for_function("window.chatdesk !== undefined")
    await page.evaluate("chatdesk.prompt('  <b>Need   help</b> with ' + 'x'.repeat(200))")
    text = invitation.locator(".prompt-text")
    await expect(text).to_have_text("<b>Need help</b> with " + "x" * 118)  # 140 at most
    await expect(invitation.locator("b")).to_have_count(0)
    await page.screenshot(path=str(tmp_path / "prompt-desktop.png"))
    await invitation.get_by_role("button", name="Dismiss the invitation").click()
    await expect(invitation).to_be_hidden()
    await page.evaluate("chatdesk.prompt('Again?')")
    await expect(invitation).to_be_hidden()
    assert await _stored(page) == []
