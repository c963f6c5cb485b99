"""The widget in a real browser: consent, the bot conversation, persistence, safety, keyboard."""

from __future__ import annotations

import re
from typing import Any

import pytest
import socketio
from playwright.async_api import expect

from chatdesk.app import STORE

from ..clients import VisitorClient
from .conftest import (
    Desk,
    conversation_of,
    eventually,
    open_widget,
    page_token,
    say_as_operator,
    widget,
)

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_nothing_is_stored_or_connected_before_the_widget_is_opened(
    desk: Desk, context: Any
) -> None:
    sockets: list[str] = []
    requests: list[str] = []
    page = await context.new_page()
    page.on("websocket", lambda ws: sockets.append(ws.url))
    page.on("request", lambda request: requests.append(request.url))
    await page.goto(f"{desk.url}/test/en")
    w = widget(page)
    await expect(w.locator(".launcher")).to_be_visible()
    # Give a misbehaving widget every chance to connect or store something.
    await page.wait_for_load_state("networkidle")
    assert sockets == []
    assert not [url for url in requests if "/socket.io/" in url]
    assert await page.evaluate("() => [localStorage.length, sessionStorage.length]") == [0, 0]
    assert await page.evaluate("document.cookie") == ""
    assert await context.cookies() == []

    await open_widget(page)
    assert len(sockets) == 1 and "/socket.io/" in sockets[0]
    stored = await page.evaluate("() => Object.keys(localStorage)")
    assert stored == [f"chatdesk:{desk.url}"]
    assert await context.cookies() == []


async def test_ask_in_french_choose_a_suggestion_and_rate_the_answer(
    desk: Desk, context: Any
) -> None:
    page = await context.new_page()
    await page.goto(f"{desk.url}/test/fr")
    w = widget(page)
    await open_widget(page)
    await expect(w.locator(".msg-intro")).to_contain_text("Bonjour ! Je suis Ardi")
    await expect(w.locator(".root")).to_have_attribute("lang", "fr")
    # The starters come from the knowledge, in French.
    await expect(w.get_by_role("button", name="Où trouver mes factures ?")).to_be_visible()

    box = w.get_by_label("Votre message")
    await box.fill("Comment réinitialiser mon mot de passe ?")
    await box.press("Enter")
    mine = w.locator(".msg-visitor").last
    await expect(mine).to_contain_text("Comment réinitialiser mon mot de passe ?")
    await expect(mine.locator(".delivery")).to_have_text("Envoyé")
    answer = w.locator(".msg-bot").filter(has_text="réinitialisation")
    await expect(answer).to_be_visible()
    await expect(answer.locator(".author")).to_have_text("Ardi")

    # Two words keep the conversation's language: "Did you mean…" with choices.
    await box.fill("facture paiement")
    await box.press("Enter")
    suggest = w.locator(".msg-bot").filter(has_text="Vouliez-vous dire")
    await expect(suggest).to_be_visible()
    choice = suggest.get_by_role("button", name="Où trouver mes factures ?")
    await choice.click()
    await expect(w.locator(".msg-visitor").last).to_contain_text("Où trouver mes factures ?")
    invoices = w.locator(".msg-bot").filter(has_text="espace client")
    await expect(invoices).to_be_visible()
    link = invoices.get_by_role("link", name="my.ardenne.cloud/invoices")
    await expect(link).to_have_attribute("target", "_blank")
    await expect(link).to_have_attribute("rel", re.compile(r"\bnoopener\b"))
    # The follow-up is offered as a quick reply.
    await expect(
        w.locator(".chips").get_by_role("button", name="Quels moyens de paiement acceptez-vous ?")
    ).to_be_visible()

    useful = invoices.get_by_role("button", name="Utile", exact=True)
    await useful.click()
    await expect(useful).to_have_attribute("aria-pressed", "true")
    # The rating reached the desk (the only test that rates this entry).
    store = desk.app[STORE]
    await eventually(lambda: _rated(store, "invoices"))


async def _rated(store: Any, entry_id: str) -> bool:
    return (await store.feedback.feedback_summary()).get(entry_id, (0, 0))[0] >= 1


async def test_history_survives_a_reload_and_is_shared_by_tabs(desk: Desk, context: Any) -> None:
    page = await context.new_page()
    await page.goto(f"{desk.url}/test/en")
    w = widget(page)
    await open_widget(page)
    box = w.get_by_label("Your message")
    await box.fill("How do I reset my password?")
    await box.press("Enter")
    await expect(w.locator(".msg-bot").filter(has_text="reset page")).to_be_visible()

    await page.reload()
    # Opened before the reload: it reopens with the conversation from the server.
    await expect(w.locator(".msg-visitor")).to_have_count(1)
    await expect(w.locator(".msg-visitor")).to_contain_text("How do I reset my password?")
    await expect(w.locator(".msg-bot").filter(has_text="reset page")).to_have_count(1)

    second = await context.new_page()
    await second.goto(f"{desk.url}/test/en")
    w2 = widget(second)
    await w2.locator(".launcher").click()
    await expect(w2.locator(".msg-visitor")).to_contain_text("How do I reset my password?")
    # A message sent in one tab appears in the other, once.
    box2 = w2.get_by_label("Your message")
    await box2.fill("Where are my invoices?")
    await box2.press("Enter")
    await expect(w.locator(".msg-visitor").filter(has_text="Where are my invoices?")).to_have_count(
        1
    )
    await expect(w.locator(".msg-bot").filter(has_text="customer area")).to_have_count(1)
    await expect(w2.locator(".msg-bot").filter(has_text="customer area")).to_have_count(1)


