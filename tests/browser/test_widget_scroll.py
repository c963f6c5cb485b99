"""The newest message stays in view (issue 8.1): after an offline escalation (the bot's
handover, system lines, the state strip), the queued path, and operator replies arriving later;
unless the visitor scrolled up, and then a "new messages" pill brings them down. On a desktop
and on a phone."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.async_api import expect

from .conftest import NewContext, StartDesk, conversation_of, open_widget, say_as_operator, widget

pytestmark = pytest.mark.asyncio(loop_scope="session")

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
QUESTIONS = [
    ("How do I reset my password?", "reset page"),
    ("What are your opening hours?", "Monday to Friday"),
    ("Where are my invoices?", "customer area"),
]


async def _ask(w: Any, question: str, answer: str) -> None:
    box = w.get_by_label("Your message")
    await box.fill(question)
    await box.press("Enter")
    await expect(w.locator(".msg-bot").filter(has_text=answer)).to_be_visible()


async def _newest_in_view(w: Any) -> None:
    await expect(w.locator(".log .msg").last).to_be_in_viewport(ratio=1)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
async def test_the_newest_message_stays_in_view_after_an_offline_escalation(
    start_desk: StartDesk, new_context: NewContext, viewport: dict[str, int]
) -> None:
    desk = await start_desk()  # open, nobody online: the ticket waits
    page = await (await new_context(viewport=viewport)).new_page()
    await page.goto(f"{desk.url}/test/en")
    w = widget(page)
    await open_widget(page)
    for question, answer in QUESTIONS:
        await _ask(w, question, answer)
    box = w.get_by_label("Your message")
    await box.fill("I want to talk to a person")
    await box.press("Enter")
    await expect(w.locator(".msg-system").filter(has_text="#000001")).to_have_count(1)
    await expect(w.locator(".strip")).to_contain_text("#000001")
    await _newest_in_view(w)

    # Later, an operator answers: it comes into view too.
    conversation_id = await conversation_of(desk, page)
    await say_as_operator(desk, conversation_id, "Hello, Lea here. Let me look.", "Lea")
    await expect(w.locator(".msg-operator")).to_have_count(1)
    await _newest_in_view(w)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
async def test_scrolled_up_the_visitor_gets_a_new_messages_pill(
    start_desk: StartDesk, new_context: NewContext, viewport: dict[str, int]
) -> None:
    desk = await start_desk()
    await desk.operator("Sophie")  # online: the queued path
    page = await (await new_context(viewport=viewport)).new_page()
    await page.goto(f"{desk.url}/test/en")
    w = widget(page)
    await open_widget(page)
    for question, answer in QUESTIONS:
        await _ask(w, question, answer)
    await w.locator("header").get_by_role("button", name="Talk to a person").click()
    await expect(w.locator(".strip")).to_contain_text("You're number 1 in the queue.")
    await expect(w.locator(".msg-system")).not_to_have_count(0)
    await _newest_in_view(w)
    pill = w.get_by_role("button", name="New messages")
    await expect(pill).to_be_hidden()

    # Reading older messages: a reply arriving does not pull the visitor down.
    await w.locator(".scroller").evaluate("el => { el.scrollTop = 0; }")
    conversation_id = await conversation_of(desk, page)
    await say_as_operator(
        desk, conversation_id, "Hi, Sophie here: see https://status.example", "Sophie"
    )
    await expect(pill).to_be_visible()
    await expect(w.locator(".log .msg").last).not_to_be_in_viewport()
    assert await w.locator(".scroller").evaluate("el => el.scrollTop") == 0
    await pill.click()
    await _newest_in_view(w)
    await expect(pill).to_be_hidden()
    # At the end again, the next reply scrolls into view by itself.
    await say_as_operator(desk, conversation_id, "Are you still there?", "Sophie")
    await expect(w.locator(".msg-operator")).to_have_count(2)
    await _newest_in_view(w)
    await expect(pill).to_be_hidden()
