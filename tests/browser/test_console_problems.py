"""Problem tickets in Chromium: an outage's tickets ticked in a list and linked to its
ticket, then one reply from the problem's page to all of them (a note never goes)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import expect

from chatdesk.models import AuthorKind, Status
from chatdesk.web.appkeys import SERVICES

from .conftest import NewContext
from .test_console_tickets import desk, file, login, shots

__all__ = ["desk"]  # a fixture, used by name

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_an_outage_s_tickets_are_linked_and_told_at_once(
    desk: Any, new_context: NewContext, tmp_path: Path
) -> None:
    outage = await file(desk, "Panne réseau DC2", email="noc@ardenne.test", name="NOC")
    lea = await file(desk, "Mon VPS ne répond plus", email="lea@example.be", name="Léa")
    tom = await file(desk, "Website offline", email="tom@example.be", name="Tom", lang="nl")
    ann = await (await new_context()).new_page()
    await login(ann, desk.url, "ann@desk.test", "/console/tickets?view=all")
    for ticket in (lea, tom):
        await ann.locator(f'#tlist input[value="{ticket.id}"]').check()
    await ann.locator('#bulk input[name="problem"]').fill(outage.label)
    await ann.locator('#bulk button[data-bulk="link"]').click()
    await expect(ann.locator("#toast")).to_contain_text("2")
    await ann.goto(f"{desk.url}/console/t/{outage.id}")
    await expect(ann.locator("#t-incidents")).to_have_text("Problem: 2 linked tickets")
    await expect(ann.locator("#incidents li")).to_have_count(2)
    linked, internal = ann.locator("#treply-linked"), ann.locator("#treply-internal")
    await internal.check()  # a note stays on the problem
    await expect(linked).to_be_disabled()
    await internal.uncheck()
    await linked.check()
    await ann.locator("#treply-text").fill("Le réseau du DC2 est rétabli depuis 14:05.")
    await ann.locator("#treply-status").select_option("resolved")
    await ann.screenshot(path=str(shots(tmp_path) / "console-problem.png"), full_page=True)
    await ann.locator("#treply button[type=submit]").click()
    await expect(ann.locator("#toast")).to_have_text("Reply sent, and to 2 linked tickets.")
    await expect(ann.locator("#timeline .event.kind-linked_reply")).to_contain_text(
        "sent the reply to 2 linked tickets"
    )
    await expect(linked).not_to_be_checked()  # the next reply goes to the problem alone
    store = desk.app[SERVICES]._store
    for ticket in (lea, tom):
        after = await store.helpdesk.get_ticket(ticket.id)
        assert after is not None and after.status is Status.RESOLVED
        messages = await store.helpdesk.list_ticket_messages(ticket.id)
        assert [m.text for m in messages if m.author is AuthorKind.OPERATOR] == [
            "Le réseau du DC2 est rétabli depuis 14:05."
        ]
    await ann.goto(f"{desk.url}/console/t/{lea.id}")
    await expect(ann.locator("#t-problem")).to_have_text(f"Linked to {outage.label}")
