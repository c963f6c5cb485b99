"""``/console/webhooks``: admins see the endpoints and what waits for each, send a test,
and send a given-up delivery again; operators get a 403."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import ClientSession
from aiohttp.test_utils import TestServer

from chatdesk.services import Services
from chatdesk.web.appkeys import SERVICES

from .conftest import StartServer
from .ports import free_port
from .test_console_admin_http import _page, _post
from .test_console_http import add_ada_and_bob, cookie_session, login
from .test_webhooks import Receiver, file, receiver

__all__ = ["receiver"]  # the fixture

PAGE = "/console/webhooks"


@pytest.fixture
async def desk(start_server: StartServer, receiver: Receiver, tmp_path: Path) -> TestServer:
    config = tmp_path / "chatdesk.toml"
    config.write_text(
        f'[[webhooks]]\nname = "crm"\nurl = "{receiver.url}"\nevents = ["ticket.*"]\n'
        f'[[webhooks]]\nname = "down"\nurl = "http://127.0.0.1:{free_port()}/x"\n',
        encoding="utf-8",
    )
    server = await start_server(config_file=config)
    return await add_ada_and_bob(server)


@pytest.fixture
async def http(desk: TestServer) -> AsyncIterator[ClientSession]:
    async with cookie_session(desk) as session:
        yield session


async def test_operators_get_a_403_and_no_link(http: ClientSession) -> None:
    await login(http, "bob@desk.test")
    status, page = await _page(http, PAGE)
    assert status == 403 and "Only admins see the webhooks." in page
    assert f'href="{PAGE}"' not in page
    assert (await _post(http, PAGE, action="ping", name="crm"))[0] == 403


async def test_an_admin_tests_an_endpoint_and_sends_a_failure_again(
    desk: TestServer, http: ClientSession, receiver: Receiver
) -> None:
    services: Services = desk.app[SERVICES]
    await login(http)
    status, page = await _page(http, PAGE)
    assert status == 200 and f'href="{PAGE}" aria-current="page"' in page
    assert "<code>ticket.*</code>" in page and receiver.url in page
    assert "No delivery was given up." in page

    # A test: answered, refused, not reached.
    status, _, page = await _post(http, PAGE, action="ping", name="crm")
    assert status == 200 and "Test delivered (crm: 204)." in page
    assert receiver.got.get_nowait().event == "ping"
    receiver.status = 500
    _, _, page = await _post(http, PAGE, action="ping", name="crm")
    assert "The endpoint refused the test (crm: 500)." in page
    _, _, page = await _post(http, PAGE, action="ping", name="down")
    assert "The endpoint was not reached (down:" in page
    status, _, page = await _post(http, PAGE, action="ping", name="nope")
    assert status == 400 and "incomplete or malformed" in page

    # A delivery refused with 410 is given up, listed, and sent again on request.
    ticket = await file(services)
    receiver.status = 410
    await services.webhooks.plan_feed()
    await services.webhooks.send_due()
    receiver.drain()
    status, page = await _page(http, PAGE)
    row = page[page.index('data-hook="crm"') :]
    assert '<td data-label="Given up">1</td>' in row.split("</tr>")[0]
    assert "HTTP 410" in page and f'href="/console/t/{ticket.id}">{ticket.label}</a>' in page
    (failed,) = [f for f in await services.webhooks.failures() if f.endpoint == "crm"]
    receiver.status = 204
    status, location, _ = await _post(http, PAGE, action="retry", id=failed.id)
    assert status == 303 and location == f"{PAGE}?retried=1"
    _, page = await _page(http, location)
    assert "Queued again" in page
    await services.webhooks.send_due()
    # This call, or the desk's own webhooks job if it claimed the delivery first, posts it.
    assert (await asyncio.wait_for(receiver.got.get(), 10)).body.id == failed.id
    status, _, page = await _post(http, PAGE, action="retry", id=failed.id)
    assert status == 400 and "not given up any more" in page
    status, _, page = await _post(http, PAGE, action="retry", id="<script>")
    assert status == 400 and "<script>" not in page


async def test_the_page_speaks_french(http: ClientSession) -> None:
    await login(http)
    async with http.get(PAGE, headers={"Accept-Language": "fr"}) as response:
        page = await response.text()
    assert "Envois abandonnés" in page and "Envoyer un test" in page
