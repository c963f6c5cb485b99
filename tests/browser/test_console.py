"""The operators' console in a real browser, with a visitor in a second browser context:
login, the queue updating live, claim, chat both ways, close and the visitor's rating."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import expect

from chatdesk.web.appkeys import SERVICES

from .conftest import REPO, NewContext, StartDesk, open_widget, widget

pytestmark = pytest.mark.asyncio(loop_scope="session")

PASSWORD = "correct horse battery"


async def login(console: Any, url: str, email: str) -> None:
    await console.goto(f"{url}/console/queue")
    await expect(console).to_have_url(f"{url}/console/login?next=/console/queue")
    await console.get_by_label("E-mail").fill(email)
    await console.get_by_label("Password").fill(PASSWORD)
    await console.get_by_role("button", name="Log in").click()
    await expect(console).to_have_url(f"{url}/console/queue")
    await expect(console.locator("#presence")).to_have_text("online")  # the socket said hello


async def test_operator_takes_over_chats_closes_and_the_visitor_rates(
    start_desk: StartDesk, new_context: NewContext, tmp_path: Path
) -> None:
    desk = await start_desk()
    services = desk.app[SERVICES]
    await services.operators.add(
        "sophie@desk.test",
        name="Sophie",
        role="admin",
        departments=services.config.departments,
        languages=("fr", "nl", "en"),
        password=PASSWORD,
    )
    console = await (await new_context()).new_page()
    await login(console, desk.url, "sophie@desk.test")
    await expect(console.locator("li.conv")).to_have_count(0)

    visitor = await (await new_context(locale="fr-BE")).new_page()
    await visitor.goto(f"{desk.url}/test/fr")
    w = widget(visitor)
    await open_widget(visitor)
    box = w.get_by_label("Votre message")
    await box.fill("Ma facture de novembre compte deux fois le même montant")
    await box.press("Enter")
    await expect(w.locator(".msg-bot")).not_to_have_count(0)
    await w.locator("header").get_by_role("button", name="Parler à une personne").click()
    await expect(w.locator(".strip")).to_contain_text("Vous êtes numéro 1 dans la file d'attente.")

    # The queue updates live in the console; open the conversation with the keyboard.
    row = console.locator("li.conv")
    await expect(row).to_have_count(1)
    await expect(row.locator(".subject")).to_have_text(
        "Ma facture de novembre compte deux fois le même montant"
    )
    await expect(console.locator('[data-count="queue"]')).to_have_text("1")
    await console.keyboard.press("j")
    await console.keyboard.press("Enter")
    await expect(console.locator("section.conversation")).to_be_visible()
    await expect(console.locator("#messages .author-bot")).not_to_have_count(0)  # bot part kept
    await console.keyboard.press("c")  # claim
    await expect(console.locator("#composer")).to_be_visible()
    await expect(w.locator(".status")).to_have_text("Vous discutez avec Sophie")
    await expect(console.locator('[data-count="mine"]')).to_have_text("1")

    # Operator to visitor, then visitor to operator (with typing both ways).
    reply = console.locator("#reply")
    await reply.fill("Bonjour, je regarde votre facture tout de suite.")
    await expect(w.locator(".typing")).to_have_text("Sophie écrit…")
    await reply.press("Enter")
    await expect(w.locator(".msg-operator .bubble")).to_have_text(
        "Bonjour, je regarde votre facture tout de suite."
    )
    # The widget is open on a visible page: the console says the visitor saw the reply.
    seen = console.locator("#messages .author-operator .seen")
    await expect(seen).to_have_count(1)
    await expect(seen).to_contain_text(re.compile(r"^Seen \d\d:\d\d$"))
    await box.fill("Merci, c'est la facture F-2026-1142")
    await expect(console.locator("#typing")).to_be_visible()
    await box.press("Enter")
    await expect(console.locator("#messages .author-visitor").last).to_contain_text("F-2026-1142")
    # Sophie has the conversation open: the visitor reads "Vu" under their message.
    await expect(w.locator(".msg-visitor .delivery").last).to_have_text("Vu")
    # Today's times on a 24-hour clock, in English too; the exact date as the title.
    stamp = console.locator("#messages .author-visitor time").last
    await expect(stamp).to_have_text(re.compile(r"^\d\d:\d\d$"))
    await expect(stamp).to_have_attribute("title", re.compile(r"\d{4} at \d\d:\d\d:\d\d"))

    # A private note: shown to operators, never to the visitor.
    await console.locator("#note").fill("Double prélèvement SEPA probable")
    await console.get_by_role("button", name="Add note").click()
    await expect(console.locator("#notes")).to_contain_text("Double prélèvement SEPA probable")

    if os.environ.get("CHATDESK_SCREENSHOTS"):
        await console.screenshot(path=str(REPO / "docs" / "screenshots" / "console.png"))
    else:
        await console.screenshot(path=str(tmp_path / "console.png"))

    console.once("dialog", lambda dialog: dialog.accept())
    await console.keyboard.press("Escape")
    await console.locator("body").click()
    await console.keyboard.press("x")  # close (confirmed above)
    rating = w.locator("form.card")
    await expect(rating.locator("legend")).to_have_text("Comment évaluez-vous cette conversation ?")
    await rating.get_by_title("5 étoiles").click()
    await rating.get_by_label("Commentaire").fill("Rapide et clair")
    await rating.get_by_role("button", name="Envoyer la note").click()
    await expect(w.get_by_text("Merci pour votre avis !")).to_be_visible()

    summaries = await services.inbox.summaries("all")
    ticket = summaries[0]["ticket"]
    assert (ticket["status"], ticket["rating"], ticket["rating_comment"]) == (
        "resolved",
        5,
        "Rapide et clair",
    )
    assert "SEPA" not in await visitor.content()
    await expect(console.locator('[data-count="mine"]')).to_have_text("0")


async def test_console_refuses_wrong_passwords_and_logs_out(
    start_desk: StartDesk, new_context: NewContext
) -> None:
    desk = await start_desk()
    services = desk.app[SERVICES]
    await services.operators.add(
        "marc@desk.test",
        name="Marc",
        role="operator",
        departments=("general",),
        languages=("en",),
        password=PASSWORD,
    )
    page = await (await new_context()).new_page()
    await page.goto(f"{desk.url}/console/login")
    await page.get_by_label("E-mail").fill("marc@desk.test")
    await page.get_by_label("Password").fill("not the password")
    await page.get_by_role("button", name="Log in").click()
    await expect(page.get_by_role("alert")).to_have_text("Wrong e-mail or password.")
    await login(page, desk.url, "marc@desk.test")
    await page.get_by_role("button", name="Log out").click()
    await expect(page).to_have_url(f"{desk.url}/console/login")
    await page.goto(f"{desk.url}/console/mine")
    await expect(page).to_have_url(f"{desk.url}/console/login?next=/console/mine")


async def test_an_operator_blocks_a_visitor_then_lifts_the_block(
    start_desk: StartDesk, new_context: NewContext
) -> None:
    desk = await start_desk()
    services = desk.app[SERVICES]
    await services.operators.add(
        "sophie@desk.test", name="Sophie", role="operator", departments=("general",),
        languages=("en",), password=PASSWORD,
    )  # fmt: skip
    console = await (await new_context()).new_page()
    await login(console, desk.url, "sophie@desk.test")
    visitor = await (await new_context()).new_page()
    await visitor.goto(f"{desk.url}/test/en")
    w = widget(visitor)
    await open_widget(visitor)
    box = w.get_by_label("Your message")
    await box.fill("You are all useless")
    await box.press("Enter")
    await expect(w.locator(".msg-bot")).not_to_have_count(0)
    await w.locator("header").get_by_role("button", name="Talk to a person").click()
    await expect(console.locator("li.conv")).to_have_count(1)
    await console.locator("li.conv a").first.click()
    await console.get_by_role("button", name="Claim").click()
    await expect(console.locator("#composer textarea")).to_be_enabled()

    await console.locator("details.block-visitor summary").click()
    await console.locator('select[name="days"]').select_option("1")
    console.once("dialog", lambda dialog: dialog.accept())
    await console.get_by_role("button", name="End and block").click()
    await expect(w.locator(".screen")).to_have_text("This chat is closed to you for now.")
    await expect(console.locator("#blocked-note")).to_be_visible()
    await expect(console.locator('[data-action="reopen"]')).to_be_hidden()
    line = console.locator("#messages .msg").last
    await expect(line).to_contain_text("This chat is closed to you until")

    await console.get_by_role("button", name="Lift the block").click()
    await expect(console.locator("#blocked-note")).to_be_hidden()
    await expect(console.locator('[data-action="reopen"]')).to_be_visible()
    await expect(console.locator("#messages .msg").last).to_contain_text("lifted the block")
    # The visitor's next page connects again.
    await visitor.reload()
    await expect(w.locator(".msg-intro")).to_be_visible()
    await expect(w.locator(".screen")).to_be_hidden()
