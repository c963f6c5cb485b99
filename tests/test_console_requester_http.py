"""A requester in the console over real HTTP: their other tickets in the ticket page's
panel and the list narrowed to them (server-rendered and by the ``tickets`` event), their
details corrected, their portal sessions ended."""

from __future__ import annotations

import re
from typing import Any

import pytest
from aiohttp import ClientSession

from chatdesk.errors import InvalidToken
from chatdesk.helpdesk import Edit
from chatdesk.models import AuditAction
from chatdesk.web.appkeys import SERVICES

from .test_console_tickets_http import ada_session, add_ada, file


async def test_the_requester_panel_lists_their_other_tickets(server: Any) -> None:
    desk = server
    desk.ada = await add_ada(server)
    async with ada_session(server) as http:
        await _walk(desk, http)


async def _walk(desk: Any, http: Any) -> None:
    first = await file(desk, "Export vide", email="lea@example.be", name="Léa")
    second = await file(desk, "Facture en double", email="lea@example.be")
    await file(desk, "Someone else's", email="tom@example.be")
    current = await file(desk, "Mot de passe", email="lea@example.be")
    services = desk.app[SERVICES]
    await services.helpdesk.tickets.change(desk.ada, first.id, Edit(status="resolved"))
    async with http.get(f"/console/t/{current.number}") as page:
        text = await page.text()
    others = re.search(r'<ul class="others" id="others">(.*?)</ul>', text, re.S)
    assert others, text
    # Hers only, not this one, the last changed first, with their status.
    subjects = re.findall(r'<span class="num">[^<]+</span> ([^<]+)</a>', others.group(1))
    assert subjects == ["Export vide", "Facture en double"]
    assert ">resolved</span>" in others.group(1)
    link = f"/console/tickets?view=all&amp;sort=updated&amp;requester={current.requester_id}"
    assert f'<a href="{link}">All their requests (3)</a>' in text

    # The list narrowed to her: three tickets, her name above, a way back to everyone.
    async with http.get(link.replace("&amp;", "&")) as page:
        listing = await page.text()
    assert "Requests of Léa" in listing and "&lt;lea@example.be&gt;" in listing
    assert listing.count('class="trow') == 3 and "Someone else" not in listing
    assert 'name="requester" value="' in listing  # the filters form keeps her
    assert second.subject in listing

    # A first request says so; an unknown requester id is a 404.
    async with http.get(
        f"/console/t/{(await file(desk, 'Hello', email='new@x.be')).number}"
    ) as page:
        assert "None: this is their first." in await page.text()
    async with http.get("/console/tickets?requester=nobody") as page:
        assert page.status == 404
    # Her address in the search box lists hers; a ticket's number opens it.
    async with http.get("/console/tickets?view=all&q=lea%40example.be") as page:
        assert (await page.text()).count('class="trow') == 3
    async with http.get(f"/console/tickets?q=%23{first.number}", allow_redirects=False) as page:
        assert (page.status, page.headers["Location"]) == (303, f"/console/t/{first.id}")


async def test_an_operator_corrects_a_requester_s_details(server: Any) -> None:
    await add_ada(server)
    ticket = await file(server, "Appel", email="jdoe@example.be")
    people = server.app[SERVICES].helpdesk.people
    async with ada_session(server) as http:
        path = f"/console/t/{ticket.number}"
        async with http.get(path) as page:
            text = await page.text()
        assert f'action="/console/requesters/{ticket.requester_id}"' in text
        csrf = re.search(r'name="csrf" value="([^"]+)"', text)
        assert csrf
        data = {"csrf": csrf.group(1), "name": "John Doe", "phone": "+32 4 55 55 55",
                "back": ticket.id}  # fmt: skip
        async with http.post(
            f"/console/requesters/{ticket.requester_id}", data=data, allow_redirects=False
        ) as response:
            assert (response.status, response.headers["Location"]) == (
                303,
                f"/console/t/{ticket.id}",
            )
        john = await people.find("jdoe@example.be")
        assert (john.name, john.phone) == ("John Doe", "+32 4 55 55 55")
        # Refused: too long, a forged form, nobody by that id; nothing changes.
        async with http.post(
            f"/console/requesters/{ticket.requester_id}", data=data | {"name": "J" * 101}
        ) as response:
            assert response.status == 400
        async with http.post(
            f"/console/requesters/{ticket.requester_id}", data=data | {"csrf": "x"}
        ) as response:
            assert response.status == 403
        async with http.post("/console/requesters/" + "0" * 32, data=data) as response:
            assert response.status == 404
    assert (await people.find("jdoe@example.be")).name == "John Doe"
    # Signed out: the login page, nothing changes.
    async with (
        ClientSession(base_url=str(server.make_url(""))) as anonymous,
        anonymous.post(
            f"/console/requesters/{ticket.requester_id}", data=data, allow_redirects=False
        ) as response,
    ):
        assert response.status in (302, 303, 401, 403)
    assert (await people.find("jdoe@example.be")).name == "John Doe"


async def test_an_operator_signs_a_requester_out_of_the_portal(server: Any) -> None:
    ada = await add_ada(server)
    ticket = await file(server, "My account was used", email="jdoe@example.be")
    services = server.app[SERVICES]
    signin = services.helpdesk.signin
    (event,) = await signin.request("jdoe@example.be", client="test")
    _, session = await signin.use_link(event.link.rsplit("/", 1)[1])
    assert (await signin.session(session)).email == "jdoe@example.be"
    path = f"/console/requesters/{ticket.requester_id}/signout"
    async with ada_session(server) as http:
        async with http.get(f"/console/t/{ticket.number}") as page:
            text = await page.text()
        assert f'action="{path}"' in text and "Sign them out of the portal" in text
        csrf = re.search(r'name="csrf" value="([^"]+)"', text)
        assert csrf
        data = {"csrf": csrf.group(1), "back": ticket.id}
        # Refused: a forged form, nobody by that id; the session lives on.
        async with http.post(path, data=data | {"csrf": "x"}) as response:
            assert response.status == 403
        async with http.post("/console/requesters/" + "0" * 32 + "/signout", data=data) as response:
            assert response.status == 404
        assert (await signin.session(session)).email == "jdoe@example.be"

        async with http.post(path, data=data, allow_redirects=False) as response:
            location = response.headers["Location"]
            assert (response.status, location) == (303, f"/console/t/{ticket.id}?done=signed_out")
        async with http.get(location) as page:
            assert "Signed out of the portal in every browser." in await page.text()
    with pytest.raises(InvalidToken):
        await signin.session(session)
    [entry] = await services.audit.page(ada)
    assert (entry.action, entry.actor, entry.target) == (
        AuditAction.REQUESTER_SIGNED_OUT,
        "ada@desk.test",
        f"requester {ticket.requester_id}",
    )
