"""The demo site with the widget open, on a desktop and on a phone (the README's pictures).

The pictures are written to the test's temporary directory; with CHATDESK_SCREENSHOTS=1 they
replace docs/screenshots/ (they change at every run: messages carry the time).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import expect

from .conftest import REPO, NewContext, StartDesk, widget

pytestmark = pytest.mark.asyncio(loop_scope="session")


def _target(tmp_path: Path) -> Path:
    return REPO / "docs" / "screenshots" if os.environ.get("CHATDESK_SCREENSHOTS") else tmp_path


async def _ask(w: Any, label: str, question: str, answer: str) -> None:
    box = w.get_by_label(label)
    await box.fill(question)
    await box.press("Enter")
    await expect(w.locator(".msg-bot").filter(has_text=answer)).to_be_visible()


async def test_screenshots_of_the_demo_site(
    start_desk: StartDesk, new_context: NewContext, tmp_path: Path
) -> None:
    desk = await start_desk(knowledge=REPO / "knowledge")
    await desk.operator("Sophie")  # someone is online: the header says so
    target = _target(tmp_path)

    desktop = await new_context(viewport={"width": 1280, "height": 800}, reduced_motion="reduce")
    page = await desktop.new_page()
    await page.goto(desk.url + "/")
    w = widget(page)
    await w.locator(".launcher").click()
    await expect(w.locator(".status")).to_have_text("We're online")
    await w.get_by_role("button", name="How do I reset my password?").click()
    await expect(w.locator(".msg-bot").filter(has_text="my.ardenne.cloud/reset")).to_be_visible()
    await _ask(w, "Your message", "Can I pay by Bancontact?", "Bancontact")
    await w.locator(".msg-bot").last.get_by_role("button", name="Helpful", exact=True).click()
    await expect(w.locator(".msg-bot .rate[aria-pressed=true]")).to_have_count(1)
    await w.get_by_label("Your message").blur()
    # prefers-reduced-motion: no animation (the dots, the panel's entrance).
    animation = await w.locator(".panel").evaluate("el => getComputedStyle(el).animationName")
    assert animation == "none"
    await page.screenshot(path=str(target / "widget-desktop.png"))

    phone = await new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="fr-BE",
        reduced_motion="reduce",
    )
    page = await phone.new_page()
    await page.goto(desk.url + "/")
    await page.get_by_role("button", name="FR").click()  # the demo's chat language switch
    w = widget(page)
    await expect(w.locator(".launcher")).to_have_attribute("aria-label", "Ouvrir le chat")
    await w.locator(".launcher").click()
    panel = w.get_by_role("dialog")
    await expect(panel).to_be_visible()
    await expect(w.locator(".msg-intro")).to_contain_text("Bonjour ! Je suis Ardi")
    await _ask(w, "Votre message", "Où trouver mes factures ?", "Factures")
    # Full-screen below 480 px, the launcher hidden behind it.
    box = await panel.bounding_box()
    assert box == {"x": 0, "y": 0, "width": 390, "height": 844}
    await expect(w.locator(".launcher")).to_be_hidden()
    await w.get_by_label("Votre message").blur()
    await page.screenshot(path=str(target / "widget-mobile.png"))
    # Full screen, the panel is modal: Tab cycles inside it.
    await expect(panel).to_have_attribute("aria-modal", "true")
    first = w.locator("header button").first
    await first.focus()
    await page.keyboard.press("Shift+Tab")
    await expect(w.locator(".send")).to_be_focused()
    await page.keyboard.press("Tab")
    await expect(first).to_be_focused()
    assert (target / "widget-desktop.png").stat().st_size > 10_000
