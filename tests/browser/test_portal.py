"""The requester portal in Chromium: a ticket filed through the form with a screenshot (the
real ALTCHA widget solving its challenge), followed, answered, resolved and rated; help
articles suggested while typing; the pages on a desktop and a phone.

The pictures go to the test's temporary directory; with CHATDESK_SCREENSHOTS=1 they replace
docs/screenshots/portal-*.png.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from aiohttp.test_utils import TestServer
from playwright.async_api import expect

from chatdesk import Settings, create_app
from chatdesk.events import SignInRequested, TicketCreated
from chatdesk.helpdesk import Edit, NewTicket
from chatdesk.web.appkeys import EVENTS, SERVICES

from .conftest import ALWAYS_OPEN, REPO, Desk, NewContext

pytestmark = pytest.mark.asyncio(loop_scope="session")


class Recorded:
    """What the desk published."""

    def __init__(self) -> None:
        self.events: list[Any] = []


def _config(tmp: Path) -> Path:
    tmp.mkdir(parents=True, exist_ok=True)
    config = tmp / "chatdesk.toml"
    config.write_text(f'[desk]\nname = "Ardenne Cloud"\n{ALWAYS_OPEN}', encoding="utf-8")
    return config


async def _start(tmp: Path, recorded: Recorded) -> Desk:
    config = _config(tmp)
    app = create_app(Settings(data_dir=tmp / "data", knowledge_dir=None, config_file=config))
    publisher = app[EVENTS]

    class Recording:
        async def publish(self, events: Any) -> None:
            events = list(events)
            recorded.events += events
            await publisher.publish(events)

    app[EVENTS] = Recording()
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    return Desk(server, str(server.make_url("")).rstrip("/"))


@pytest_asyncio.fixture(loop_scope="session")
async def portal(browser_ready: None, tmp_path: Path) -> AsyncIterator[tuple[Desk, Recorded]]:
    recorded = Recorded()
    desk = await _start(tmp_path / "desk", recorded)
    yield desk, recorded
    await desk.close()


def _target(tmp_path: Path) -> Path:
    return REPO / "docs" / "screenshots" if os.environ.get("CHATDESK_SCREENSHOTS") else tmp_path


async def _fill_form(page: Any, subject: str = "The backup of site 1234 fails") -> None:
    await page.get_by_label("E-mail address").fill("ann@example.com")
    await page.get_by_label("Name").fill("Ann Peeters")
    await page.get_by_label("Subject").fill(subject)
    await page.get_by_label("Description").fill("Since Monday night, every backup stops at 40%.")


async def test_a_requester_files_follows_and_rates_a_ticket(
    portal: tuple[Desk, Recorded], new_context: NewContext, tmp_path: Path
) -> None:
    desk, recorded = portal
    target = _target(tmp_path)
    context = await new_context()
    page = await context.new_page()
    await page.goto(desk.url + "/support/new?lang=en")
    await expect(page.get_by_role("heading", name="Ask us for help")).to_be_visible()
    await _fill_form(page)
    screenshot = await page.screenshot()
    await page.locator("#f-files").set_input_files(
        {"name": "screenshot.png", "mimeType": "image/png", "buffer": screenshot}
    )
    await expect(page.locator("#file-list li")).to_contain_text("screenshot.png")
    # The widget solves its challenge once the form has the focus (auto="onfocus").
    await page.get_by_label("Subject").focus()
    solved = page.locator('altcha-widget input[name="altcha"]')
    await expect(solved).not_to_have_value("", timeout=30_000)
    await page.screenshot(path=str(target / "portal-form-desktop.png"), full_page=True)
    await page.get_by_role("button", name="Send my request").click()
    await expect(page.get_by_text("is registered")).to_be_visible()
    [created] = [e for e in recorded.events if isinstance(e, TicketCreated)]
    ticket = created.ticket
    await expect(page.locator(".follow-link")).to_have_text(
        f"{desk.url}/support/t/{created.follow_token}"
    )
    await expect(page.get_by_text("We have it")).to_be_visible()
    await expect(page.get_by_role("link", name="Download screenshot.png")).to_be_visible()

    # An operator answers and resolves it (as the console would, through the services).
    services = desk.app[SERVICES]
    olga = await services.operators.add(
        "olga@desk.test", name="Olga", role="operator", departments=("general",),
        languages=("en",), password="correct horse battery",
    )  # fmt: skip
    helpdesk = services.helpdesk
    await helpdesk.tickets.reply(ticket.id, olga, "The disk of site 1234 was full; fixed.")
    await helpdesk.tickets.change(olga, ticket.id, Edit(status="resolved"))

    await page.goto(f"{desk.url}/support/t/{created.follow_token}")
    await expect(page.locator(".status")).to_have_text("Resolved")
    await expect(page.get_by_text("The disk of site 1234 was full; fixed.")).to_be_visible()
    await page.screenshot(path=str(target / "portal-ticket-desktop.png"), full_page=True)
    await page.get_by_role("link", name="Give my rating").click()
    await page.get_by_label("5 \N{EN DASH} excellent").check()
    await page.get_by_label("Comment").fill("Fast and clear.")
    await page.screenshot(path=str(target / "portal-rate-desktop.png"), full_page=True)
    await page.get_by_role("button", name="Send my rating").click()
    await expect(page.get_by_text("Thank you for your rating!")).to_be_visible()
    rated, _ = await helpdesk.views.follow(created.follow_token)
    view = await helpdesk.views.requester_view(rated)
    assert view["csat"]["score"] == 5 and view["csat"]["comment"] == "Fast and clear."
    [attachment] = view["attachments"]
    assert attachment["filename"] == "screenshot.png"
    assert attachment["content_type"] == "image/png" and attachment["size"] == len(screenshot)
    assert attachment["preview"] == "image"  # a raster image: a thumbnail in the console

    # The reply takes files as the form does: listed, and checked against the desk's
    # limits before anything is sent.
    await page.goto(f"{desk.url}/support/t/{created.follow_token}")
    reply = page.locator("form.reply")
    await reply.get_by_label("Your message").fill("One more log, from last night.")
    files = reply.locator("#f-files")
    huge = b"x" * (10 * 1024**2 + 1)
    await files.set_input_files({"name": "huge.log", "mimeType": "text/plain", "buffer": huge})
    await expect(reply.locator("#files-refused")).to_have_text(
        "huge.log is larger than 10 MB: not added."
    )
    night = b"backup failed at 02:00\n"
    await files.set_input_files({"name": "night.log", "mimeType": "text/plain", "buffer": night})
    await expect(reply.locator("#file-list li")).to_have_count(1)
    await expect(reply.locator("#file-list li")).to_contain_text("night.log")
    await reply.get_by_role("button", name="Send my message").click()
    await expect(page.get_by_text("Your message was sent.")).to_be_visible()
    await expect(page.get_by_text("One more log, from last night.")).to_be_visible()
    reopened, _ = await helpdesk.views.follow(created.follow_token)
    names = [a["filename"] for a in (await helpdesk.views.requester_view(reopened))["attachments"]]
    assert names == ["screenshot.png", "night.log"] and reopened.status.value == "open"


async def test_help_articles_are_suggested_and_can_deflect_the_ticket(
    start_desk: Any, new_context: NewContext
) -> None:
    # The help centre's own endpoints, answering from the demo knowledge.
    desk = await start_desk(knowledge=REPO / "knowledge")
    page = await (await new_context()).new_page()
    asked: list[str] = []
    page.on(
        "request",
        lambda r: asked.append(r.url) if "/help/suggest" in r.url else None,
    )
    await page.goto(desk.url + "/support/new")
    await page.get_by_label("Subject").press_sequentially("Where do I find my invoices", delay=20)
    suggestions = page.locator("#suggestions li")
    await expect(suggestions.first).to_contain_text("Where can I find my invoices?")
    # Debounced: one question for the whole sentence typed.
    assert len(asked) == 1 and "q=Where%20do%20I%20find%20my%20invoices" in asked[0], asked
    await suggestions.first.get_by_role("button", name="This solved it").click()
    await expect(page.get_by_text("Glad it helped! No request was sent.")).to_be_visible()
    await expect(page.locator("#ticket-form")).to_be_hidden()
    activity = await desk.app[SERVICES]._store.help.activity()
    assert activity["invoices"].deflections == 1, activity
    await page.get_by_role("button", name="Still need us? Write a request").click()
    await expect(page.locator("#ticket-form")).to_be_visible()


async def test_the_help_centre_s_own_suggestions_appear(
    start_desk: Any, new_context: NewContext
) -> None:
    desk = await start_desk(knowledge=REPO / "knowledge")
    page = await (await new_context()).new_page()
    await page.goto(desk.url + "/support/new")
    await page.get_by_label("Subject").fill("How do I reset my password?")
    await expect(page.locator("#suggestions li").first).to_contain_text("password")


_INCIDENT_FIELDS = """
[[fields]]
id = "server"
type = "text"
label = { en = "Server" }
required = { priorities = ["high"] }

