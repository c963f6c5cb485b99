"""The links of the desk's mails in Chromium: the follow link of the confirmation opens the
portal; the rating link of the resolved mail shows the choice, and only its button records
(one rating per ticket, changed rather than added when chosen again).

The mails are the real ones: sent over SMTP to an aiosmtpd sink, links read from their
HTML part.
"""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from playwright.async_api import expect

from chatdesk.helpdesk import Edit
from chatdesk.models import Ticket
from chatdesk.services import Services
from chatdesk.web.appkeys import SERVICES

from ..mail.conftest import Sink
from .conftest import Desk, NewContext, start_mailing_desk, stop_mailing_desk

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest_asyncio.fixture(loop_scope="session")
async def mailing_desk(browser_ready: None, tmp_path: Path) -> AsyncIterator[tuple[Desk, Sink]]:
    """A desk that mails through a real SMTP sink; its public URL is its own address."""
    desk, sink = await start_mailing_desk(tmp_path)
    yield desk, sink
    await stop_mailing_desk(desk, sink)


async def _mail(services: Services, sink: Sink, subject: str) -> EmailMessage:
    """Send what is due now and return the mail whose subject starts with ``subject``."""
    await services.mail.outbox.run()  # the app's own job may have sent it already
    while True:
        mail = await sink.next()
        if str(mail["Subject"]).startswith(subject):
            return mail


def _links(mail: EmailMessage) -> list[str]:
    """Return the links of the mail's HTML part, as a browser would follow them."""
    part = mail.get_body(preferencelist=("html",))
    assert isinstance(part, EmailMessage)
    return [html.unescape(h) for h in re.findall(r'href="([^"]+)"', str(part.get_content()))]


async def _ticket(services: Services, number: int) -> Ticket:
    found = await services._store.helpdesk.find_ticket(number)
    assert found is not None
    return found


async def test_the_follow_link_opens_the_portal_and_the_rating_link_records_once(
    mailing_desk: tuple[Desk, Sink], new_context: NewContext
) -> None:
    desk, sink = mailing_desk
    services: Services = desk.app[SERVICES]
    context = await new_context()
    page = await context.new_page()
    await page.goto(desk.url + "/support/new?lang=en")
    await page.get_by_label("E-mail address").fill("ann@example.com")
    await page.get_by_label("Name").fill("Ann Peeters")
    await page.get_by_label("Subject").fill("The backup of site 1234 fails")
    await page.get_by_label("Description").fill("Since Monday night, every backup stops at 40%.")
    await page.get_by_label("Subject").focus()  # the ALTCHA widget solves on focus
    await expect(page.locator('altcha-widget input[name="altcha"]')).not_to_have_value(
        "", timeout=30_000
    )
    await page.get_by_role("button", name="Send my request").click()
    await expect(page.get_by_text("is registered")).to_be_visible()

    # The confirmation mail's follow link, opened in a fresh browser (the mail client's).
    received = await _mail(services, sink, "[#000001]")
    assert received["To"] == "ann@example.com"
    # In the mail's language, whatever the reader's browser says.
    follow = [link.removesuffix("?lang=en") for link in _links(received) if re.fullmatch(
        re.escape(desk.url) + r"/support/t/[\w.-]+\?lang=en", link)]  # fmt: skip
    assert follow, _links(received)
    reader = await (await new_context()).new_page()
    await reader.goto(follow[0])
    heading = reader.get_by_role("heading", name="#000001: The backup of site 1234 fails")
    await expect(heading).to_be_visible()
    await expect(reader.get_by_text("every backup stops at 40%.")).to_be_visible()

    # Resolved by an operator: the mail carries a rating link per score.
    olga = await services.operators.add(
        "olga@desk.test", name="Olga", role="operator", departments=("general",),
        languages=("en",), password="correct horse battery",
    )  # fmt: skip
    ticket = await _ticket(services, 1)
    await services.helpdesk.tickets.change(olga, ticket.id, Edit(status="resolved"))
    resolved = await _mail(services, sink, "[#000001]")
    rate = {
        link.removesuffix("&lang=en")[-1]: link
        for link in _links(resolved)
        if "/rate?score=" in link
    }
    assert sorted(rate) == ["1", "2", "3", "4", "5"], _links(resolved)
    assert rate["4"] == follow[0] + "/rate?score=4&lang=en"

    # The link (as a mail scanner would follow it) records nothing: it shows the choice.
    await reader.goto(rate["4"])
    await expect(reader.get_by_role("heading", name="How did we do?")).to_be_visible()
    await expect(reader.get_by_label("4 \N{EN DASH} good")).to_be_checked()
    assert (await _ticket(services, 1)).rating is None
    await reader.get_by_role("button", name="Send my rating").click()
    await expect(reader.get_by_text("Thank you for your rating!")).to_be_visible()
    await expect(reader.get_by_text("Your rating: 4/5.")).to_be_visible()
    assert (await _ticket(services, 1)).rating == 4

    # Another score from another link of the same mail changes the rating.
    await reader.goto(rate["2"])
    await expect(reader.get_by_label("2 \N{EN DASH} could be better")).to_be_checked()
    await reader.get_by_role("button", name="Send my rating").click()
    await expect(reader.get_by_text("Your rating: 2/5.")).to_be_visible()
    rated = await _ticket(services, 1)
    assert rated.rating == 2
    view: dict[str, Any] = await services.helpdesk.views.requester_view(rated)
    assert view["csat"]["score"] == 2
    history = await services._store.helpdesk.list_ticket_events(rated.id)
    choices = [e.data["score"] for e in history if e.kind == "csat"]
    assert choices == [4, 2]  # two choices in the history, one rating on the ticket
