"""Two-step sign-in in a real browser, on a desk with a test clock: Ann sets it up from the
key under the QR code, sees her recovery codes, then signs in again with password and the
app's code."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pyotp
import pytest
from playwright.async_api import expect

from .conftest import NewContext
from .test_console_tickets import PASSWORD, desk, login, shots

__all__ = ["desk"]

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_an_operator_sets_up_and_uses_two_step_sign_in(
    desk: Any, new_context: NewContext, tmp_path: Path
) -> None:
    page = await (await new_context()).new_page()
    await login(page, desk.url, "ann@desk.test", "/console/account")
    await page.get_by_role("link", name="Set up two-step sign-in").click()
    await expect(page.locator("figure.qr svg")).to_be_visible()
    await page.screenshot(path=str(shots(tmp_path) / "console-twofa-setup.png"))
    app = pyotp.TOTP((await page.locator(".totp-key").inner_text()).replace(" ", ""))
    await page.get_by_label("2. The 6-digit code the app now shows").fill(app.at(desk.clock.now))
    await page.get_by_role("button", name="Turn on", exact=True).click()
    await expect(page.locator(".recovery-codes li")).to_have_count(10)
    await page.get_by_role("link", name="I have kept them").click()
    await expect(page.locator("#twofa + p")).to_contain_text("Recovery codes left: 10.")

    # Another browser: the password, then the code page, then the console.
    other = await (await new_context()).new_page()
    await other.goto(desk.url + "/console/tickets")
    await other.locator("input[name=email]").fill("ann@desk.test")
    await other.locator("input[name=password]").fill(PASSWORD)
    await other.locator("form button[type=submit]").click()
    await expect(other).to_have_url(re.compile(r"/console/login/code\?next=/console/tickets$"))
    code = other.get_by_label("Code", exact=True)
    await code.fill("000000" if app.at(desk.clock.now) != "000000" else "111111")
    await other.get_by_role("button", name="Verify").click()
    await expect(other.get_by_role("alert")).to_have_text("That code is wrong or was used already.")
    # The desk's clock is the test's: the code of its next time step.
    await code.fill(app.at(desk.clock.now + timedelta(seconds=30)))
    await other.get_by_role("button", name="Verify").click()
    await expect(other).to_have_url(re.compile(r"/console/tickets$"))
    await expect(other.locator("#presence")).to_have_attribute("data-status", "online")
