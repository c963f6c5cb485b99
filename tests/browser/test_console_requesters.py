"""The requesters' directory in a real browser: an operator finds a customer by a word of
their organisation's name, opens their page, writes the team's note, and finds it in the
panel of their ticket; on a phone in French the pages do not scroll sideways. Screenshots
at 1280x800 (with CHATDESK_SCREENSHOTS=1 they replace docs/screenshots/
console-requesters.png and console-requester.png)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import expect

from chatdesk.helpdesk import NewTicket
from chatdesk.web.appkeys import SERVICES

from .conftest import NewContext
from .test_console_admin import desk, shots, sign_in

__all__ = ["desk"]  # the fixture, shared with the admin pages' browser tests

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def _customers(desk: Any) -> str:
    """Acme Énergie (its domain), Léa with a ticket, Tom elsewhere; return her ticket's id."""
    services = desk.app[SERVICES]
    people, filing = services.helpdesk.people, services.helpdesk.filing
    acme = await people.add_organisation("Acme Énergie")
    await services.helpdesk.domains.add(acme, "acme-energie.be")
    ticket, _ = await filing.file(
        NewTicket("lea.dubois@acme-energie.be", "Facture en double", name="Léa Dubois")
    )
    await filing.file(NewTicket("tom@bakkerij-peeters.be", "Levering", name="Tom Peeters"))
    return ticket.id


async def test_an_operator_finds_a_customer_and_notes_something_about_them(
    desk: Any, new_context: NewContext, tmp_path: Path
) -> None:
    ticket_id = await _customers(desk)
    page = await (await new_context(viewport={"width": 1280, "height": 800})).new_page()
    await sign_in(page, desk.url + "/console/requesters")
    await expect(page.get_by_role("heading", name="Requesters")).to_be_visible()
    await page.get_by_label("Name, address, phone or organisation").fill("energie")
    await page.get_by_role("button", name="Find").click()
    rows = page.locator("table.directory-list tbody tr")
    await expect(rows).to_have_count(1)
    await expect(rows.first).to_contain_text("Acme Énergie")
    await expect(rows.first).to_contain_text("1 (1 open)")
    await page.screenshot(path=str(shots(tmp_path) / "console-requesters.png"))

    await page.get_by_role("link", name="Léa Dubois").click()
    await expect(page.get_by_role("heading", name="Léa Dubois")).to_be_visible()
    await page.get_by_text("Correct their details").click()
    await page.get_by_label("Note for the team").fill(
        "VIP: Cc her account manager (Marc).\nPrefers a call before noon."
    )
    await page.locator("details.edit-requester form:not(#requester-signout) button").click()
    await expect(page.get_by_role("status")).to_have_text("Their details are saved.")
    await expect(page.locator("#req-note")).to_contain_text("Prefers a call before noon.")
    await page.screenshot(path=str(shots(tmp_path) / "console-requester.png"))

    await page.get_by_role("link", name="Facture en double").click()
    await page.wait_for_url(f"**/console/t/{ticket_id}")
    await expect(page.locator("#t-requester-note")).to_contain_text("VIP: Cc her account")


async def test_the_requesters_pages_fit_a_phone_in_french(
    desk: Any, new_context: NewContext
) -> None:
    await _customers(desk)
    lea = await desk.app[SERVICES].helpdesk.people.find("lea.dubois@acme-energie.be")
    phone = await (
        await new_context(viewport={"width": 390, "height": 844}, locale="fr-BE")
    ).new_page()
    await sign_in(phone, desk.url + "/console/requesters")
    for path, heading in (
        ("/console/requesters", "Demandeurs"),
        (f"/console/requesters/{lea.id}", "Léa Dubois"),
    ):
        await phone.goto(desk.url + path)
        await expect(phone.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        width = await phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} scrolls sideways ({width}px)"


