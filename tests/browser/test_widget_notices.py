"""Service notices in the widget: a notice the visitor dismissed stays dismissed after a
reload (kept with the conversation), and a new one still shows."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from chatdesk.web.appkeys import SERVICES

from .conftest import NewContext, StartDesk, open_widget, widget

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_a_dismissed_notice_stays_dismissed_after_a_reload(
    start_desk: StartDesk, new_context: NewContext
) -> None:
    desk = await start_desk()
    notices = desk.app[SERVICES].helpdesk.notices
    await notices.publish(None, title="Maintenance ce soir", body="De 22 h à 23 h.")
    page = await (await new_context()).new_page()
    await page.goto(f"{desk.url}/test/en")
    w = widget(page)
    await open_widget(page)
    shown = w.locator(".service-notice")
    await expect(shown).to_have_count(1)
    await w.get_by_role("button", name="Dismiss the notice Maintenance ce soir").click()
    await expect(shown).to_have_count(0)
    await page.reload()
    await w.locator(".msg-intro").wait_for()  # the panel reopens after a navigation
    await expect(w.locator(".notices")).to_be_hidden()
    # A new notice shows; the dismissed one stays away.
    await notices.publish(None, title="Panne réseau", body="Nous cherchons.", severity="outage")
    await page.reload()
    await w.locator(".msg-intro").wait_for()
    await expect(shown).to_have_count(1)
    await expect(shown).to_have_attribute("aria-label", "Panne réseau")
