"""One language per conversation, client side (issue 8.2): the site's data-lang, then the
visitor's choice, then the browser's languages; `auth.lang_source` says which; switching
sends `lang` instead of reconnecting; the desk's `lang` switches the UI; the demo page's
language buttons agree with the widget."""

from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.async_api import expect

from chatdesk.app import STORE

from .conftest import (
    Desk,
    NewContext,
    StartDesk,
    conversation_of,
    emit_to_visitor,
    open_widget,
    widget,
)

pytestmark = pytest.mark.asyncio(loop_scope="session")


def _record(page: Any) -> tuple[list[str], list[Any]]:
    """Collect the Socket.IO packets the page sends, and its WebSocket connections."""
    frames: list[str] = []
    sockets: list[Any] = []

    def opened(ws: Any) -> None:
        sockets.append(ws)
        ws.on("framesent", lambda payload: frames.append(str(payload)))

    page.on("websocket", opened)
    return frames, sockets


def _auths(frames: list[str]) -> list[dict[str, Any]]:
    """The `auth` of every CONNECT to /visitor (`40/visitor,{...}`)."""
    prefix = "40/visitor,"
    return [json.loads(f[len(prefix) :]) for f in frames if f.startswith(prefix)]


def _events(frames: list[str], name: str) -> list[Any]:
    """The payloads of the events `name` sent to /visitor (`42/visitor,<ack id>["name",{...}]`)."""
    found = []
    for frame in frames:
        if frame.startswith("42/visitor,"):
            body = json.loads(frame[frame.index("[") :])
            if body[0] == name:
                found.append(body[1])
    return found


@pytest.mark.parametrize(
    ("locale", "lang", "greeting"),
    [
        ("nl-BE", "nl", "Hallo! Ik ben Ardi"),
        ("fr-BE", "fr", "Bonjour ! Je suis Ardi"),
    ],
)
async def test_without_data_lang_the_browser_languages_decide(
    desk: Desk, new_context: NewContext, locale: str, lang: str, greeting: str
) -> None:
    context = await new_context(locale=locale)
    page = await context.new_page()
    frames, _ = _record(page)
    await page.goto(f"{desk.url}/test/en?site_lang=0")  # <html lang="en">, no data-lang
    w = widget(page)
    await open_widget(page)
    await expect(w.locator(".msg-intro")).to_contain_text(greeting)
    await expect(w.locator(".root")).to_have_attribute("lang", lang)
    assert [(a["lang"], a["lang_source"]) for a in _auths(frames)] == [(lang, "browser")]
    conversation = await desk.app[STORE].conversations.get_conversation(
        await conversation_of(desk, page)
    )
    assert conversation is not None and conversation.lang == lang  # the ticket is tagged so


async def test_the_site_comes_before_the_visitor_and_the_browser(
    desk: Desk, new_context: NewContext
) -> None:
    context = await new_context(locale="nl-BE")
    page = await context.new_page()
    frames, _ = _record(page)
    await page.goto(f"{desk.url}/test/fr?site_lang=0")
    w = widget(page)
    await open_widget(page)
    await w.get_by_role("button", name="Opties").click()
    await w.get_by_label("Taal").select_option("en")  # the visitor's choice, kept
    await expect(w.locator(".msg-intro")).to_contain_text("Hi! I'm Ardi")
    await page.goto(f"{desk.url}/test/fr")  # data-lang="fr"
    await expect(w.locator(".msg-intro")).to_contain_text("Bonjour ! Je suis Ardi")
    await page.goto(f"{desk.url}/test/fr?site_lang=0")
    await expect(w.locator(".msg-intro")).to_contain_text("Hi! I'm Ardi")
    sources = [(a["lang"], a["lang_source"]) for a in _auths(frames)]
    assert sources[0] == ("nl", "browser")
    assert ("fr", "site") in sources
    assert sources[-1] == ("en", "visitor")


