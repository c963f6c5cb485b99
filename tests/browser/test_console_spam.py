"""Spam in Chromium: a ticket marked from its page in two steps (its sender blocked, the
page then says so), and a spam wave marked from the list with the bulk button."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.async_api import expect

from chatdesk.web.appkeys import SERVICES

from .conftest import NewContext
from .test_console_tickets import desk, file, login

__all__ = ["desk"]  # a fixture, used by name

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_marking_spam_from_a_ticket_and_from_the_list(
    desk: Any, new_context: NewContext
) -> None:
    one = await file(desk, "Gagnez un iPhone", email="promo@spam.example")
    wave = [await file(desk, f"Offre {n}", email=f"deal{n}@spam.example") for n in (1, 2)]
    ann = await (await new_context()).new_page()
    await login(ann, desk.url, "ann@desk.test", f"/console/t/{one.id}")
    button = ann.get_by_role("button", name="Mark as spam", exact=True)
    await expect(button).to_be_hidden()  # behind its summary: two steps
    await ann.locator(".spam-step summary").click()
    await expect(ann.get_by_label("Also block promo@spam.example")).to_be_checked()
    await button.click()
    await expect(ann.locator("#t-status")).to_have_text("closed")
    await expect(ann.locator("#t-blocked")).to_have_text("Blocked sender")
    await expect(ann.locator("#t-tags")).to_have_text("spam")

    await ann.goto(f"{desk.url}/console/tickets?view=all&sort=created")
    for ticket in wave:
        await ann.locator(f'li.trow[data-id="{ticket.id}"] input.pick').check()
    ann.once("dialog", lambda dialog: dialog.accept())
    await ann.locator("#bulk").get_by_role("button", name="Mark as spam").click()
    await expect(ann.locator("#toast")).to_have_text("2 changed, 0 refused.")
    for ticket in wave:
        row = ann.locator(f'li.trow[data-id="{ticket.id}"] .badge.status')
        await expect(row).to_have_text("closed")
    entries = await desk.app[SERVICES].helpdesk.blocks.entries()
    assert [e.pattern for e in entries] == [
        "deal1@spam.example", "deal2@spam.example", "promo@spam.example"
    ]  # fmt: skip
