"""A rule of the desk in Chromium: the ticket page's history says which rule changed the
ticket, and says it again when console.js redraws the thread after a colleague's change."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.async_api import expect

from chatdesk.app import PUBLISHER
from chatdesk.helpdesk import Edit
from chatdesk.web.appkeys import SERVICES

from .conftest import NewContext
from .test_console_tickets import desk, file, login

__all__ = ["desk"]  # a fixture, used by name

pytestmark = pytest.mark.asyncio(loop_scope="session")

LINE = "applied the rule “Ransomware is urgent”: priority: normal → urgent; tags: + security"


async def test_the_history_names_the_rule(desk: Any, new_context: NewContext) -> None:
    ticket = await file(desk, "Ransomware sur le serveur", email="noor@example.be")
    assert ticket.priority == "urgent"
    ann = await (await new_context()).new_page()
    await login(ann, desk.url, "ann@desk.test", f"/console/t/{ticket.id}")
    rule = ann.locator("#timeline .event.kind-rule")
    await expect(rule).to_contain_text(LINE)
    services = desk.app[SERVICES]
    bob = next(o for o in await services.operators.list() if o.name == "Bob")
    _, events = await services.helpdesk.tickets.change(bob, ticket.id, Edit(tags=["client"]))
    await desk.app[PUBLISHER].publish(events)
    # The thread is drawn again by console.js (thread.ts) with the colleague's change.
    await expect(ann.locator("#timeline .event.kind-tags")).to_have_count(1)
    await expect(rule).to_contain_text(LINE)
