"""A forgotten password in Chromium: the sign-in page's link, the address, the real mail
(over SMTP to an aiosmtpd sink), its link, the new password, and signing in with it.
Screenshot of the new password's page at 1280x800 and 390 px (with CHATDESK_SCREENSHOTS=1
in docs/screenshots)."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from playwright.async_api import expect

from chatdesk.services import Services
from chatdesk.web.appkeys import SERVICES

from ..mail.conftest import Sink
from .conftest import Desk, NewContext
from .test_console_admin import shots
from .test_mail_links import mailing_desk

__all__ = ["mailing_desk"]  # the fixture: a desk that mails through a real SMTP sink

pytestmark = pytest.mark.asyncio(loop_scope="session")

NEW = "une phrase assez longue"


async def test_an_operator_resets_a_forgotten_password(
    mailing_desk: tuple[Desk, Sink], new_context: NewContext, tmp_path: Path
) -> None:
    desk, sink = mailing_desk
    services: Services = desk.app[SERVICES]
    await services.operators.add(
        "lea@desk.test", name="Léa", role="operator", departments=("general",),
        languages=("fr",), password="correct horse battery",
    )  # fmt: skip
    page = await (await new_context(locale="fr-BE")).new_page()
    await page.goto(desk.url + "/console/login")
    await page.get_by_role("link", name="Mot de passe oublié\u00a0?").click()
    await page.get_by_label("E-mail").fill("lea@desk.test")
    await page.get_by_role("button", name="M'envoyer un lien").click()
    await expect(page.get_by_role("status")).to_contain_text("Si lea@desk.test a un compte ici")

    await services.mail.outbox.run()  # the app's own job may have sent it already
    mail = await sink.next()
    assert str(mail["Subject"]).endswith("choisir un nouveau mot de passe")
    part = mail.get_body(preferencelist=("html",))
    assert part is not None
    (link,) = {  # the button, and the address written out for mail programs without one
        html.unescape(h)
        for h in re.findall(r'href="([^"]+)"', str(part.get_content()))  # type: ignore[attr-defined]
        if "/console/password/reset/" in h
    }
    await page.goto(link)
    await page.get_by_label("Nouveau mot de passe", exact=True).fill(NEW)
    await page.get_by_label("Nouveau mot de passe, à nouveau").fill(NEW)
    folder = shots(tmp_path)
    await page.screenshot(path=str(folder / "console-password-reset.png"))
    await page.set_viewport_size({"width": 390, "height": 800})
    await page.screenshot(path=str(tmp_path / "console-password-reset-390.png"))
    await page.set_viewport_size({"width": 1280, "height": 800})
    await page.get_by_role("button", name="Enregistrer le mot de passe").click()
    await expect(page.get_by_role("status")).to_contain_text("nouveau mot de passe est enregistré")

    await page.get_by_label("E-mail").fill("lea@desk.test")
    await page.get_by_label("Mot de passe", exact=True).fill(NEW)
    await page.get_by_role("button", name="Se connecter").click()
    await expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
