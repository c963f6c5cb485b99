"""``/console/privacy``: admins download a requester's data and erase them (GDPR art. 15
and 17); the erasure needs the address typed again; operators get a 403."""

from __future__ import annotations

import json

from aiohttp import ClientSession
from aiohttp.test_utils import TestServer

from chatdesk.helpdesk import NewTicket
from chatdesk.services import Services
from chatdesk.web.appkeys import SERVICES

from .test_console_admin_http import _page, _post, desk, http, sink
from .test_console_http import login

__all__ = ["desk", "http", "sink"]  # the fixtures, shared with the admin pages' tests

PAGE = "/console/privacy"


async def test_operators_get_a_403(http: ClientSession) -> None:
    await login(http, "bob@desk.test")
    assert (await _page(http, PAGE))[0] == 403
    async with http.get(f"{PAGE}/export?email=lea@acme.be") as response:
        assert response.status == 403
    assert (await _post(http, PAGE, email="x@y.be", confirm="x@y.be"))[0] == 403


async def test_an_admin_downloads_then_erases_a_requester(
    desk: TestServer, http: ClientSession
) -> None:
    services: Services = desk.app[SERVICES]
    ticket, _ = await services.helpdesk.filing.file(
        NewTicket(email="lea@acme.be", name="Léa <b>", subject="Mon site", description="Aide")
    )
    copied, _ = await services.helpdesk.filing.file(
        NewTicket(email="tom@acme.be", subject="Facture", cc=["Lea@acme.be"])
    )
    await login(http)
    status, page = await _page(http, f"{PAGE}?email=Lea@Acme.be")
    assert status == 200 and "Léa &lt;b&gt;" in page and "Download their data" in page
    assert "This desk keeps chats and tickets until someone is erased" in page
    async with http.get(f"{PAGE}/export?email=lea@acme.be") as response:
        assert response.status == 200 and "attachment" in response.headers["Content-Disposition"]
        data = json.loads(await response.read())
    assert data["requester"]["email"] == "lea@acme.be"
    assert [t["ticket"]["subject"] for t in data["tickets"]] == ["Mon site"]
    # Tickets of others she is in Cc of: named, without what others wrote.
    assert [(t["number"], t["subject"]) for t in data["in_cc"]] == [(copied.label, "Facture")]
    # The address must be typed again.
    status, _, page = await _post(http, PAGE, email="lea@acme.be", confirm="lea@acme.b")
    assert status == 400 and "to confirm the erasure" in page
    assert await services.helpdesk.people.find("lea@acme.be")
    status, location, _ = await _post(http, PAGE, email="lea@acme.be", confirm="LEA@acme.be")
    assert status == 303 and location == f"{PAGE}?erased=1"
    _, page = await _page(http, location)
    assert "Erased; 1 ticket(s) kept, anonymous." in page
    _, page = await _page(http, f"{PAGE}?email=lea@acme.be")
    assert "No requester has the address" in page
    status, page = await _page(http, f"{PAGE}?email=not-an-address")
    assert status == 200 and "No requester has the address" in page
    async with http.get(f"{PAGE}/export?email=not-an-address") as response:
        assert response.status == 404
    async with http.get(f"{PAGE}/export?email=lea@acme.be") as response:
        assert response.status == 404
    # The ticket stays, anonymous, in the console.
    status, page = await _page(http, f"/console/t/{ticket.id}")
    assert status == 200 and "Mon site" not in page and "Léa" not in page
