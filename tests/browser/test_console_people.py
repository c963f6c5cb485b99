"""The console's pages about people, in a real browser: an admin adds an operator, who
logs in with the first password and changes it on their account page, then creates an API
token. Screenshots at 1280x800 (with CHATDESK_SCREENSHOTS=1 they replace
docs/screenshots/console-operators.png and console-account.png)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import expect

from .conftest import NewContext
from .test_console_admin import PASSWORD, desk, shots

__all__ = ["desk"]  # the fixture, shared with the admin pages' browser tests

pytestmark = pytest.mark.asyncio(loop_scope="session")


IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15"
    " (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)


async def _login(new_context: NewContext, url: str, email: str, password: str) -> Any:
    page = await (await new_context()).new_page()
    await page.goto(url)
    await page.locator("input[name=email]").fill(email)
    await page.locator("input[name=password]").fill(password)
    await page.locator("form button[type=submit]").click()
    return page


async def test_an_admin_adds_an_operator_who_changes_the_password(
    desk: Any, new_context: NewContext, tmp_path: Path
) -> None:
    ann = await _login(new_context, desk.url + "/console/operators", "ann@desk.test", PASSWORD)
    await expect(ann.get_by_role("heading", name="Operators", exact=True)).to_be_visible()
    add = ann.locator("form:has(input[name=action][value=add])")
    await add.get_by_label("E-mail").fill("zoe@desk.test")
    await add.get_by_label("Name").fill("Zoé Martin")
    await add.get_by_label("Nederlands").check()
    await add.get_by_label("First password").fill("a first passphrase")
    await add.get_by_role("button", name="Add").click()
    await expect(ann.get_by_role("status")).to_have_text("The operator was added.")
    row = ann.locator("tr[data-email='zoe@desk.test']")
    await expect(row).to_contain_text("Zoé Martin")
    await expect(row).to_contain_text("operator")
    await ann.get_by_text("Change Zoé Martin").click()
    await ann.screenshot(path=str(shots(tmp_path) / "console-operators.png"), full_page=True)

    # Zoé logs in with it, and changes it from her name in the bar.
    zoe = await _login(new_context, desk.url + "/console/login", "zoe@desk.test",
                       "a first passphrase")  # fmt: skip
    await zoe.get_by_role("link", name="Zoé Martin").click()
    await expect(zoe.get_by_role("heading", name="Your account")).to_be_visible()
    await zoe.get_by_label("Current password").fill("a first passphrase")
    await zoe.get_by_label("New password", exact=True).fill("my own passphrase")
    await zoe.get_by_label("New password again").fill("my own passphrase")
    await zoe.get_by_role("button", name="Change the password").click()
    await expect(zoe.get_by_role("status")).to_contain_text("Your password has been changed")
    # Still signed in here; a token for her CRM.
    await zoe.locator("form:has(input[value=token_create])").get_by_label("Name").fill("CRM")
    await zoe.get_by_role("button", name="Create a token").click()
    await expect(zoe.locator(".token-secret code")).to_contain_text("cdk_")
    await expect(zoe.get_by_role("button", name="Revoke")).to_be_visible()
    # She signs in on her phone too: her account page lists both; she signs the phone out.
    phone = await (await new_context(user_agent=IPHONE)).new_page()
    await phone.goto(desk.url + "/console/login")
    await phone.locator("input[name=email]").fill("zoe@desk.test")
    await phone.locator("input[name=password]").fill("my own passphrase")
    await phone.locator("form button[type=submit]").click()
    await expect(phone.locator("nav")).to_contain_text("Queue")
    await zoe.goto(desk.url + "/console/account")
    sessions = zoe.locator(".session-list tbody tr")
    await expect(sessions).to_have_count(2)
    await expect(sessions.first).to_contain_text("(this browser)")
    await expect(sessions.nth(1)).to_contain_text("Safari on iOS")
    await zoe.set_viewport_size({"width": 1280, "height": 800})
    await zoe.screenshot(path=str(shots(tmp_path) / "console-account.png"), full_page=True)
    await sessions.nth(1).get_by_role("button", name="Sign out").click()
    await expect(zoe.get_by_role("status")).to_contain_text("That session has ended")
    await expect(sessions).to_have_count(1)
    await phone.reload()
    await expect(phone.locator("input[name=password]")).to_be_visible()  # signed out
    # The first password no longer works.
    again = await _login(new_context, desk.url + "/console/login", "zoe@desk.test",
                         "a first passphrase")  # fmt: skip
    await expect(again.get_by_role("alert")).to_be_visible()
