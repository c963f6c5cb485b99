"""The console's tickets in a real browser, on a desk with a test clock: an operator
filters, opens a ticket, replies with an attachment, changes its status, sees a countdown
turn red when the desk's clock moves past the due time, bulk-closes and exports a report
as CSV, while a second operator sees the changes live. Screenshots at 1280x800 and 390 px
(with CHATDESK_SCREENSHOTS=1 they replace docs/screenshots/console-*.png)."""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from aiohttp.test_utils import TestServer
from playwright.async_api import expect

from chatdesk import Settings, create_app
from chatdesk.app import PUBLISHER
from chatdesk.helpdesk import NewTicket
from chatdesk.models import CannedResponse, utcnow
from chatdesk.web.appkeys import SERVICES

from ..desk import Clock
from .conftest import ALWAYS_OPEN, REPO, NewContext

pytestmark = pytest.mark.asyncio(loop_scope="session")

PASSWORD = "correct horse battery"
# A real 2x2 image: the thread draws it.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000002000000020802000000fdd49a73000000104944415478"
    "9c63f8cfc000440c100a001fee03fd8b5f14d40000000049454e44ae426082"
)


@pytest_asyncio.fixture(loop_scope="session")
async def desk(browser_ready: None, tmp_path: Path) -> AsyncIterator[Any]:
    """A desk open round the clock whose clock the test moves (jobs run by hand)."""
    config = tmp_path / "chatdesk.toml"
    config.write_text(f'[desk]\nname = "Ardenne Cloud"\n{ALWAYS_OPEN}{RULE}', encoding="utf-8")
    clock = Clock()
    clock.now = utcnow()
    settings = Settings(data_dir=tmp_path / "data", knowledge_dir=None, config_file=config)
    server = TestServer(create_app(settings, clock=clock, tick=None), host="127.0.0.1")
    await server.start_server()
    server.clock = clock  # type: ignore[attr-defined]
    server.url = str(server.make_url("")).rstrip("/")  # type: ignore[attr-defined]
    services = server.app[SERVICES]
    for name in ("Ann", "Bob"):
        await services.operators.add(
            f"{name.lower()}@desk.test", name=name, role="admin",
            departments=services.config.departments, languages=("fr", "nl", "en"),
            password=PASSWORD,
        )  # fmt: skip
    yield server
    await server.close()


async def file(desk: Any, subject: str, **kw: Any) -> Any:
    kw.setdefault("lang", "fr")
    ticket, _ = await desk.app[SERVICES].helpdesk.filing.file(NewTicket(subject=subject, **kw))
    return ticket


async def login(page: Any, url: str, email: str, path: str) -> None:
    await page.goto(url + path)
    await page.locator("input[name=email]").fill(email)
    await page.locator("input[name=password]").fill(PASSWORD)
    await page.locator("form button[type=submit]").click()
    await expect(page.locator("#presence")).to_have_attribute("data-status", "online")


# A time as a `datetime-local` field takes it: the browser's local time, to the minute.
LOCAL = (
    "(iso) => { const d = new Date(iso);"
    " return new Date(d - d.getTimezoneOffset() * 6e4).toISOString().slice(0, 16); }"
)


#: A rule of the desk (tests/browser/test_console_rules.py).
RULE = """
[[rules]]
name = "Ransomware is urgent"
when = { words = ["ransomware"] }
then = { priority = "urgent", tags = ["security"] }
"""


def shots(tmp_path: Path) -> Path:
    return REPO / "docs" / "screenshots" if os.environ.get("CHATDESK_SCREENSHOTS") else tmp_path


