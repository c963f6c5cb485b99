"""The console's rough edges (issue 8.7, 8.8, 8.11): a closed conversation is not a dead end,
what cannot be used is disabled, the Claim key is readable, transfers say when nobody is
available, previews are plain text, "Did you mean" shows its options, ratings and subjects
arrive live."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.async_api import expect

from chatdesk.models import Author, MessageDraft
from chatdesk.web.appkeys import SERVICES

from ..clients import VisitorClient
from .conftest import Desk, NewContext, StartDesk, publish

pytestmark = pytest.mark.asyncio(loop_scope="session")

PASSWORD = "correct horse battery"


async def console_of(desk: Desk, new_context: NewContext, name: str, **options: Any) -> Any:
    """Log `name` (a new operator of every department) into the console in a browser."""
    services = desk.app[SERVICES]
    email = f"{name.lower()}@console.test"
    await services.operators.add(
        email,
        name=name,
        role="admin",
        departments=services.config.departments,
        languages=("fr", "nl", "en"),
        password=PASSWORD,
    )
    page = await (await new_context(**options)).new_page()
    await page.goto(f"{desk.url}/console/login")
    await page.locator("input[name=email]").fill(email)
    await page.locator("input[name=password]").fill(PASSWORD)
    await page.locator("form button[type=submit]").click()
    await expect(page.locator("#presence")).to_have_attribute("data-status", "online")
    return page


async def visitor_asking(desk: Desk, text: str) -> tuple[VisitorClient, str]:
    """A visitor who wrote `text` and asked for a person; their conversation's id."""
    visitor = VisitorClient(desk.url)
    desk.clients.append(visitor)
    await visitor.connect({"lang": "en"})
    await visitor.say(text)
    # The bot answers every message; wait for it so that its reply cannot land after
    # what a test publishes next (it would then be the conversation's last bot message).
    await visitor.bot_reply()
    escalated = await visitor.call("escalate", {})
    assert escalated["ok"], escalated
    return visitor, str(visitor.session["conversation_id"])


def _luminance(rgb: list[float]) -> float:
    channels = [c / 255 for c in rgb]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