[[fields]]
id = "site"
type = "text"
label = { en = "Site ID" }
required = { types = ["incident"] }
"""


async def test_fields_say_required_as_the_type_and_priority_change(
    start_desk: Any, new_context: NewContext
) -> None:
    desk = await start_desk(config=ALWAYS_OPEN + _INCIDENT_FIELDS)
    page = await (await new_context()).new_page()
    await page.goto(desk.url + "/support/new")
    server, site = page.get_by_label("Server"), page.get_by_label("Site ID")
    server_mark = page.locator("label[for=f-server] .req")
    site_mark = page.locator("label[for=f-site] .req")
    site_optional = page.locator("label[for=f-site] .opt")
    await expect(server_mark).to_be_hidden()
    await expect(site_mark).to_be_hidden()
    await expect(site_optional).to_have_text("(optional)")
    assert not await server.evaluate("e => e.required")
    await expect(page.get_by_text("Required for the priority “High”.")).to_be_visible()
    await page.get_by_label("High").check()
    await expect(server_mark).to_be_visible()
    assert await server.evaluate("e => e.required")
    await page.get_by_label("Kind of request").select_option("incident")
    await expect(site_mark).to_be_visible()
    await expect(site_optional).to_be_hidden()
    assert await site.evaluate("e => e.required")
    await page.get_by_label("Normal").check()
    await page.get_by_label("Kind of request").select_option("question")
    await expect(server_mark).to_be_hidden()
    await expect(site_mark).to_be_hidden()
    await expect(site_optional).to_be_visible()
    assert not await site.evaluate("e => e.required")


_COMPLAINTS = """
[helpdesk]
types = ["question", "incident", "complaint"]