async def test_an_operator_merges_a_customer_s_two_records(
    desk: Any, new_context: NewContext, tmp_path: Path
) -> None:
    await _customers(desk)
    services = desk.app[SERVICES]
    await services.helpdesk.filing.file(
        NewTicket("lea.dubois@gmail.com", "Mot de passe perdu", name="Lea Dubois")
    )
    lea = await services.helpdesk.people.find("lea.dubois@acme-energie.be")
    page = await (await new_context(viewport={"width": 1280, "height": 800})).new_page()
    await sign_in(page, desk.url + f"/console/requesters/{lea.id}")
    # Her page suggests the record of the same name; one click merges it.
    await expect(page.locator("#req-namesakes")).to_contain_text("lea.dubois@gmail.com")
    await page.screenshot(path="/tmp/namesakes.png")
    await page.get_by_role("button", name="Merge lea.dubois@gmail.com into this requester").click()
    await expect(page.locator("#req-merged")).to_be_visible()
    await expect(page.locator("#req-addresses")).to_contain_text("lea.dubois@gmail.com")
    await expect(page.locator("#req-count")).to_have_text("2 in all, 2 open")
    await expect(page.get_by_role("link", name="Mot de passe perdu")).to_be_visible()
    await page.screenshot(path=str(shots(tmp_path) / "console-requester-merged.png"))

    # On a phone in French: the addresses and forms fit; Detach undoes it.
    phone = await (
        await new_context(viewport={"width": 390, "height": 844}, locale="fr-BE")
    ).new_page()
    await sign_in(phone, desk.url + f"/console/requesters/{lea.id}")
    width = await phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways ({width}px)"
    await phone.get_by_role("button", name="Détacher lea.dubois@gmail.com").click()
    await expect(phone.locator("#req-detached")).to_be_visible()
    await expect(phone.locator("#req-addresses")).to_have_count(0)
    await expect(phone.locator("#req-count")).to_have_text("1 en tout, 1 en cours")


async def test_an_admin_imports_a_client_list_from_the_browser(
    desk: Any, new_context: NewContext, tmp_path: Path
) -> None:
    clients = tmp_path / "clients.csv"
    clients.write_text(
        "email;name;lang;organisation;role\n"
        "lea@acme-energie.be;Léa Dubois;fr;Acme Énergie;admin\n"
        "tom@acme-energie.be;Tom Peeters;nl;Acme Énergie;\n"
        "an@bakkerij-peeters.be;An Peeters;nl;Bakkerij Peeters;\n",
        encoding="utf-8",
    )
    page = await (await new_context(viewport={"width": 1280, "height": 800})).new_page()
    await sign_in(page, desk.url + "/console/requesters")
    await page.get_by_role("link", name="Import from a CSV file").click()
    await page.get_by_label("CSV file (1 MB at most)").set_input_files(str(clients))
    await page.get_by_label("Create the organisations the desk does not have yet").check()
    await page.get_by_role("button", name="Import").click()  # "Check only" is ticked
    await expect(page.locator("#import-report")).to_contain_text("would make 3 new requesters")
    await page.get_by_label("CSV file (1 MB at most)").set_input_files(str(clients))
    await page.get_by_label("Check only: write nothing").uncheck()
    await page.get_by_role("button", name="Import").click()
    await expect(page.locator("#import-report")).to_contain_text(
        "Imported 3 rows: 3 new requesters, 0 updated, 3 put in an organisation."
    )
    await expect(page.locator("#import-report")).to_contain_text(
        "Organisations created: Acme Énergie, Bakkerij Peeters"
    )
    await page.screenshot(path=str(shots(tmp_path) / "console-requester-import.png"))

    phone = await (
        await new_context(viewport={"width": 390, "height": 844}, locale="nl-BE")
    ).new_page()
    await sign_in(phone, desk.url + "/console/requesters/import")
    await expect(phone.get_by_role("heading", name="Aanvragers importeren")).to_be_visible()
    width = await phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways ({width}px)"
