"""The console's admin pages in a real browser: an admin creates an organisation, adds a
member and publishes a notice to it; that member's portal shows it, another's does not.
Screenshots at 1280x800 (with CHATDESK_SCREENSHOTS=1 they replace
docs/screenshots/console-orgs.png, console-org.png and console-notices.png)."""

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
from chatdesk.models import AuditAction
from chatdesk.web.appkeys import SERVICES

from .conftest import ALWAYS_OPEN, REPO, NewContext

pytestmark = pytest.mark.asyncio(loop_scope="session")

PASSWORD = "correct horse battery"


@pytest_asyncio.fixture(loop_scope="session")
async def desk(browser_ready: None, tmp_path: Path) -> AsyncIterator[Any]:
    config = tmp_path / "chatdesk.toml"
    config.write_text(f'[desk]\nname = "Ardenne Cloud"\n{ALWAYS_OPEN}', encoding="utf-8")
    settings = Settings(data_dir=tmp_path / "data", knowledge_dir=None, config_file=config)
    server = TestServer(create_app(settings, tick=None), host="127.0.0.1")
    await server.start_server()
    server.url = str(server.make_url("")).rstrip("/")  # type: ignore[attr-defined]
    await server.app[SERVICES].operators.add(
        "ann@desk.test", name="Ann", role="admin", departments=("general",),
        languages=("fr", "nl", "en"), password=PASSWORD,
    )  # fmt: skip
    yield server
    await server.close()


async def sign_in(page: Any, url: str) -> None:
    """Open ``url`` on the console and sign in as Ann on the form it redirects to."""
    await page.goto(url)
    await page.locator("input[name=email]").fill("ann@desk.test")
    await page.locator("input[name=password]").fill(PASSWORD)
    await page.locator("form button[type=submit]").click()


def shots(tmp_path: Path) -> Path:
    return REPO / "docs" / "screenshots" if os.environ.get("CHATDESK_SCREENSHOTS") else tmp_path


async def portal_of(desk: Any, new_context: NewContext, email: str) -> Any:
    """Return a browser page signed in to the portal as ``email`` (by its e-mail link)."""
    (event,) = await desk.app[SERVICES].helpdesk.signin.request(email, client="browser")
    page = await (await new_context()).new_page()
    await page.goto(desk.url + event.link)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("heading", name="My requests")).to_be_visible()
    return page


async def test_an_admin_publishes_a_notice_a_member_sees_it(
    desk: Any, new_context: NewContext, tmp_path: Path
) -> None:
    people = desk.app[SERVICES].helpdesk.people
    other = await people.add_organisation("Other Hosting")
    await people.add_member(other, "tom@other.be")
    ann = await (await new_context()).new_page()
    await sign_in(ann, desk.url + "/console/orgs")
    await expect(ann.get_by_role("heading", name="Organisations")).to_be_visible()
    await expect(ann.get_by_role("link", name="Organisations")).to_have_attribute(
        "aria-current", "page"
    )

    # Create Acme with a member cap, add Léa, invite someone (the cap's refusal is a 400
    # page, which the browser reports as an error: tests/test_console_admin_http.py).
    await ann.get_by_label("Name").fill("Acme Web")
    await ann.get_by_label("Most members").fill("5")
    await ann.get_by_role("button", name="Create").click()
    await expect(ann.get_by_role("heading", name="Acme Web")).to_be_visible()
    add = ann.locator("form[aria-labelledby=add-member]")
    await add.get_by_label("E-mail").fill("lea@acme.be")
    await add.get_by_label("Name").fill("Léa Dubois")
    await add.get_by_role("button", name="Add").click()
    await expect(ann.get_by_role("status")).to_have_text("Saved.")
    await expect(ann.locator("table.members")).to_contain_text("Léa Dubois")
    invite = ann.locator("form[aria-labelledby=invite]")
    await invite.get_by_label("E-mail").fill("new@acme.be")
    await invite.get_by_role("button", name="Invite").click()
    await expect(ann.locator("table.invitations")).to_contain_text("new@acme.be")
    await ann.screenshot(path=str(shots(tmp_path) / "console-org.png"))
    await ann.get_by_role("link", name="All organisations").click()
    await expect(ann.locator("table.org-list")).to_contain_text("at most 5 members")
    await ann.screenshot(path=str(shots(tmp_path) / "console-orgs.png"))

    # A notice for Acme only.
    await ann.get_by_role("link", name="Service notices").click()
    await ann.get_by_label("Title").fill("Acme: your sites move tonight")
    await ann.get_by_label("Text (Markdown)").fill(
        "Between **22:00 and 23:00** your sites are read-only. <script>alert(1)</script>"
    )
    await ann.get_by_label("Severity").select_option("maintenance")
    await ann.get_by_label("Only these organisations").check()
    await ann.get_by_label("Acme Web").check()
    await ann.get_by_role("button", name="Publish").click()
    await expect(ann.get_by_role("status")).to_have_text("Published.")
    row = ann.locator("table.notice-list tbody tr").first
    await expect(row).to_contain_text("Acme: your sites move tonight")
    await expect(row).to_contain_text("showing")
    await expect(row.locator("strong", has_text="22:00 and 23:00")).to_be_visible()
    await ann.screenshot(path=str(shots(tmp_path) / "console-notices.png"))

    lea = await portal_of(desk, new_context, "lea@acme.be")
    banner = lea.locator("section.notices")
    await expect(banner).to_contain_text("Acme: your sites move tonight")
    await expect(banner.locator("strong", has_text="22:00 and 23:00")).to_be_visible()
    assert await banner.locator("script").count() == 0
    tom = await portal_of(desk, new_context, "tom@other.be")
    await expect(tom.locator("section.notices")).to_have_count(0)