async def test_unread_badge_counts_replies_that_arrive_while_closed(
    desk: Desk, context: Any
) -> None:
    page = await context.new_page()
    await page.goto(f"{desk.url}/test/en")
    w = widget(page)
    await open_widget(page)
    box = w.get_by_label("Your message")
    await box.fill("Which payment methods do you accept?")
    await box.press("Enter")
    await expect(w.locator(".msg-bot").filter(has_text="Bancontact")).to_be_visible()
    await w.locator(".launcher").click()
    await expect(w.locator(".badge")).to_be_hidden()  # read while open

    conversation_id = await conversation_of(desk, page)
    await say_as_operator(desk, conversation_id, "Hello, Lea here. Can I help?", "Lea")
    await say_as_operator(desk, conversation_id, "Are you still there?", "Lea")
    await expect(w.locator(".badge")).to_have_text("2")
    await expect(w.locator(".launcher")).to_have_attribute(
        "aria-label", "Open chat (2 new messages)"
    )
    await page.reload()  # still unread after a reload
    await expect(w.locator(".badge")).to_have_text("2")
    await w.locator(".launcher").click()
    await expect(w.locator(".badge")).to_be_hidden()
    operator = w.locator(".msg-operator").first
    await expect(operator.locator(".author")).to_have_text("Lea")
    await expect(operator).to_contain_text("Lea here")


async def test_html_from_visitors_and_knowledge_stays_inert(desk: Desk, context: Any) -> None:
    dialogs: list[str] = []
    page = await context.new_page()
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    await page.goto(f"{desk.url}/test/en")
    w = widget(page)
    await open_widget(page)
    box = w.get_by_label("Your message")
    attack = "<img src=x onerror=alert(3)><script>alert(4)</script><b>bold?</b>"
    await box.fill(attack)
    await box.press("Enter")
    await expect(w.locator(".msg-visitor .bubble").last).to_have_text(attack)
    # Knowledge answers with raw HTML (the server does not render it; the widget re-cleans).
    for question, marker in [
        ("My payment failed", "customer area"),
        ("How do I reset my password?", "reset page"),
    ]:
        await box.fill(question)
        await box.press("Enter")
        await expect(w.locator(".msg-bot").filter(has_text=marker)).to_be_visible()
    await expect(
        w.locator(".msg-bot .bubble").filter(has_text="<script>alert(1)</script>")
    ).to_be_visible()
    await expect(
        w.locator(".msg-bot .bubble").filter(has_text="<img src=x onerror=alert(2)>")
    ).to_be_visible()
    assert await w.locator("img, script:not([src]), b").count() == 0
    await page.wait_for_load_state("networkidle")
    assert dialogs == []


async def test_an_unknown_token_starts_a_fresh_conversation(desk: Desk, context: Any) -> None:
    page = await context.new_page()
    await page.goto(f"{desk.url}/test/en")
    key = f"chatdesk:{desk.url}"
    stale = {
        "token": "forgotten-elsewhere",
        "read_seq": 3,
        "lang": None,
        "pending": [],
        "rated": {},
        "bot_name": "Ardi",
    }
    await page.evaluate("([k, v]) => localStorage.setItem(k, JSON.stringify(v))", [key, stale])
    await page.reload()  # a returning visitor: connects at once, and is refused
    w = widget(page)
    await w.locator(".launcher").click()
    await expect(w.locator(".msg-intro")).to_contain_text("Hi! I'm Ardi")
    await expect(w.locator(".banner")).to_be_hidden()
    token = await page_token(page)
    assert token != "forgotten-elsewhere"
    box = w.get_by_label("Your message")
    await box.fill("Where are my invoices?")
    await box.press("Enter")
    await expect(w.locator(".msg-bot").filter(has_text="customer area")).to_be_visible()


async def test_host_page_styles_do_not_reach_the_widget(desk: Desk, context: Any) -> None:
    page = await context.new_page()
    await page.goto(f"{desk.url}/test/en?hostile=1")
    w = widget(page)
    await open_widget(page)
    styles = await w.locator(".msg-intro .bubble").evaluate(
        """el => { const s = getComputedStyle(el);
                   return [s.letterSpacing, s.textTransform, s.fontFamily.includes('serif') &&
                           !s.fontFamily.includes('sans-serif'), s.color]; }"""
    )
    assert styles == ["normal", "none", False, "rgb(27, 31, 36)"]
    background = await w.locator(".launcher").evaluate("el => getComputedStyle(el).backgroundColor")
    assert background != "rgb(255, 255, 0)"


