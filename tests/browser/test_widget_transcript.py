""" "Email me this conversation" in Chromium: the options menu offers it where the desk sends
e-mail, the address goes, the visitor is told where, and the mail (over SMTP to an
aiosmtpd sink) holds what was said; the console's "Email this conversation" sends one to
any address, named (docs/screenshots/console-transcript.png). Screenshot at 390 px in French (with
CHATDESK_SCREENSHOTS=1 it replaces docs/screenshots/widget-transcript.png).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from playwright.async_api import expect

from chatdesk.escalation import Contact
from chatdesk.services import Services
from chatdesk.web.appkeys import SERVICES

from ..mail.conftest import Sink
from ..mail.test_outbox import parts
from .conftest import (
    KNOWLEDGE,
    REPO,
    Desk,
    NewContext,
    start_mailing_desk,
    stop_mailing_desk,
    widget,
)
from .test_console import PASSWORD, login

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest_asyncio.fixture(loop_scope="session")
async def mailing(browser_ready: None, tmp_path: Path) -> AsyncIterator[tuple[Desk, Sink]]:
    """A desk with the test knowledge that mails through a real SMTP sink."""
    desk, sink = await start_mailing_desk(tmp_path, knowledge=KNOWLEDGE)
    yield desk, sink
    await stop_mailing_desk(desk, sink)


async def test_a_visitor_has_the_conversation_mailed(
    mailing: tuple[Desk, Sink], new_context: NewContext, tmp_path: Path
) -> None:
    desk, sink = mailing
    services: Services = desk.app[SERVICES]
    phone = await new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
        has_touch=True, reduced_motion="reduce", locale="fr-BE",
    )  # fmt: skip
    page = await phone.new_page()
    await page.goto(desk.url + "/")  # the demo site, made for phones too
    w = widget(page)
    await w.locator(".launcher").click()
    box = w.get_by_label("Votre message")
    await box.fill("Quels moyens de paiement acceptez-vous ?")
    await box.press("Enter")
    await expect(w.locator(".msg-bot").filter(has_text="Bancontact")).to_be_visible()

    await w.get_by_role("button", name="Options").click()
    await w.get_by_role("button", name="M'envoyer cette conversation par e-mail").click()
    sheet = w.locator(".screen")
    await expect(sheet.get_by_role("heading")).to_have_text("La conversation par e-mail")
    email = sheet.get_by_role("textbox", name="E-mail")
    await expect(email).to_be_focused()
    await email.fill("lea@")
    await sheet.get_by_role("button", name="Envoyer").click()
    await expect(sheet.get_by_role("alert")).to_have_text(
        "Veuillez saisir une adresse e-mail valide."
    )
    await email.fill("lea@example.be")
    await expect(sheet.locator(".form-error")).to_have_text("")  # the mistake is corrected
    await expect(email).not_to_have_attribute("aria-invalid", "true")
    shots = REPO / "docs" / "screenshots" if os.environ.get("CHATDESK_SCREENSHOTS") else tmp_path
    await page.screenshot(path=str(shots / "widget-transcript.png"))
    await sheet.get_by_role("button", name="Envoyer").click()
    await expect(sheet.get_by_role("status")).to_contain_text("Envoyée à lea@example.be.")
    await page.screenshot(path=str(tmp_path / "sent.png"))

    await services.mail.outbox.run()  # the app's own job may have sent it already
    sent = await sink.next()
    assert sent["To"] == "lea@example.be"
    assert sent["Subject"] == "Votre conversation avec Ardenne Cloud"
    text, _ = parts(sent)
    assert "Vous · " in text and "Quels moyens de paiement acceptez-vous ?" in text
    assert "Ardi · " in text and "Bancontact" in text  # the bot's own name

    await sheet.get_by_role("button", name="Retour à la conversation").click()
    await expect(sheet).to_be_hidden()
    await expect(box).to_be_focused()


async def test_a_desk_without_mail_does_not_offer_it(desk: Desk, context: Any) -> None:
    page = await context.new_page()
    await page.goto(f"{desk.url}/test/en")
    w = widget(page)
    await w.locator(".launcher").click()
    await w.locator(".msg-intro").wait_for()
    await w.get_by_role("button", name="Options").click()
    await expect(w.get_by_role("button", name="Forget me")).to_be_visible()
    await expect(w.get_by_role("button", name="Email me this conversation")).to_be_hidden()


async def test_an_operator_mails_a_conversation_from_the_console(
    mailing: tuple[Desk, Sink], new_context: NewContext, tmp_path: Path
) -> None:
    desk, sink = mailing
    services: Services = desk.app[SERVICES]
    session = await services.conversations.visitor_connected(token=None, lang="en", page="/")
    cid = session.conversation.id
    await services.conversations.visitor_said(cid, client_id="c1", text="My invoice is wrong")
    await services.escalation.visitor_asked(cid)
    contact = Contact(email="lea@example.be", name="Léa Dubois")
    await services.escalation.visitor_contact(cid, contact)
    await services.operators.add(
        "sophie@desk.test", name="Sophie", role="operator", departments=("general",),
        languages=("en",), password=PASSWORD,
    )  # fmt: skip
    await services.mail.outbox.run()
    sink.take()  # the acknowledgement of the chat's ticket
    wide = await new_context(viewport={"width": 1280, "height": 800})
    console = await wide.new_page()
    await login(console, desk.url, "sophie@desk.test")
    await console.goto(f"{desk.url}/console/c/{cid}")
    # Not hers (nobody claimed it) and still hers to send: any operator may.
    await console.get_by_text("Email this conversation").click()
    to = console.get_by_role("textbox", name="To", exact=True)
    await expect(to).to_have_value("lea@example.be")  # the requester's, filled in
    await to.fill("dev@partner.example")
    await console.get_by_role("button", name="Send", exact=True).last.click()
    await expect(console.locator(".toast")).to_have_text("Sent to dev@partner.example.")
    shots = REPO / "docs" / "screenshots" if os.environ.get("CHATDESK_SCREENSHOTS") else tmp_path
    await console.screenshot(path=str(shots / "console-transcript.png"))

    await services.mail.outbox.run()
    sent = await sink.next()
    assert sent["To"] == "dev@partner.example"
    text, _ = parts(sent)
    assert "Sophie at Ardenne Cloud sends you this chat conversation." in text
    assert "Léa Dubois · " in text and "My invoice is wrong" in text