async def test_choosing_a_language_sends_lang_and_redraws_the_panel(
    desk: Desk, context: Any
) -> None:
    page = await context.new_page()
    frames, _ = _record(page)
    await page.goto(f"{desk.url}/test/en?site_lang=0")
    w = widget(page)
    await open_widget(page)
    await w.get_by_label("Your message").fill("half-typed")
    await w.get_by_role("button", name="Options").click()
    await w.get_by_label("Language").select_option("nl")
    await expect(w.get_by_label("Taal")).to_be_focused()
    await expect(w.get_by_label("Uw bericht")).to_have_value("half-typed")
    await expect(w.locator(".launcher")).to_have_attribute("aria-label", "Chat sluiten")
    assert _events(frames, "lang") == [{"lang": "nl"}]


async def test_choosing_a_language_does_not_reconnect(desk: Desk, context: Any) -> None:
    page = await context.new_page()
    frames, sockets = _record(page)
    await page.goto(f"{desk.url}/test/en?site_lang=0")
    w = widget(page)
    await open_widget(page)
    await w.get_by_role("button", name="Options").click()
    await w.get_by_label("Language").select_option("fr")
    await expect(w.locator(".msg-intro")).to_contain_text("Bonjour ! Je suis Ardi")  # the ack's bot
    await expect(w.get_by_role("button", name="Où trouver mes factures ?")).to_be_visible()
    assert len(sockets) == 1 and len(_auths(frames)) == 1
    conversation = await desk.app[STORE].conversations.get_conversation(
        await conversation_of(desk, page)
    )
    assert conversation is not None and conversation.lang == "fr"


async def test_the_desk_switching_the_language_switches_the_ui(desk: Desk, context: Any) -> None:
    page = await context.new_page()
    _, sockets = _record(page)
    await page.goto(f"{desk.url}/test/en?site_lang=0")
    w = widget(page)
    await open_widget(page)
    bot = {
        "name": "Ardi",
        "greeting": "Hallo! Ik ben Ardi, de assistent van Ardenne Cloud.",
        "starters": [{"entry_id": "invoices", "title": "Waar vind ik mijn facturen?"}],
    }
    await emit_to_visitor(
        desk, await conversation_of(desk, page), "lang", {"lang": "nl", "bot": bot}
    )
    await expect(w.get_by_label("Uw bericht")).to_be_visible()
    await expect(w.locator(".msg-intro")).to_contain_text("Hallo! Ik ben Ardi")
    await expect(w.get_by_role("button", name="Waar vind ik mijn facturen?")).to_be_visible()
    assert len(sockets) == 1  # no reconnection


async def test_the_demo_language_buttons_agree_with_the_widget(
    start_desk: StartDesk, new_context: NewContext
) -> None:
    desk = await start_desk()
    page = await (await new_context(locale="fr-BE")).new_page()
    await page.goto(desk.url + "/")
    buttons = page.locator("[data-chat-lang]")
    w = widget(page)
    await expect(w.locator(".launcher")).to_have_attribute("aria-label", "Ouvrir le chat")
    await expect(buttons.and_(page.locator("[aria-pressed=true]"))).to_have_text("FR")

    await page.get_by_role("button", name="NL", exact=True).click()  # the language only
    await expect(w.locator(".launcher")).to_have_attribute("aria-label", "Chat openen")
    await expect(w.get_by_role("dialog")).to_be_hidden()
    await expect(buttons.and_(page.locator("[aria-pressed=true]"))).to_have_text("NL")
    await w.locator(".launcher").click()  # the launcher opens it
    await expect(w.get_by_role("dialog")).to_be_visible()
    await expect(w.locator(".msg-intro")).to_contain_text("Hallo")
    await page.get_by_role("button", name="EN", exact=True).click()
    await expect(w.get_by_role("dialog")).to_be_visible()
    await expect(w.locator(".msg-intro")).to_contain_text("Hi! I'm Ardi")

    await page.reload()
    await expect(buttons.and_(page.locator("[aria-pressed=true]"))).to_have_text("EN")
    await expect(w.get_by_role("dialog")).to_be_visible()  # it was open: it reopens
    await expect(w.get_by_label("Your message")).to_be_visible()
