"""Saved views in the console over real HTTP: an operator saves the list they look at
(its filters kept, not its page nor its requester), finds it among the views, replaces
and deletes it; an admin shares one with everyone; refusals change nothing."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from urllib.parse import parse_qs, urlsplit

import pytest
from aiohttp import ClientSession
from aiohttp.test_utils import TestServer

from chatdesk.models import Operator
from chatdesk.services import Services
from chatdesk.web.appkeys import SERVICES

from .conftest import StartServer
from .test_console_admin_http import _page
from .test_console_http import add_ada_and_bob, cookie_session, form_csrf, login
from .test_console_tickets_http import file


@pytest.fixture
async def desk(start_server: StartServer) -> TestServer:
    return await add_ada_and_bob(await start_server())


@pytest.fixture
async def http(desk: TestServer) -> AsyncIterator[ClientSession]:
    async with cookie_session(desk) as session:
        yield session


async def test_an_operator_saves_finds_and_deletes_a_view(
    desk: TestServer, http: ClientSession
) -> None:
    services: Services = desk.app[SERVICES]
    await file(desk, "Site down", priority="urgent")
    await file(desk, "Invoice question", priority="low")
    await login(http, "bob@desk.test")
    listing = "/console/tickets?view=open&priority=urgent&page=1&requester=" + "a" * 32
    status, text = await _page(http, "/console/tickets?view=open&priority=urgent")
    assert status == 200 and "Save as a view" in text
    assert 'name="shared"' not in text  # sharing is for admins
    query = re.search(r'name="query" value="([^"]*)"', text)
    assert query and query.group(1) == "view=open&amp;priority=urgent"

    # The list's page and requester are not kept; the rest is, in one order.
    status, location, _ = await _post(
        http, "/console/views", name="Urgent", query=urlsplit(listing).query
    )
    assert status == 303
    saved = parse_qs(urlsplit(location).query)
    assert saved.keys() == {"view", "priority", "saved"} and saved["priority"] == ["urgent"]
    [view] = await services.helpdesk.saved_views.visible(await _bob(services))
    assert (view.name, view.query) == ("Urgent", "view=open&priority=urgent")
    # An organisation's tickets are a kind a view keeps (a contract client's).
    status, acme, _ = await _post(
        http, "/console/views", name="Acme", query="org=" + "b" * 32 + "&view=all&page=2"
    )
    assert status == 303 and "org=" + "b" * 32 in acme and "page" not in acme
    await services.helpdesk.saved_views.delete(await _bob(services), acme.rsplit("=", 1)[1])

    status, text = await _page(http, location)
    # Its count: the urgent open tickets now (one), as Bob sees them.
    count = '<span class="count" aria-label="1 tickets now">1</span>'
    assert f'saved={view.id}" class="saved" aria-current="page">Urgent {count}</a>' in text
    await file(desk, "Mail down", priority="urgent")
    await file(desk, "Complaint", priority="urgent", type="complaint")  # not Bob's to see
    status, text = await _page(http, "/console/tickets?view=all")
    assert 'class="saved">Urgent <span class="count" aria-label="2 tickets now">2</span>' in text
    status, text = await _page(http, location)
    assert "<title>Tickets · Urgent" in text and "Site down" in text
    assert "Invoice question" not in text
    assert 'value="Urgent"' in text and "Delete this view" in text
    # Other filters on top: the view is no longer the one open.
    status, text = await _page(http, location + "&tag=x")
    assert 'aria-current="page">Urgent' not in text and "Delete this view" not in text

    # Refused: a forged form, a bad filter, no name, sharing; nothing saved.
    assert (await _post(http, "/console/views", name="X", query="view=open", csrf="f"))[0] == 403
    assert (await _post(http, "/console/views", name="X", query="priority=soon"))[0] == 400
    assert (await _post(http, "/console/views", name=" ", query="view=open"))[0] == 400
    shared = await _post(http, "/console/views", name="X", query="view=open", shared="1")
    assert shared[0] == 403
    assert len(await services.helpdesk.saved_views.visible(await _bob(services))) == 1

    status, location, _ = await _post(http, f"/console/views/{view.id}/delete")
    assert (status, location) == (303, "/console/tickets?deleted_view=1")
    status, text = await _page(http, location)
    assert "The view is deleted." in text and "Saved views" not in text
    assert (await _post(http, f"/console/views/{view.id}/delete"))[0] == 404


async def test_an_admin_shares_a_view_that_only_admins_delete(
    desk: TestServer, http: ClientSession
) -> None:
    await login(http, "ada@desk.test")
    status, text = await _page(http, "/console/tickets?view=all&tag=outage")
    assert 'name="shared" value="1"' in text
    status, location, _ = await _post(
        http, "/console/views", name="Outage", query="view=all&tag=outage", shared="1"
    )
    assert status == 303
    view_id = parse_qs(urlsplit(location).query)["saved"][0]
    async with cookie_session(desk) as bob:
        await login(bob, "bob@desk.test")
        status, text = await _page(bob, "/console/tickets")
        assert 'class="saved shared"' in text and '>Outage <span class="count"' in text
        status, text = await _page(bob, location)
        assert 'aria-current="page">Outage <span' in text and "Delete this view" not in text
        assert (await _post(bob, f"/console/views/{view_id}/delete"))[0] == 403
    assert (await _post(http, f"/console/views/{view_id}/delete"))[0] == 303


async def _post(http: ClientSession, path: str, **data: str) -> tuple[int, str, str]:
    data.setdefault("csrf", await form_csrf(http, "/console/tickets"))
    async with http.post(path, data=data, allow_redirects=False) as response:
        return response.status, response.headers.get("Location", ""), await response.text()


async def _bob(services: Services) -> Operator:
    return next(o for o in await services.operators.list() if o.email == "bob@desk.test")
