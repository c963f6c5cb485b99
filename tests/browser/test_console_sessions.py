"""Sign out my other sessions, in Chromium: the console left open on the other computer
goes to the sign-in page, whether it was in use or idle."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import expect

from chatdesk.app import OPERATORS_NS

from .conftest import NewContext
from .test_console_tickets import desk, login

__all__ = ["desk"]  # a fixture, used by name

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_the_other_computer_s_idle_console_goes_to_the_sign_in_page(
    desk: Any, new_context: NewContext, tmp_path: Path
) -> None:
    laptop = await (await new_context()).new_page()
    await login(laptop, desk.url, "ann@desk.test", "/console/queue")
    here = await (await new_context()).new_page()
    await login(here, desk.url, "ann@desk.test", "/console/account")
    await here.get_by_role("button", name="Sign out my other sessions").click()
    await expect(here.locator("p.ok[role=status]")).to_have_text("Your other sessions have ended.")
    # The laptop's console sends nothing: the sweep (once a minute) cuts it, and the page
    # goes to the sign-in form.
    assert await desk.app[OPERATORS_NS].cut_ended_sessions() == 1
    await expect(laptop).to_have_url(f"{desk.url}/console/login?next=%2Fconsole%2Fqueue")
    await here.goto(f"{desk.url}/console/queue")
    await expect(here.locator("#presence")).to_have_attribute("data-status", "online")
