"""``/console/rules`` over real HTTP: admins read the desk's rules in words with how many
tickets each changed in the last 30 days, and try them on a ticket that is not filed;
operators get a 403."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import ClientSession
from aiohttp.test_utils import TestServer

from chatdesk.helpdesk import NewTicket
from chatdesk.services import Services
from chatdesk.web.appkeys import SERVICES

from .conftest import StartServer
from .test_console_admin_http import _page, _post
from .test_console_http import add_ada_and_bob, cookie_session, login

PAGE = "/console/rules"
RULES = """
[desk]
departments = ["general", "technical", "billing"]

[[rules]]
name = "Invoices go to billing"
when = { words = ["facture", "invoice"], channel = ["email", "form"] }
then = { department = "billing", tags = ["facture"] }

[[rules]]
name = "Acme to Bob"
when = { organisation = ["Acme"] }
then = { assign = "bob@desk.test", priority = "high" }

[[rules]]
name = "Leads"
when = { requester = ["*@partner.example"] }
then = { assign = "gone@desk.test" }

[[rules]]
name = "Billing shared out"
when = { department = ["billing"], channel = ["api"] }
then = { assign = "least-busy" }
"""


@pytest.fixture
async def desk(start_server: StartServer, tmp_path: Path) -> TestServer:
    config = tmp_path / "chatdesk.toml"
    config.write_text(RULES, encoding="utf-8")
    server = await start_server(config_file=config)
    return await add_ada_and_bob(server)


@pytest.fixture
async def http(desk: TestServer) -> AsyncIterator[ClientSession]:
    async with cookie_session(desk) as session:
        yield session


def _text(page: str) -> str:
    """The page's words, tags and runs of spaces left out."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


async def test_operators_get_a_403_and_no_link(http: ClientSession) -> None:
    await login(http, "bob@desk.test")
    status, page = await _page(http, PAGE)
    assert status == 403 and "Only admins see the rules." in page
    assert f'href="{PAGE}"' not in page
    assert (await _post(http, PAGE, action="try", email="a@b.be", subject="x"))[0] == 403


async def test_an_admin_reads_the_rules_and_tries_them(
    desk: TestServer, http: ClientSession
) -> None:
    services: Services = desk.app[SERVICES]
    for subject in ("Facture en double", "Invoice 42", "Site lent"):
        await services.helpdesk.filing.file(NewTicket("lea@client.be", subject, channel="email"))
    acme = await services.helpdesk.people.add_organisation("Acme")
    await services.helpdesk.people.add_member(acme, "tom@acme.be", name="Tom")
    await login(http)
    status, page = await _page(http, PAGE)
    assert status == 200 and f'href="{PAGE}" aria-current="page"' in page
    words = _text(page)
    assert (
        "Invoices go to billing channel: e-mail, web form words: “facture”, “invoice” "
        "department: Billing tags: + facture 2"
    ) in words
    assert "Acme to Bob organisation: acme priority: high assignee: Bob 0" in words
    assert "assignee: gone@desk.test (no active operator) 0" in words
    assert "assignee: the least busy operator of the ticket's department 0" in words

    status, _, page = await _post(
        http, PAGE, action="try", email="Tom@Acme.be", subject="Ma FACTURE", channel="email"
    )
    assert status == 200
    words = _text(page)
    assert (
        "These rules would act: Invoices go to billing : department: General → Billing; "
        "tags: + facture Acme to Bob : priority: normal → high; assignee: Bob"
    ) in words
    assert (
        "The ticket would be filed with: department: Billing priority: high type: question "
        "tags: facture assignee: Bob"
    ) in words
    assert 'value="Ma FACTURE"' in page  # the form keeps what was typed
    status, _, page = await _post(http, PAGE, action="try", email="x@y.be", subject="Bonjour")
    assert status == 200 and "No rule would act." in page
    status, _, page = await _post(http, PAGE, action="try", email="x@y.be", subject="")
    assert status == 400 and 'role="alert"' in page
    status, _, page = await _post(
        http, PAGE, action="try", email="x@y.be", subject="x", channel="fax"
    )
    assert status == 400
    status, page = await _page(http, "/console/tickets?view=all")
    assert status == 200 and page.count('class="trow') == 3  # trying filed nothing