async def _contrast(locator: Any) -> float:
    colors = await locator.evaluate(
        """el => {
            const rgb = (c) => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
            let bg = el, color = getComputedStyle(el).backgroundColor;
            while (color === 'rgba(0, 0, 0, 0)' || color === 'transparent') {
                bg = bg.parentElement; color = getComputedStyle(bg).backgroundColor;
            }
            return [rgb(getComputedStyle(el).color), rgb(color)];
        }"""
    )
    lighter, darker = sorted(map(_luminance, colors), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


async def test_what_cannot_be_used_is_disabled_and_says_why(
    start_desk: StartDesk, new_context: NewContext
) -> None:
    desk = await start_desk()
    console = await console_of(desk, new_context, "Sophie")
    sophie = await desk.operator("Marc")  # a second console, to close it from
    _, conversation_id = await visitor_asking(desk, "My **site** is down")
    await console.goto(f"{desk.url}/console/c/{conversation_id}")
    claim = console.locator('[data-action="claim"]')
    await expect(claim).to_be_enabled()
    # The key hint in the Claim button is readable on its colour.
    assert await _contrast(claim.locator("kbd")) >= 4.5
    reason = console.locator("#composer-reason")
    await expect(reason).to_have_text("Claim this conversation to reply.")
    await expect(console.locator("#reply")).to_be_disabled()
    await expect(console.locator('[data-action="close"]')).to_be_disabled()
    await expect(console.locator('[data-action="reopen"]')).to_be_hidden()

    # Another operator takes it, then closes it: this console follows, live.
    assert (await sophie.call("claim", {"conversation_id": conversation_id}))["ok"]
    await expect(reason).to_have_text("Marc is handling this conversation.")
    await expect(claim).to_be_disabled()
    assert (await sophie.call("close", {"conversation_id": conversation_id}))["ok"]
    await expect(reason).to_have_text(
        "This conversation is closed. Reopen it to write to the visitor."
    )
    await expect(console.locator("#reply")).to_be_disabled()
    await expect(console.locator('#composer button[type="submit"]')).to_be_disabled()
    await expect(console.locator('[data-action="reopen"]')).to_be_visible()
    await expect(console.locator('[data-action="handback"]')).to_be_disabled()
    await expect(console.locator(".transfer select[name=department]")).to_be_disabled()


async def test_a_closed_conversation_can_be_reopened(
    start_desk: StartDesk, new_context: NewContext
) -> None:
    desk = await start_desk()
    console = await console_of(desk, new_context, "Sophie")
    marc = await desk.operator("Marc")
    _, conversation_id = await visitor_asking(desk, "My site is down")
    assert (await marc.call("claim", {"conversation_id": conversation_id}))["ok"]
    assert (await marc.call("close", {"conversation_id": conversation_id}))["ok"]
    await console.goto(f"{desk.url}/console/c/{conversation_id}")
    await console.locator('[data-action="reopen"]').click()
    await expect(console.locator("#reply")).to_be_enabled()
    await expect(console.locator("#composer-reason")).to_be_hidden()
    await expect(console.locator('[data-action="close"]')).to_be_enabled()
    await console.locator("#reply").fill("Back on it.")
    await console.locator("#reply").press("Enter")
    await expect(console.locator("#messages .author-operator")).to_contain_text("Back on it.")


async def test_transfer_says_when_nobody_is_available(
    start_desk: StartDesk, new_context: NewContext
) -> None:
    desk = await start_desk()
    console = await console_of(desk, new_context, "Sophie")
    _, conversation_id = await visitor_asking(desk, "Help with my invoice")
    await console.goto(f"{desk.url}/console/c/{conversation_id}")
    await console.locator('[data-action="claim"]').click()
    await expect(console.locator("#reply")).to_be_enabled()
    await console.get_by_text("Transfer…").click()
    select = console.locator('select[name="operator"]')
    await expect(select.locator("option")).to_have_text(["nobody available"])
    await expect(select).to_be_disabled()
    await expect(console.locator('[data-action="transfer-operator"]')).to_be_disabled()
    await expect(console.locator('[data-action="transfer-department"]')).to_be_enabled()


async def test_previews_are_plain_and_did_you_mean_shows_its_options(
    start_desk: StartDesk, new_context: NewContext
) -> None:
    desk = await start_desk()
    console = await console_of(desk, new_context, "Sophie")
    _, conversation_id = await visitor_asking(desk, "facture")
    suggestions = [
        {"entry_id": "invoices", "title": "Where are my invoices?", "confidence": 0.4},
        {"entry_id": "payment-methods", "title": "Which payment methods?", "confidence": 0.3},
    ]
    extra = {"kind": "suggest", "suggestions": suggestions, "html": "<p>Did you mean:</p>"}
    await publish(
        desk,
        conversation_id,
        MessageDraft(author=Author.BOT, text="**Did you mean:**", extra=extra),
    )
    await console.goto(f"{desk.url}/console/all")
    last = console.locator("li.conv .last")
    await expect(last).to_contain_text("Did you mean:")
    await expect(last).not_to_contain_text("**")
    await console.goto(f"{desk.url}/console/c/{conversation_id}")
    shown = console.locator("#messages .author-bot").last.locator(".suggestions li")
    await expect(shown).to_have_text(["Where are my invoices?", "Which payment methods?"])


async def test_a_rating_shows_live_in_the_ticket(
    start_desk: StartDesk, new_context: NewContext
) -> None:
    desk = await start_desk()
    console = await console_of(desk, new_context, "Sophie")
    visitor, conversation_id = await visitor_asking(desk, "Thanks for the help")
    await console.goto(f"{desk.url}/console/c/{conversation_id}")
    await console.locator('[data-action="claim"]').click()
    await expect(console.locator("#reply")).to_be_enabled()
    console.once("dialog", lambda dialog: dialog.accept())
    await console.locator('[data-action="close"]').click()
    await expect(console.locator('[data-action="reopen"]')).to_be_visible()
    rated = await visitor.call("rate", {"score": 4, "comment": "Quick"})
    assert rated["ok"], rated
    await expect(console.locator("#ticket-details .rating")).to_have_text("4/5 Quick")


async def test_the_ticket_subject_is_editable(
    start_desk: StartDesk, new_context: NewContext
) -> None:
    desk = await start_desk()
    console = await console_of(desk, new_context, "Sophie")
    _, conversation_id = await visitor_asking(desk, "bonjour")
    await console.goto(f"{desk.url}/console/c/{conversation_id}")
    subject = console.get_by_label("Subject")
    await expect(subject).to_have_value("bonjour")
    await subject.fill("Website down since this morning")
    await console.get_by_role("button", name="Save").click()
    await expect(console.locator("#toast")).to_have_text("Saved.")
    ticket = await desk.app[SERVICES]._store.tickets.current_ticket(conversation_id)
    assert ticket is not None and ticket.subject == "Website down since this morning"


async def test_the_console_in_the_operators_language(
    start_desk: StartDesk, new_context: NewContext
) -> None:
    desk = await start_desk()
    console = await console_of(desk, new_context, "Sophie", locale="nl-BE")
    await expect(console.get_by_role("link", name="Wachtrij")).to_be_visible()
    await expect(console.locator("#presence")).to_have_text("online")
    _, conversation_id = await visitor_asking(desk, "My site is down")
    await console.goto(f"{desk.url}/console/c/{conversation_id}")
    await expect(console.locator("#composer-reason")).to_have_text(
        "Neem dit gesprek over om te antwoorden."
    )
    # The operator's choice, from the menu: the pages and console.js's own texts follow.
    await console.get_by_label("Taal").select_option("fr")
    await expect(console.locator("html")).to_have_attribute("lang", "fr")
    await expect(console).to_have_url(f"{desk.url}/console/c/{conversation_id}")
    await expect(console.locator('[data-action="claim"]')).to_contain_text("Prendre")
    await console.locator("#presence").click()  # console.js writes the new presence
    await expect(console.locator("#presence")).to_have_text("absent")
    await console.goto(f"{desk.url}/console/all")
    await expect(console.locator("li.conv .badge.mode")).to_have_text("en file")