async def test_the_admin_pages_fit_a_phone_in_french(
    desk: Any, new_context: NewContext, tmp_path: Path
) -> None:
    services = desk.app[SERVICES]
    acme = await services.helpdesk.people.add_organisation("Acme Web Hébergement")
    await services.helpdesk.people.add_member(acme, "lea.dubois@acme-hebergement.be")
    phone = await (
        await new_context(viewport={"width": 390, "height": 844}, locale="fr-BE")
    ).new_page()
    await sign_in(phone, desk.url + "/console/notices")
    await expect(phone.get_by_role("heading", name="Avis de service")).to_be_visible()
    for path, heading in (
        ("/console/notices", "Avis de service"),
        ("/console/orgs", "Organisations"),
        (f"/console/orgs/{acme.id}", acme.name),
    ):
        await phone.goto(desk.url + path)
        await expect(phone.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        width = await phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} scrolls sideways ({width}px)"
    await phone.screenshot(path=str(tmp_path / "console-org-phone.png"), full_page=True)


async def test_an_admin_s_ten_tabs_leave_the_controls_on_screen_in_french(
    desk: Any, new_context: NewContext
) -> None:
    page = await (
        await new_context(viewport={"width": 1280, "height": 800}, locale="fr-BE")
    ).new_page()
    await sign_in(page, desk.url + "/console/notices")
    await expect(page.get_by_role("heading", name="Avis de service")).to_be_visible()
    # The tabs wrap onto a second row; "Se déconnecter" once fell off the right edge.
    logout = page.get_by_role("button", name="Se déconnecter")
    box = await logout.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 1280, box
    assert await page.evaluate("document.documentElement.scrollWidth") <= 1280


async def test_the_audit_log_reads_on_a_desktop_and_on_a_phone(
    desk: Any, new_context: NewContext, tmp_path: Path
) -> None:
    services = desk.app[SERVICES]
    (ann,) = await services.operators.list()
    admin = services.operator_admin
    await admin.add(
        ann, "zoe.peeters@desk.test", name="Zoë Peeters", role="operator",
        departments=("general",), languages=("nl",), password=PASSWORD,
    )  # fmt: skip
    await admin.edit(
        ann, "zoe.peeters@desk.test", name="Zoë Peeters", role="service_manager",
        departments=("general",), languages=("nl", "fr"), capacity=None,
    )  # fmt: skip
    await admin.reset_two_factor(ann, "zoe.peeters@desk.test")
    await services.audit.record(None, AuditAction.OPERATOR_DISABLED, "old.account@desk.test")
    page = await (await new_context(timezone_id="Europe/Brussels")).new_page()
    await sign_in(page, desk.url + "/console/audit")
    rows = page.locator("table.audit-list tbody tr")
    await expect(rows).to_have_count(4)
    await expect(rows.first).to_contain_text("command line")
    # The times are the operator's (console.js), not the server's UTC.
    await expect(rows.first.locator("time")).not_to_contain_text("UTC")
    await page.screenshot(path=str(shots(tmp_path) / "console-audit.png"))

    phone = await (
        await new_context(viewport={"width": 390, "height": 844}, locale="fr-BE")
    ).new_page()
    await sign_in(phone, desk.url + "/console/audit")
    await expect(phone.get_by_role("heading", name="Journal d'audit")).to_be_visible()
    width = await phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the audit log scrolls sideways ({width}px)"
    await phone.screenshot(path=str(tmp_path / "console-audit-phone.png"), full_page=True)