async def test_keyboard_only(desk: Desk, context: Any) -> None:
    page = await context.new_page()
    await page.goto(f"{desk.url}/test/en")
    w = widget(page)
    launcher = w.locator(".launcher")
    await expect(launcher).to_be_visible()
    await page.keyboard.press("Tab")  # the page's link
    await page.keyboard.press("Tab")  # the launcher
    await expect(launcher).to_be_focused()
    await page.keyboard.press("Enter")
    box = w.get_by_label("Your message")
    await expect(box).to_be_focused()  # focus moves into the panel
    await expect(w.get_by_role("dialog")).to_have_attribute(
        "aria-label", re.compile("Ardenne Cloud")
    )
    await expect(w.locator(".msg-intro")).to_be_visible()
    await expect(w.get_by_role("log")).to_have_attribute("aria-live", "polite")
    await page.keyboard.type("Where are my invoices?")
    await page.keyboard.press("Enter")
    await expect(w.locator(".msg-visitor .delivery").last).to_have_text("Sent")
    await expect(w.locator(".msg-bot").filter(has_text="customer area")).to_be_visible()
    # Tab reaches the answer's controls; Enter on a focused 👍 rates it.
    useful = (
        w.locator(".msg-bot")
        .filter(has_text="customer area")
        .get_by_role("button", name="Helpful", exact=True)
    )
    await useful.focus()
    await page.keyboard.press("Enter")
    await expect(useful).to_have_attribute("aria-pressed", "true")
    await page.keyboard.press("Escape")
    await expect(w.get_by_role("dialog")).to_be_hidden()
    await expect(launcher).to_be_focused()  # focus goes back to the launcher
    await expect(launcher).to_have_attribute("aria-expanded", "false")


async def test_language_follows_the_site_and_the_visitor_can_switch(
    desk: Desk, context: Any
) -> None:
    page = await context.new_page()
    await page.goto(f"{desk.url}/test/nl")  # data-lang="nl"
    w = widget(page)
    await expect(w.locator(".launcher")).to_have_attribute("aria-label", "Chat openen")
    await open_widget(page)
    await expect(w.locator(".msg-intro")).to_contain_text("Hallo! Ik ben Ardi")
    await w.get_by_role("button", name="Opties").click()
    await w.get_by_label("Taal").select_option("fr")
    await expect(w.get_by_label("Langue")).to_be_focused()
    await expect(w.locator(".msg-intro")).to_contain_text("Bonjour ! Je suis Ardi")
    await expect(w.get_by_label("Votre message")).to_be_visible()
    # The choice is the visitor's: it holds on the next page that sets no language (a
    # page's data-lang comes first), whatever the browser's languages.
    await page.goto(f"{desk.url}/test/en?site_lang=0")
    await expect(w.locator(".msg-intro")).to_contain_text("Bonjour ! Je suis Ardi")


async def test_forget_me_deletes_the_conversation_everywhere(desk: Desk, context: Any) -> None:
    page = await context.new_page()
    await page.goto(f"{desk.url}/test/en")
    w = widget(page)
    await open_widget(page)
    box = w.get_by_label("Your message")
    await box.fill("Where are my invoices?")
    await box.press("Enter")
    await expect(w.locator(".msg-bot").filter(has_text="customer area")).to_be_visible()
    token = await page.evaluate("() => JSON.parse(Object.values(localStorage)[0]).token")
    other = await context.new_page()
    await other.goto(f"{desk.url}/test/en")
    w2 = widget(other)
    await w2.locator(".launcher").click()
    await expect(w2.locator(".msg-visitor")).to_have_count(1)

    await w.get_by_role("button", name="Options").click()
    await w.get_by_role("button", name="Forget me").click()
    # The desk's retention policy ([privacy] of the shared desk): what happens otherwise.
    kept = "a chat that did not become a ticket is deleted 90 days after its last message"
    await expect(w.get_by_text(kept)).to_be_visible()
    await w.get_by_role("button", name="Delete everything").click()
    await expect(w.get_by_text("Your conversation has been deleted.")).to_be_visible()
    await expect(w.locator(".msg")).to_have_count(0)
    assert await page.evaluate("() => localStorage.length") == 0
    # The other tab forgets too.
    await expect(w2.get_by_text("Your conversation has been deleted.")).to_be_visible()
    await expect(w2.locator(".msg-visitor")).to_have_count(0)
    # The desk no longer knows the token.
    assert await _refusal(desk, token) == "invalid_token"

    await w.get_by_role("button", name="Start a new conversation").click()
    await expect(w.locator(".msg-intro")).to_be_visible()
    new_token = await page.evaluate("() => JSON.parse(Object.values(localStorage)[0]).token")
    assert new_token and new_token != token


async def _refusal(desk: Desk, token: str) -> str:
    client = VisitorClient(desk.url)
    desk.clients.append(client)
    with pytest.raises(socketio.exceptions.ConnectionError):
        await client.connect({"token": token})
    return str(client.connect_error["message"])
