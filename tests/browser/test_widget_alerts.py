"""An operator's message while the visitor's page is in the background: the page's title
counts it and a tone sounds (not with data-sound="off"); back on the page, the title is
the page's own again and the console learns the message was seen.

The page's visibility is the browser's to decide: an init script lets the test say it
(document.visibilityState, as a tab switch changes it) and counts the tones made.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.async_api import expect

from chatdesk.web.appkeys import SERVICES

from .conftest import (
    Desk,
    NewContext,
    conversation_of,
    eventually,
    open_widget,
    say_as_operator,
    widget,
)

pytestmark = pytest.mark.asyncio(loop_scope="session")

INIT = """
window.__hidden = false; window.__tones = 0; window.__contexts = 0;
Object.defineProperty(document, "visibilityState",
  {configurable: true, get: () => (window.__hidden ? "hidden" : "visible")});
Object.defineProperty(document, "hidden", {configurable: true, get: () => window.__hidden});
const Real = window.AudioContext;
window.AudioContext = class extends Real {
  constructor(...args) { super(...args); window.__contexts += 1; }
};
const make = Real.prototype.createOscillator;
Real.prototype.createOscillator = function () { window.__tones += 1; return make.call(this); };
"""


async def _hide(page: Any, hidden: bool) -> None:
    await page.evaluate(
        "h => { window.__hidden = h; document.dispatchEvent(new Event('visibilitychange')); }",
        hidden,
    )


async def _chatting(desk: Desk, new_context: NewContext, query: str = "") -> tuple[Any, str]:
    page = await (await new_context(locale="fr-BE")).new_page()
    await page.add_init_script(INIT)
    await page.goto(f"{desk.url}/test/fr{query}")
    w = widget(page)
    await open_widget(page)
    box = w.get_by_label("Votre message")
    await box.fill("Ma facture de novembre est fausse")  # keys: the widget may sound now
    await box.press("Enter")
    await expect(w.locator(".msg-bot")).not_to_have_count(0)
    await expect(page).to_have_title("Host page")  # the bot's answer alerts nothing
    return page, await conversation_of(desk, page)


async def test_a_reply_in_the_background_counts_in_the_title_and_sounds(
    desk: Desk, new_context: NewContext
) -> None:
    page, conversation_id = await _chatting(desk, new_context)
    await _hide(page, True)
    await say_as_operator(desk, conversation_id, "Je regarde votre facture.", "Sophie")
    await expect(page).to_have_title("1 nouveau message · Host page")
    await page.wait_for_function("window.__tones === 1")
    await say_as_operator(desk, conversation_id, "C'est corrigé.", "Sophie")
    await expect(page).to_have_title("2 nouveaux messages · Host page")
    await page.wait_for_function("window.__tones === 2")
    # Back on the page: its own title, and the desk hears the messages were seen.
    await _hide(page, False)
    await expect(page).to_have_title("Host page")
    store = desk.app[SERVICES]._store

    async def seen() -> bool:
        found = await store.conversations.get_conversation(conversation_id)
        return found is not None and found.visitor_read_seq == found.last_seq

    await eventually(seen)
    assert await page.evaluate("window.__tones") == 2


async def test_a_site_s_own_title_change_is_kept_and_the_tone_can_be_off(
    desk: Desk, new_context: NewContext
) -> None:
    page, conversation_id = await _chatting(desk, new_context, "?sound=off")
    await _hide(page, True)
    await say_as_operator(desk, conversation_id, "Je regarde votre facture.", "Sophie")
    await expect(page).to_have_title("1 nouveau message · Host page")
    # A single-page site changes its title meanwhile: the count follows, and stays its.
    await page.evaluate("document.title = 'Tarifs'")
    await say_as_operator(desk, conversation_id, "C'est corrigé.", "Sophie")
    await expect(page).to_have_title("2 nouveaux messages · Tarifs")
    await _hide(page, False)
    await expect(page).to_have_title("Tarifs")
    # data-sound="off": the widget never even made an audio context.
    assert await page.evaluate("[window.__contexts, window.__tones]") == [0, 0]
