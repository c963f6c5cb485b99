"""The ticket page's answers from the help centre, in Chromium: the requester's question
finds its entry, *Insert the answer* and *Insert the link* put them in the reply box at
the caret, a search redraws the panel over the socket, and an answer that tries to run
script is shown and inserted as text."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
from playwright.async_api import Route, expect

from chatdesk.helpdesk import NewTicket
from chatdesk.models import EntryActivity
from chatdesk.web.appkeys import SERVICES

from ..clients import VisitorClient
from .conftest import REPO, Desk, NewContext, eventually
from .test_console_tickets import PASSWORD, login

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def add_quill(desk: Desk) -> None:
    """Add the operator of these tests to the shared desk, once."""
    services = desk.app[SERVICES]
    if not any(o.email == "quill@desk.test" for o in await services.operators.list()):
        await services.operators.add(
            "quill@desk.test", name="Quill", role="operator",
            departments=services.config.departments, languages=("fr", "en"), password=PASSWORD,
        )  # fmt: skip


async def chat(desk: Desk, lang: str, text: str) -> tuple[VisitorClient, str]:
    """A visitor of ``lang`` who said ``text`` on the desk, and their conversation."""
    visitor = VisitorClient(desk.url)
    desk.clients.append(visitor)
    await visitor.connect({"lang": lang})
    await visitor.say(text)
    return visitor, visitor.session["conversation_id"]


async def test_an_operator_quotes_the_help_centre_in_a_reply(
    desk: Desk, new_context: NewContext, tmp_path: Path
) -> None:
    await add_quill(desk)
    services = desk.app[SERVICES]
    ticket, _ = await services.helpdesk.filing.file(
        NewTicket(
            email="lea@client.be", name="Léa", lang="fr", subject="Facture",
            description="Bonjour, je cherche ma facture de novembre.",
        )
    )  # fmt: skip

    async def quotes() -> int:
        activity = await services.help.store.help.activity()
        return activity.get("invoices", EntryActivity()).quotes

    before = await quotes()
    page = await (await new_context(locale="en-GB")).new_page()
    await login(page, desk.url, "quill@desk.test", f"/console/t/{ticket.id}")
    panel = page.locator("#answers")
    first = panel.locator("#answers-list li").first
    await expect(first.locator("a")).to_have_text("Où trouver mes factures ?")
    box = page.locator("#treply-text")
    await box.fill("Bonjour Léa,\nMerci.")
    # The caret after "Bonjour Léa,": the answer goes there, a blank line each side.
    await box.evaluate("b => b.setSelectionRange(12, 12)")
    await first.get_by_role("button", name="Insert the answer").click()
    answer = (
        "Vos factures sont dans votre espace client, rubrique Factures : "
        "https://my.ardenne.cloud/invoices."
    )
    await expect(box).to_have_value(f"Bonjour Léa,\n\n{answer}\n\nMerci.")
    await first.get_by_role("button", name="Insert the link").click()
    link = f"Où trouver mes factures ? ({desk.url}/help/fr/invoices)"
    await expect(box).to_have_value(f"Bonjour Léa,\n\n{answer}\n\n{link}\n\nMerci.")

    async def quoted_twice() -> bool:
        return await quotes() == before + 2

    await eventually(quoted_twice)  # the help centre's report counts both
    await first.locator("summary").click()
    shots = REPO / "docs" / "screenshots" if os.environ.get("CHATDESK_SCREENSHOTS") else tmp_path
    await page.screenshot(path=str(shots / "console-ticket-answers.png"))

    # A search over the socket: an answer written to run script stays text.
    await panel.locator("#answers-q").fill("paiement refusé")
    await panel.locator("#answers-q").press("Enter")
    await expect(panel.locator("#answers-for")).to_have_text("For your search:")
    found = panel.locator("#answers-list li").first
    await expect(found.locator("a")).to_have_text("Mon paiement a échoué")
    await box.fill("")
    await found.get_by_role("button", name="Insert the answer").click()
    await expect(box).to_have_value(
        "Vérifiez le plafond de votre carte puis réessayez depuis l'espace client. "
        "<img src=x onerror=alert(2)>"
    )
    await found.locator("summary").click()
    await expect(found.locator(".text")).to_contain_text("<img src=x onerror=alert(2)>")
    assert await page.locator("#answers img").count() == 0


async def test_without_a_script_the_panel_searches_by_reloading(
    desk: Desk, new_context: NewContext
) -> None:
    await add_quill(desk)
    services = desk.app[SERVICES]
    ticket, _ = await services.helpdesk.filing.file(
        NewTicket(email="jan@client.be", lang="nl", subject="Vraag", description="Hallo")
    )
    context = await new_context(java_script_enabled=False)
    page = await context.new_page()
    await page.goto(f"{desk.url}/console/t/{ticket.id}")
    await page.locator("input[name=email]").fill("quill@desk.test")
    await page.locator("input[name=password]").fill(PASSWORD)
    await page.locator("form button[type=submit]").click()
    await page.locator("#answers-q").fill("factuur kwijt")
    await page.locator("#answers-q").press("Enter")
    await expect(page.locator("#answers-q")).to_have_value("factuur kwijt")
    first = page.locator("#answers-list li a").first
    await expect(first).to_have_text("Waar vind ik mijn facturen?")
    # Without a script there is nothing to insert with: the buttons stay hidden.
    await expect(page.locator("#answers .actions").first).to_be_hidden()


async def test_a_chat_s_answers_follow_what_the_visitor_asks(
    desk: Desk, new_context: NewContext
) -> None:
    await add_quill(desk)
    visitor, conversation = await chat(desk, "fr", "je cherche ma facture")
    page = await (await new_context(locale="en-GB")).new_page()
    await login(page, desk.url, "quill@desk.test", f"/console/c/{conversation}")
    panel = page.locator("#answers")
    await expect(panel.locator("#answers-for")).to_have_text("For what the visitor asks:")
    await expect(panel.locator("#answers-list li a").first).to_have_text(
        "Où trouver mes factures ?"
    )
    # The visitor asks something else: the panel follows their last three messages (once
    # the page watches the chat; said before, they come with its history, and the panel
    # follows them too).
    await expect(page.locator("section[data-live='1']")).to_have_count(1)
    await visitor.say("la carte a été refusée lors du paiement")
    await visitor.say("paiement refusé")
    await expect(panel.locator("#answers-list li a").first).to_have_text("Mon paiement a échoué")
    # ... unless the operator is searching for themselves.
    await panel.locator("#answers-q").fill("moyens de paiement")
    await panel.locator("#answers-q").press("Enter")
    await expect(panel.locator("#answers-for")).to_have_text("For your search:")
    await visitor.say("je cherche ma facture")
    # The visitor's fourth message is on the page (the bot's replies vary in number), and
    # what the bot said after it: the panel had that long to follow, and did not.
    await expect(page.locator("#messages li.author-visitor")).to_have_count(4)
    await expect(page.locator("#messages li").last).not_to_have_class("msg author-visitor")
    await expect(panel.locator("#answers-for")).to_have_text("For your search:")
    await expect(panel.locator("#answers-list li a").first).to_have_text(
        "Quels moyens de paiement acceptez-vous ?"
    )


async def test_the_answers_follow_what_was_said_while_the_page_loaded(
    desk: Desk, new_context: NewContext
) -> None:
    await add_quill(desk)
    visitor, conversation = await chat(desk, "fr", "je cherche ma facture")
    page = await (await new_context(locale="en-GB")).new_page()
    await login(page, desk.url, "quill@desk.test", "/console")
    # The page's script (and so its socket) held back: the visitor speaks meanwhile.
    held: list[Route] = []
    arrived = asyncio.Event()

    async def hold(route: Route) -> None:
        held.append(route)
        arrived.set()

    await page.route("**/console/assets/console.js", hold)
    await page.goto(f"{desk.url}/console/c/{conversation}", wait_until="commit")
    await arrived.wait()
    await visitor.say("la carte a été refusée lors du paiement")
    await visitor.say("paiement refusé")
    await held[0].continue_()
    # The page was drawn before: its answers are for the first question; its history
    # brings the two others, and the panel follows them.
    await expect(page.locator("section[data-live='1']")).to_have_count(1)
    panel = page.locator("#answers")
    await expect(panel.locator("#answers-list li a").first).to_have_text("Mon paiement a échoué")
