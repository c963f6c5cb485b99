"""A requester's other tickets in the console over real HTTP: the ticket page's panel and
the list narrowed to one requester (server-rendered and by the ``tickets`` event)."""

from __future__ import annotations

import re
from typing import Any

from chatdesk.helpdesk import Edit
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