[[fields]]
id = "page"
type = "url"
label = { en = "Page" }
required = { types = ["incident"] }
types = ["incident", "question"]

[[fields]]
id = "trace"
type = "textarea"
label = { en = "Error message" }
required = { types = ["incident"] }
types = ["incident"]
"""


async def test_a_complaint_asks_neither_the_priority_nor_fields_of_other_types(
    start_desk: Any, new_context: NewContext
) -> None:
    desk = await start_desk(config=ALWAYS_OPEN + _COMPLAINTS)
    page = await (await new_context()).new_page()
    await page.goto(desk.url + "/support/new")
    field, priorities = page.get_by_label("Page"), page.locator("fieldset.priorities")
    await expect(field).to_be_visible()
    await expect(priorities).to_be_visible()
    await page.get_by_label("Kind of request").select_option("complaint")
    await expect(field).to_be_hidden()
    await expect(priorities).to_be_hidden()
    assert await field.evaluate("e => e.disabled")  # not sent
    await page.get_by_label("Kind of request").select_option("incident")
    await expect(field).to_be_visible()
    assert await field.evaluate("e => e.required && !e.disabled")
    # A text box follows the type as an input does.
    trace = page.get_by_label("Error message")
    assert await trace.evaluate("e => e.tagName === 'TEXTAREA' && e.required && !e.disabled")
    await page.get_by_label("Kind of request").select_option("question")
    await expect(trace).to_be_hidden()
    assert await trace.evaluate("e => e.disabled")
    # The complaint form itself: drawn without them, with its own button; filed with the
    # desk's default priority.
    await page.goto(desk.url + "/support/new?type=complaint")
    await expect(field).to_be_hidden()
    await expect(priorities).to_be_hidden()
    await _fill_form(page, subject="Nobody answered my request")
    await page.get_by_label("Subject").focus()
    await expect(page.locator('altcha-widget input[name="altcha"]')).not_to_have_value(
        "", timeout=30_000
    )
    await page.get_by_role("button", name="Send my complaint").click()
    await expect(page.get_by_text("is registered")).to_be_visible()
    services = desk.app[SERVICES]
    ticket = await services._store.helpdesk.find_ticket(1)
    assert ticket is not None and ticket.type.value == "complaint"
    assert ticket.priority == "normal" and ticket.fields == {}


async def test_screenshots_on_a_phone(
    portal: tuple[Desk, Recorded], new_context: NewContext, tmp_path: Path
) -> None:
    desk, recorded = portal
    target = _target(tmp_path)
    helpdesk = desk.app[SERVICES].helpdesk
    ticket, _ = await helpdesk.filing.file(
        NewTicket(
            email="ann@example.com", name="Ann", lang="fr", subject="La sauvegarde échoue",
            description="Depuis lundi, la sauvegarde du site 1234 s'arrête à 40 %.",
        )
    )  # fmt: skip
    follow = f"{desk.url}/support/t/{helpdesk.links.token(ticket.id, ticket.requester_id)}"
    phone = await new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
        has_touch=True, locale="fr-BE",
    )  # fmt: skip
    page = await phone.new_page()
    for path, name in [
        ("/support/new", "form"), (follow[len(desk.url):], "ticket"),
        (follow[len(desk.url):] + "/rate?score=4", "rate"),
    ]:  # fmt: skip
        await page.goto(desk.url + path)
        await expect(page.locator("h1")).to_be_visible()
        # Nothing wider than the phone.
        assert await page.evaluate("document.documentElement.scrollWidth") <= 390
        await page.screenshot(path=str(target / f"portal-{name}-phone.png"), full_page=True)
    await page.goto(desk.url + "/support/signin")
    await page.get_by_label("Adresse e-mail").fill("ann@example.com")
    await page.get_by_role("button", name="Envoyez-moi un lien").click()
    await expect(page.get_by_text("un lien de connexion est en route")).to_be_visible()
    await page.screenshot(path=str(target / "portal-signin-phone.png"), full_page=True)
    [link] = [e for e in recorded.events if isinstance(e, SignInRequested)]
    await page.goto(desk.url + link.link)
    await page.get_by_role("button", name="Se connecter").click()
    await expect(page.get_by_role("heading", name="Mes demandes")).to_be_visible()
    await expect(page.get_by_role("link", name=ticket.label)).to_be_visible()
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390
    await page.screenshot(path=str(target / "portal-list-phone.png"), full_page=True)


_SEATS = """
[helpdesk]
max_editors_per_site = 1