async def test_operators_work_tickets_live(
    desk: Any, new_context: NewContext, tmp_path: Path
) -> None:
    url, services = desk.url, desk.app[SERVICES]
    desk.clock.advance(minutes=-60)
    bill = await file(desk, "Facture de novembre en double", email="lea@example.be",
                      name="Léa Peeters", department="billing")  # fmt: skip
    down = await file(desk, "Le site est en panne", email="tom@example.be", name="Tom",
                      type="incident", priority="urgent")  # fmt: skip
    password = await file(desk, "Mot de passe oublié", email="ines@example.be", priority="low")
    desk.clock.advance(minutes=45)
    admin = next(o for o in await services.operators.list() if o.email == "ann@desk.test")
    for name, query in (
        ("Urgent", "view=open&priority=urgent"),
        ("Billing", "view=open&department=billing"),
    ):
        await services.helpdesk.saved_views.save(admin, name, query, shared=True)

    ann = await (await new_context()).new_page()
    await login(ann, url, "ann@desk.test", "/console/tickets")
    # The shared views with their counts of tickets now.
    await expect(ann.locator("nav.saved-views a.saved .count")).to_have_text(["1", "1"])
    bob_context = await new_context()
    bob_list = await bob_context.new_page()
    await login(bob_list, url, "bob@desk.test", "/console/tickets?view=all")
    bob_ticket = await bob_context.new_page()
    await bob_ticket.goto(f"{url}/console/t/{down.id}")
    await expect(ann.locator("li.trow")).to_have_count(3)

    # Ann filters: urgent only.
    await ann.locator("details.filters summary").click()
    await ann.screenshot(path=str(shots(tmp_path) / "console-tickets.png"))
    await ann.locator("input[name=priority][value=urgent]").check()
    await ann.get_by_role("button", name="Apply").click()
    await expect(ann.locator("li.trow")).to_have_count(1)
    await expect(ann.locator("li.trow .subject")).to_have_text("Le site est en panne")
    await ann.locator("li.trow a.tlink").click()
    await expect(ann.locator("section.ticketpage")).to_be_visible()

    # A reply with a screenshot attached; Bob sees it arrive.
    desk.clock.advance(minutes=12)
    await ann.locator("#treply-text").fill("Nous avons redémarré le serveur, voici le graphe.")
    await ann.locator("#treply input[type=file]").set_input_files(
        files=[{"name": "graphe.png", "mimeType": "image/png", "buffer": PNG}]
    )
    # The chosen file is named in the console's words (the browser's own button is hidden).
    await expect(ann.locator("#treply-chosen")).to_have_text("graphe.png (1\u00a0kB)")
    await ann.get_by_role("button", name="Send").click()
    await expect(ann.locator("#toast")).to_have_text("Reply sent.")
    await expect(ann.locator("#treply-chosen")).to_have_text("")
    mine = ann.locator("#timeline .msg.author-operator")
    await expect(mine).to_contain_text("Nous avons redémarré le serveur")
    await expect(mine.locator("a.file")).to_contain_text("graphe.png")
    # A screenshot shows in the thread, drawn from the desk's own download.
    preview = mine.locator("a.file.preview img")
    await expect(preview).to_have_attribute("src", re.compile(r"^/console/files/"))
    await ann.wait_for_function(
        "() => [...document.querySelectorAll('#timeline a.file.preview img')]"
        ".some((i) => i.complete && i.naturalWidth > 0)"
    )
    await expect(bob_ticket.locator("#timeline")).to_contain_text("Nous avons redémarré")
    await expect(bob_ticket.locator("#t-status")).to_have_text("open")

    # The status offers only the state machine's moves; pending reaches Bob live.
    desk.clock.advance(minutes=3)
    await ann.locator("#tedit select[name=status]").select_option("pending")
    await ann.locator("#tedit button[type=submit]").click()
    await expect(ann.locator("#toast")).to_have_text("Ticket saved.")
    await expect(ann.locator("#t-status")).to_have_text("pending")
    await expect(bob_ticket.locator("#t-status")).to_have_text("pending")
    await expect(bob_ticket.locator("#timeline .event.kind-status").last).to_contain_text(
        "open → pending"
    )
    options = await ann.locator("#tedit select[name=status] option").all_text_contents()
    assert options == ["pending", "open", "on hold", "resolved", "closed"]
    # The history names the requester, redrawn live as on the server's page.
    await expect(ann.locator("#timeline .event.kind-created .who")).to_have_text("Tom")
    # Tom's colleague in Cc: a bad address is refused, a good one is kept.
    cc = ann.locator("#tedit input[name=cc]")
    await cc.fill("marc@")
    await ann.locator("#tedit button[type=submit]").click()
    await expect(ann.locator("#toast")).to_contain_text("is not an e-mail address")
    await cc.fill("Marc@Example.be")
    await ann.locator("#tedit button[type=submit]").click()
    await expect(ann.locator("#toast")).to_have_text("Ticket saved.")
    assert (await services._store.helpdesk.get_ticket(down.id)).cc == {"marc@example.be"}
    await expect(bob_ticket.locator("#timeline .event.kind-cc")).to_contain_text(
        "in Cc: nobody → marc@example.be"
    )
    await expect(bob_ticket.locator("#tedit input[name=cc]")).to_have_value("marc@example.be")
    # The reply box says who else gets a public reply.
    await expect(bob_ticket.locator("#treply-cc")).to_have_text(
        "Public replies are also sent to: marc@example.be"
    )
    await ann.evaluate("window.scrollTo(0, 0)")  # the Save above scrolled the page down
    await ann.screenshot(path=str(shots(tmp_path) / "console-ticket.png"))

    # Reply and resolve in one step: the reply's status offers what pending allows.
    then = ann.locator("#treply-status")
    await expect(then.locator("option")).to_have_text(
        ["unchanged", "on hold", "resolved", "closed"]
    )
    await ann.locator("#treply-text").fill("Tout refonctionne depuis 10 minutes.")
    await then.select_option("resolved")
    await ann.get_by_role("button", name="Send").click()
    await expect(ann.locator("#toast")).to_have_text("Reply sent.")
    await expect(ann.locator("#t-status")).to_have_text("resolved")
    await expect(bob_ticket.locator("#t-status")).to_have_text("resolved")
    await expect(then).to_have_value("")
    await expect(then.locator("option")).to_have_text(["unchanged", "closed"])

    # The bill's first response is due in a business day: move the desk's clock past it.
    await ann.goto(f"{url}/console/t/{bill.id}")
    countdown = ann.locator('#sla dd[data-target="first_response"]')
    await expect(countdown.locator(".countdown")).to_contain_text("in ")
    await expect(countdown).not_to_have_class("due late")
    desk.clock.advance(days=2)
    await desk.app[PUBLISHER].publish(await services.jobs.run_due())
    await expect(countdown).to_have_class("due late")
    await expect(countdown.locator(".countdown")).to_contain_text("late")
    await expect(ann.locator("#timeline .event.kind-sla_breach")).to_contain_text(
        "SLA breached: first response"
    )
    await ann.screenshot(path=str(tmp_path / "console-ticket-breached.png"))
    await expect(bob_list.locator(f'li.trow[data-id="{bill.id}"]')).to_have_class(
        "trow prio-normal status-new is-breached is-late"
    )

    # Bulk: a status for two tickets, then close them; Bob's list follows.
    await ann.goto(f"{url}/console/tickets?view=all&sort=created")
    for ticket in (bill, password):
        await ann.locator(f'li.trow[data-id="{ticket.id}"] input.pick').check()
    await ann.locator("#bulk").get_by_label("Set status to").select_option("on_hold")
    await ann.locator("#bulk").get_by_role("button", name="Change status").click()
    await expect(ann.locator("#toast")).to_have_text("2 changed, 0 refused.")
    for ticket in (bill, password):
        row = bob_list.locator(f'li.trow[data-id="{ticket.id}"] .badge.status')
        await expect(row).to_have_text("on hold")
    for ticket in (bill, password):
        await ann.locator(f'li.trow[data-id="{ticket.id}"] input.pick').check()
    ann.once("dialog", lambda dialog: dialog.accept())
    await ann.locator("#bulk").get_by_role("button", name="Close").click()
    await expect(ann.locator("#toast")).to_have_text("2 changed, 0 refused.")
    for page in (ann, bob_list):
        for ticket in (bill, password):
            row = page.locator(f'li.trow[data-id="{ticket.id}"] .badge.status')
            await expect(row).to_have_text("closed")

    # Reports: the charts, and a table as CSV.
    await ann.goto(f"{url}/console/reports")
    await expect(ann.locator("#chart-days canvas")).to_have_count(1)
    await expect(ann.locator(".cards")).to_contain_text("3")
    async with ann.expect_download() as info:
        await (
            ann.locator("caption")
            .filter(has_text="By department")
            .get_by_role("link", name="Export as CSV")
            .click()
        )
    download = await info.value
    saved = Path(await download.path())
    text = await asyncio.to_thread(saved.read_text, encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("Department,Opened,Closed,First response")
    assert "Billing,1,1" in text  # the department by its name
    await ann.screenshot(path=str(shots(tmp_path) / "console-reports.png"), full_page=True)


async def test_screens_on_a_phone_in_french(
    desk: Any, new_context: NewContext, tmp_path: Path
) -> None:
    url = desk.url
    ticket = await file(desk, "Impossible d'envoyer des e-mails depuis le webmail",
                        email="marc@example.be", name="Marc", type="incident")  # fmt: skip
    phone = await (
        await new_context(viewport={"width": 390, "height": 844}, locale="fr-BE")
    ).new_page()
    await login(phone, url, "bob@desk.test", "/console/tickets")
    await expect(phone.locator("nav.subtabs")).to_contain_text("Tous les ouverts")
    await expect(phone.locator("li.trow").first).to_be_visible()
    width = await phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the list scrolls sideways ({width}px)"
    await phone.screenshot(path=str(shots(tmp_path) / "console-tickets-phone.png"))
    await phone.goto(f"{url}/console/t/{ticket.id}")
    await expect(phone.locator("#sla")).to_contain_text("Première réponse attendue")
    width = await phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the ticket page scrolls sideways ({width}px)"
    await phone.screenshot(path=str(shots(tmp_path) / "console-ticket-phone.png"), full_page=True)
    await phone.goto(f"{url}/console/reports")
    await expect(phone.locator("h1")).to_have_text("Rapports")
    await expect(phone.locator("#chart-days canvas")).to_have_count(1)
    width = await phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the reports scroll sideways ({width}px)"
    await phone.screenshot(path=str(shots(tmp_path) / "console-reports-phone.png"), full_page=True)


async def test_canned_responses_are_chosen_by_keyboard_and_addressed(
    desk: Any, new_context: NewContext
) -> None:
    services = desk.app[SERVICES]
    ann = next(o for o in await services.operators.list() if o.name == "Ann")
    for shortcut, lang, text in (
        ("merci", "fr", "Bonjour {first_name}, merci pour votre demande {ticket}. {operator}"),
        ("merci", "en", "Hello {first_name}, thanks. {operator}"),
        ("mdp", "fr", "Bonjour {first_name}, voici le lien : {lien}"),
    ):
        await services.canned.save(ann, CannedResponse(shortcut, lang, text))
    done = CannedResponse("regle", "fr", "C'est réglé, {first_name}.", status="resolved",
                          tags=("facture",))  # fmt: skip
    await services.canned.save(ann, done)
    ticket = await file(desk, "Question sur la facture", email="zoe@example.be",
                        name="Zoé Martin")  # fmt: skip
    page = await (await new_context()).new_page()
    await login(page, desk.url, "ann@desk.test", f"/console/t/{ticket.id}")
    box = page.locator("#treply-text")
    await box.fill("/m")
    picker = page.locator("#canned-pick")
    # The ticket's language first, then the others; arrows move, Enter inserts.
    await expect(picker.locator("li")).to_have_count(3)  # not /regle
    await expect(picker.locator("li").first).to_contain_text("/mdp (fr)")
    await box.press("ArrowDown")
    await expect(picker.locator("li").nth(1)).to_have_attribute("aria-selected", "true")
    await box.press("Enter")
    await expect(box).to_have_value(f"Bonjour Zoé, merci pour votre demande {ticket.label}. Ann")
    await expect(picker).to_be_hidden()
    # A placeholder the console cannot fill stays, for the operator to see.
    await box.fill("/mdp")
    await box.press("Tab")
    await expect(box).to_have_value("Bonjour Zoé, voici le lien : {lien}")
    # A response that resolves: "Status after sending" follows it.
    then = page.locator("#treply-status")
    await expect(then).to_have_value("")
    await box.fill("/regle")
    await box.press("Enter")
    await expect(box).to_have_value("C'est réglé, Zoé.")
    await expect(then).to_have_value("resolved")
    # And its tags: said beside the button, added with the message, in one step.
    await expect(page.locator("#treply-tags-said")).to_have_text("Adds the tags facture")
    await page.locator("#treply button[type=submit]").click()
    await expect(page.locator("#t-tags")).to_contain_text("facture")
    await expect(page.locator("#t-status")).to_have_text("resolved")
    await expect(page.locator("#treply-tags-said")).to_be_hidden()


async def test_a_hold_date_is_chosen_shown_and_comes(
    desk: Any, new_context: NewContext, tmp_path: Path
) -> None:
    services = desk.app[SERVICES]
    ticket = await file(desk, "Attente du transporteur", email="noor@example.be", name="Noor")
    ann = await (await new_context()).new_page()
    await login(ann, desk.url, "ann@desk.test", f"/console/t/{ticket.id}")
    hold_row, chip = ann.locator("#hold-row"), ann.locator("#t-hold")
    # The date is asked for only with "on hold".
    await expect(hold_row).to_be_hidden()
    await expect(chip).to_be_hidden()
    # As a person does: once the page drew the ticket's live state (a late first draw
    # would put the status back), in the list itself (a focused, changed form is kept).
    await expect(ann.locator('#tedit[data-dirty="no"]')).to_have_count(1)
    status = ann.locator("#tedit select[name=status]")
    await status.focus()
    await status.select_option("on_hold")
    await expect(hold_row).to_be_visible()
    until = (desk.clock.now + timedelta(days=2)).replace(second=0, microsecond=0)
    typed = await ann.evaluate(LOCAL, until.isoformat())
    await hold_row.locator("input").fill(typed)
    await ann.locator("#tedit select[name=assignee]").select_option(label="Ann")
    await ann.locator("#tedit button[type=submit]").click()
    await expect(ann.locator("#toast")).to_have_text("Ticket saved.")
    await expect(chip).to_be_visible()
    await expect(chip).to_have_text(re.compile(r"^until \d"))
    await expect(ann.locator("#timeline .event.kind-hold")).to_contain_text("on hold until")
    assert (await services._store.helpdesk.get_ticket(ticket.id)).hold_until == until
    await expect(hold_row.locator("input")).to_have_value(typed)
    # Bob's list shows the date on the ticket's row, and follows it live.
    bob = await (await new_context()).new_page()
    await login(bob, desk.url, "bob@desk.test", "/console/tickets?view=all")
    row_hold = bob.locator(f'li.trow[data-id="{ticket.id}"] .badge.hold')
    await expect(row_hold).to_have_text(re.compile(r"^until \d"))
    await expect(row_hold.locator("time")).not_to_contain_text("T")  # localised, not ISO
    await bob.screenshot(path=str(tmp_path / "console-tickets-hold.png"))
    await ann.screenshot(path=str(tmp_path / "console-ticket-hold.png"), full_page=True)

    # Emptied, the date goes; chosen again, it comes back.
    await hold_row.locator("input").fill("")
    await ann.locator("#tedit button[type=submit]").click()
    await expect(ann.locator("#timeline .event.kind-hold").last).to_contain_text(
        "hold date removed"
    )
    await expect(chip).to_be_hidden()
    await hold_row.locator("input").fill(typed)
    await ann.locator("#tedit button[type=submit]").click()
    await expect(chip).to_be_visible()

    # The date comes: the ticket is open again, and its assignee is told at once.
    desk.clock.advance(days=3)
    await desk.app[PUBLISHER].publish(await services.jobs.run_due())
    await expect(ann.locator("#toast")).to_contain_text("is open again: its hold date has come")
    await expect(ann.locator("#t-status")).to_have_text("open")
    await expect(chip).to_be_hidden()
    await expect(row_hold).to_have_count(0)
    await expect(hold_row).to_be_hidden()
    await expect(ann.locator("#timeline .event.kind-hold_ended")).to_contain_text("back from hold")

    # In one step with a reply: "Status after sending: on hold" asks for the date too.
    reply_hold = ann.locator("#treply-hold")
    await expect(reply_hold).to_be_hidden()
    await ann.locator("#treply-text").fill("Nous relançons le transporteur.")
    await ann.locator("#treply-status").select_option("on_hold")
    await expect(reply_hold).to_be_visible()
    later = (desk.clock.now + timedelta(days=1)).replace(second=0, microsecond=0)
    await reply_hold.locator("input").fill(await ann.evaluate(LOCAL, later.isoformat()))
    await ann.screenshot(path=str(tmp_path / "console-reply-hold.png"))
    await ann.get_by_role("button", name="Send").click()
    await expect(ann.locator("#toast")).to_have_text("Reply sent.")
    await expect(ann.locator("#t-status")).to_have_text("on hold")
    await expect(chip).to_be_visible()
    await expect(reply_hold).to_be_hidden()  # the form is reset
    assert (await services._store.helpdesk.get_ticket(ticket.id)).hold_until == later
