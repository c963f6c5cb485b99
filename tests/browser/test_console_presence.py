"""Collision detection in a real browser: two operators open the same ticket; each page
names the other, says when they write a reply, and forgets them when their page closes; a
note naming a colleague (``@Bob``) reaches their console at once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import expect

from chatdesk.app import PUBLISHER
from chatdesk.helpdesk import NewTicket
from chatdesk.web.appkeys import SERVICES

from .conftest import NewContext
from .test_console_tickets import desk, file, login, shots

__all__ = ["desk"]

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_operators_on_the_same_ticket_see_each_other(
    desk: Any, new_context: NewContext, tmp_path: Path
) -> None:
    ticket = await file(desk, "Le site est en panne", email="tom@example.be", name="Tom")
    path = f"/console/t/{ticket.id}"
    ann = await (await new_context()).new_page()
    await login(ann, desk.url, "ann@desk.test", path)
    viewers = ann.locator("#t-viewers")
    await expect(viewers).to_be_hidden()  # alone on it

    bob = await (await new_context()).new_page()
    await login(bob, desk.url, "bob@desk.test", path)
    # Each learns of the other at once (not at the next 25 s beat).
    await expect(viewers).to_have_text("Bob is viewing this ticket")
    await expect(bob.locator("#t-viewers")).to_have_text("Ann is viewing this ticket")

    await bob.locator("#treply-text").fill("Bonjour Tom, nous regardons.")
    await expect(viewers).to_have_text("Bob is writing a reply")
    await expect(viewers).to_have_class("viewers replying")
    await ann.screenshot(path=str(shots(tmp_path) / "console-ticket-viewers.png"))
    await bob.locator("#treply-text").fill("")
    await expect(viewers).to_have_text("Bob is viewing this ticket")

    # Ann asks Bob in a note: his console says so at once; the history says whom it named.
    # `@` lists the colleagues by name; Enter puts the chosen one in.
    box = ann.locator("#treply-text")
    await box.fill("@bo")
    await expect(ann.locator("#mention-pick")).to_be_hidden()  # a public reply names nobody
    await ann.locator("input[name=internal]").check()
    await box.fill("@bo")
    await expect(ann.locator("#mention-pick li")).to_have_text(["@Bob"])
    await box.press("Enter")
    await expect(box).to_have_value("@Bob ")
    await box.press_sequentially("tu as vu le serveur 3 ?")
    await ann.locator("#treply button[type=submit]").click()
    await expect(bob.locator("#toast")).to_contain_text(
        "Ann mentioned you on #000001 · Le site est en panne"
    )
    await bob.screenshot(path=str(shots(tmp_path) / "console-ticket-mention.png"))
    await expect(ann.locator("#timeline")).to_contain_text("named Bob in a note")

    await bob.close()  # the connection goes: Ann's page forgets Bob
    await expect(viewers).to_be_hidden()


async def test_the_ticket_list_shows_who_has_each_ticket_open(
    desk: Any, new_context: NewContext, tmp_path: Path
) -> None:
    ticket = await file(desk, "Facture en double", email="lea@example.be", name="Léa")
    await file(desk, "Export vide", email="marc@example.be", name="Marc")
    ann = await (await new_context()).new_page()
    await login(ann, desk.url, "ann@desk.test", "/console/tickets?view=all")
    row = ann.locator(f'li.trow[data-id="{ticket.id}"]')
    await expect(row).to_be_visible()
    await expect(ann.locator("li.trow .onit")).to_have_count(0)  # nobody on any ticket

    bob = await (await new_context()).new_page()
    await login(bob, desk.url, "bob@desk.test", f"/console/t/{ticket.id}")
    chip = row.locator(".onit > span")
    await expect(chip).to_have_text("Bob is viewing this ticketBob")  # sentence (hidden), name
    await expect(chip).to_have_attribute("title", "Bob is viewing this ticket")
    await expect(ann.locator("li.trow .onit")).to_have_count(1)  # only on his ticket
    await bob.locator("#treply-text").fill("Bonjour Léa,")
    await expect(chip).to_have_class("replying")
    await ann.screenshot(path=str(shots(tmp_path) / "console-tickets-viewers.png"))
    await ann.set_viewport_size({"width": 390, "height": 700})
    width = await ann.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the list scrolls sideways ({width}px)"
    await ann.screenshot(path=str(tmp_path / "console-tickets-viewers-phone.png"))

    # The list redraws its rows when a ticket changes: the chip stays on its row.
    new, events = await desk.app[SERVICES].helpdesk.filing.file(
        NewTicket(subject="Nouvelle demande", email="tom@example.be", name="Tom", lang="fr")
    )
    await desk.app[PUBLISHER].publish(events)
    await expect(ann.locator("li.trow")).to_have_count(3)
    await expect(ann.locator(f'li.trow[data-id="{new.id}"]')).to_be_visible()
    await expect(chip).to_have_class("replying")

    # A list opened now shows him at once (its roll call), not at his page's next beat.
    later = await ann.context.new_page()
    await later.goto(f"{desk.url}/console/tickets?view=all")
    await expect(later.locator(f'li.trow[data-id="{ticket.id}"] .onit > span')).to_have_class(
        "replying", timeout=5_000
    )

    await bob.close()  # his page says it leaves: the chip goes at once
    await expect(ann.locator("li.trow .onit")).to_have_count(0)