[[fields]]
id = "site_id"
type = "text"
label = { en = "Site ID" }
seats = true
"""


async def test_an_organisation_admin_frees_a_seat(start_desk: Any, new_context: NewContext) -> None:
    desk = await start_desk(config=ALWAYS_OPEN + _SEATS)
    helpdesk = desk.app[SERVICES].helpdesk
    acme = await helpdesk.people.add_organisation("Acme")
    await helpdesk.people.add_member(acme, "boss@acme.test", role="admin", name="Bea Boss")
    await helpdesk.people.add_member(acme, "eve@acme.test", name="Eve")
    await helpdesk.filing.file(
        NewTicket(email="eve@acme.test", subject="Site down", fields={"site_id": "1234"})
    )
    (event,) = await helpdesk.signin.request("boss@acme.test", client="test")
    context = await new_context()
    page = await context.new_page()
    await page.goto(desk.url + event.link + "?lang=en")
    await page.locator("main").get_by_role("button", name="Sign in").click()
    await page.get_by_role("link", name="My organisation", exact=True).click()
    await expect(page.get_by_role("heading", name="Acme")).to_be_visible()
    await expect(page.locator("table.seats")).to_contain_text("1234 (1 of 1)")
    await page.get_by_role("button", name="Free the seat of Eve on 1234").click()
    await expect(page.get_by_role("status")).to_have_text(
        "The seat is free: the next member who files a request for this site takes it."
    )
    await expect(page.get_by_text("No member is an editor of a site yet.")).to_be_visible()
    assert await helpdesk.people.seats(acme) == []
