"""One language per conversation: site, visitor's choice, what they write, the browser."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from chatdesk.app import VISITORS

FIXTURE = Path(__file__).parent / "fixtures" / "knowledge"
DUTCH = "Waar vind ik mijn facturen als PDF?"


@pytest.fixture
async def server(start_server: Any) -> Any:
    return await start_server(knowledge_dir=FIXTURE)


async def test_browser_language_is_followed_until_the_visitor_writes_another(
    server: Any, visitor_factory: Any
) -> None:
    v = await visitor_factory({"lang": "fr-BE", "lang_source": "browser"})
    assert v.session["lang"] == "fr" and v.session["bot"]["greeting"].startswith("Bonjour")
    await v.say(DUTCH)
    switched = await v.next("lang")
    assert switched["lang"] == "nl" and switched["bot"]["name"] == "Testbot"
    answer = await v.bot_reply()
    assert answer["lang"] == "nl" and answer["entry_id"] == "invoices"
    # Escalating now speaks Dutch too (system lines), and a reconnect keeps Dutch.
    assert (await v.call("escalate", {}))["ok"] is True
    await server.app[VISITORS].drain()
    opened = next(m for m in v.pending("message") if m.get("event") == "ticket_opened")
    assert opened["text"].startswith("Uw aanvraag")
    again = await visitor_factory({"token": v.token, "lang": "fr", "lang_source": "browser"})
    assert again.session["lang"] == "nl"


async def test_site_language_is_not_switched_by_what_the_visitor_writes(
    server: Any, visitor_factory: Any
) -> None:
    v = await visitor_factory({"lang": "fr", "lang_source": "site"})
    await v.say(DUTCH)
    await v.bot_reply()
    await server.app[VISITORS].drain()
    assert v.pending("lang") == []
    again = await visitor_factory({"token": v.token, "lang": "en", "lang_source": "browser"})
    assert again.session["lang"] == "fr"


async def test_the_visitor_choice_switches_every_tab_without_reconnecting(
    server: Any, visitor_factory: Any
) -> None:
    v = await visitor_factory({"lang": "en", "lang_source": "site"})
    other_tab = await visitor_factory({"token": v.token})
    ack = await v.call("lang", {"lang": "nl-BE"})
    assert ack["ok"] is True and ack["lang"] == "nl"
    assert ack["bot"]["greeting"] and ack["state"]["mode"] == "bot"
    assert (await other_tab.next("lang"))["lang"] == "nl"
    # The choice outranks the browser and what they write, not the page's own language.
    browser = await visitor_factory({"token": v.token, "lang": "fr", "lang_source": "browser"})
    assert browser.session["lang"] == "nl"
    await v.say("Where can I download my invoices as PDF?")
    assert (await v.bot_reply())["lang"] == "nl"
    again = await visitor_factory({"token": v.token, "lang": "en", "lang_source": "site"})
    assert again.session["lang"] == "en"
    refused = await v.call("lang", {"lang": "de"})
    assert refused["ok"] is False and refused["error"]["code"] == "invalid_payload"
