"""Small things that got in the way (issue 8.5): links in operator and system messages, the
system lines' spacing on a phone, and an options icon one can see."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.async_api import expect

from chatdesk.models import Author, MessageDraft

from .conftest import (
    Desk,
    NewContext,
    conversation_of,
    open_widget,
    publish,
    say_as_operator,
    widget,
)

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_paths_in_bot_answers_link_to_the_desk(desk: Desk, context: Any) -> None:
    # On a customer's site, "/support/new" must open the desk's form, not the site's page.
    page = await context.new_page()
    await page.goto(f"{desk.url}/test/en")
    w = widget(page)
    await open_widget(page)
    box = w.get_by_label("Your message")
    await box.fill("Which payment methods do you accept?")
    await box.press("Enter")
    bubble = w.locator(".msg-bot .bubble").filter(has_text="Bancontact")
    form = bubble.get_by_role("link", name="change yours")
    await expect(form).to_have_attribute("href", f"{desk.url}/support/new?department=billing")
    await expect(form).to_have_attribute("target", "_blank")
    await expect(bubble.locator("a[href*='evil']")).to_have_count(0)  # //host: not a path


async def test_urls_in_operator_and_system_messages_are_safe_links(
    desk: Desk, context: Any
) -> None:
    dialogs: list[str] = []
    page = await context.new_page()
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    await page.goto(f"{desk.url}/test/en")
    w = widget(page)
    await open_widget(page)
    conversation_id = await conversation_of(desk, page)
    text = (
        "See https://status.example.com/incidents/42. Or write to help@example.com "
        "(not javascript:alert(1) nor <a href='https://evil.example'>this</a>)."
    )
    await say_as_operator(desk, conversation_id, text, "Lea")
    bubble = w.locator(".msg-operator .bubble")
    await expect(bubble).to_have_text(text)  # every character still there, as text
    status = bubble.get_by_role("link", name="https://status.example.com/incidents/42")
    await expect(status).to_have_attribute("href", "https://status.example.com/incidents/42")
    await expect(status).to_have_attribute("target", "_blank")
    await expect(status).to_have_attribute("rel", "noopener noreferrer")
    mail = bubble.get_by_role("link", name="help@example.com")
    await expect(mail).to_have_attribute("href", "mailto:help@example.com")
    await expect(bubble.get_by_role("link")).to_have_count(3)  # the page's https URL too
    await expect(bubble.locator("a[href^=javascript]")).to_have_count(0)

    await publish(
        desk,
        conversation_id,
        MessageDraft(author=Author.SYSTEM, text="Follow your request at https://desk.example/t/7"),
    )
    link = w.locator(".msg-system").get_by_role("link", name="https://desk.example/t/7")
    await expect(link).to_have_attribute("rel", "noopener noreferrer")
    assert dialogs == []


async def test_system_lines_sit_together_on_a_phone(desk: Desk, new_context: NewContext) -> None:
    context = await new_context(viewport={"width": 390, "height": 844})
    page = await context.new_page()
    await page.goto(f"{desk.url}/test/en")
    w = widget(page)
    await open_widget(page)
    conversation_id = await conversation_of(desk, page)
    for text in ("Your request number is #000042.", "Our team will reply by e-mail."):
        await publish(desk, conversation_id, MessageDraft(author=Author.SYSTEM, text=text))
    lines = w.locator(".msg-system .bubble")
    await expect(lines).to_have_count(2)
    first = await lines.nth(0).bounding_box()
    second = await lines.nth(1).bounding_box()
    assert first is not None and second is not None
    gap = second["y"] - (first["y"] + first["height"])
    assert 0 <= gap <= 6, gap


def _luminance(rgb: list[float]) -> float:
    channels = [c / 255 for c in rgb]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


async def test_the_options_icon_is_clearly_visible(desk: Desk, context: Any) -> None:
    page = await context.new_page()
    await page.goto(f"{desk.url}/test/en")
    w = widget(page)
    await open_widget(page)
    icon = w.locator("header").get_by_role("button", name="Options").locator("svg path")
    # The dots are drawn big enough to see (the stroked dots were 1.7 px wide).
    box = await icon.bounding_box()
    assert box is not None and box["height"] >= 2.4 and box["width"] >= 14, box
    colors = await icon.evaluate(
        """el => {
            const rgb = (c) => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
            const head = el.closest('header');
            return [rgb(getComputedStyle(el).fill), rgb(getComputedStyle(head).backgroundColor)];
        }"""
    )
    lighter, darker = sorted(map(_luminance, colors), reverse=True)
    assert (lighter + 0.05) / (darker + 0.05) >= 3
