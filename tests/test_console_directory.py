"""The requesters' directory and a requester's page over real HTTP: searched (case and
accents ignored), by organisation, ordered, paged; counts as each operator may see them;
details corrected from the page; bad queries refused; text escaped."""

from __future__ import annotations

import re
from typing import Any

from aiohttp import ClientSession, CookieJar

from chatdesk.helpdesk import Edit
from chatdesk.web.appkeys import SERVICES

from .test_console_tickets_http import PASSWORD, ada_session, add_ada, csrf_of, file


def _rows(text: str) -> list[str]:
    """The names in the directory's rows, in order."""
    return re.findall(r'<th scope="row"><a href="/console/requesters/[0-9a-f]+">([^<]+)</a>', text)


async def test_operators_find_requesters_and_open_their_page(server: Any) -> None:
    ada = await add_ada(server)
    services = server.app[SERVICES]
    acme = await services.helpdesk.people.add_organisation("Acme Énergie")
    await services.helpdesk.people.add_member(acme, "lea@acme.be", name="Léa Dubois")
    first = await file(server, "Export vide", email="lea@acme.be")
    await file(server, "Plainte", email="lea@acme.be", type="complaint")
    await file(server, "Vraag", email="tom@example.nl", name="<b>Tom</b>")
    await services.helpdesk.tickets.change(ada, first.id, Edit(status="resolved"))
    lea = await services.helpdesk.people.find("lea@acme.be")

    async with ada_session(server) as http:
        async with http.get("/console/requesters") as page:
            assert page.status == 200
            text = await page.text()
        assert 'href="/console/requesters" aria-current="page"' in text  # in the bar
        # (The order by activity is the store's contract: here, all in one second.)
        assert sorted(_rows(text)) == ["&lt;b&gt;Tom&lt;/b&gt;", "Léa Dubois"]
        assert "<b>Tom</b>" not in text
        assert "2 requesters" in text
        assert "2 (1 open)" in text  # an admin counts the complaint
        for query, names in (
            ("q=LEA", ["Léa Dubois"]),
            ("q=energie", ["Léa Dubois"]),  # the organisation's name, accents ignored
            ("q=example.nl", ["&lt;b&gt;Tom&lt;/b&gt;"]),
            ("q=nobody", []),
            (f"org={acme.id}", ["Léa Dubois"]),
            ("sort=name", ["&lt;b&gt;Tom&lt;/b&gt;", "Léa Dubois"]),
        ):
            async with http.get(f"/console/requesters?{query}") as page:
                listing = await page.text()
            assert _rows(listing) == names, query
        async with http.get("/console/requesters?q=nobody") as page:
            assert "Nobody matches." in await page.text()
        # Pages of 50: the pager says where you are and links the next.
        for n in range(50):
            await services.helpdesk.people.add_member(acme, f"member{n}@acme.be")
        async with http.get(f"/console/requesters?org={acme.id}") as page:
            text = await page.text()
        assert len(_rows(text)) == 50 and "Page 1 of 2" in text
        assert f'href="/console/requesters?org={acme.id}&amp;page=2" rel="next"' in text
        async with http.get(f"/console/requesters?org={acme.id}&page=2") as page:
            text = await page.text()
        assert len(_rows(text)) == 1 and "51 requesters" in text and 'rel="prev"' in text
        for bad in ("sort=email", "page=0", "page=x", "org=nope", "q=" + "x" * 201):
            async with http.get(f"/console/requesters?{bad}") as page:
                assert page.status == 400, bad

        # Her page: details, organisation, tickets, forms.
        async with http.get(f"/console/requesters/{lea.id}") as page:
            text = await page.text()
        assert "<h1>Léa Dubois</h1>" in text and "Acme Énergie" in text
        assert "2 in all, 1 open" in text
        assert "Plainte" in text and "Export vide" in text
        assert f'href="/console/orgs/{acme.id}"' in text  # an admin's link
        assert 'href="/console/privacy?email=lea%40acme.be"' in text
        csrf = await csrf_of(http, f"/console/requesters/{lea.id}")
        edit = {"csrf": csrf, "name": "Léa Dubois-Martin", "phone": "+32 2 555 01 01",
                "note": "<i>VIP</i>\r\nCall before noon."}  # fmt: skip
        # A note too long is refused before anything is saved.
        async with http.post(
            f"/console/requesters/{lea.id}", data=edit | {"note": "x" * 2001}
        ) as response:
            assert response.status == 400
        assert (await services.helpdesk.people.get(lea.id)).name == "Léa Dubois"
        async with http.post(
            f"/console/requesters/{lea.id}", data=edit, allow_redirects=False
        ) as response:
            location = response.headers["Location"]
            assert (response.status, location) == (
                303,
                f"/console/requesters/{lea.id}?done=updated",
            )
        async with http.get(location) as page:
            text = await page.text()
        assert "Their details are saved." in text and "Léa Dubois-Martin" in text
        async with http.get("/console/requesters?q=lea") as page:
            listed = await page.text()
        # Her row says the team keeps a note (the note itself as its tooltip, escaped).
        assert '<span class="badge note" title="&lt;i&gt;VIP&lt;/i&gt;' in listed
        note = "&lt;i&gt;VIP&lt;/i&gt;\nCall before noon.</dd>"
        assert f'<dd class="requester-note" id="req-note">{note}' in text
        assert 'href="tel:+3225550101"' in text
        async with http.get("/console/requesters/" + "0" * 32) as page:
            assert page.status == 404

        # Her organisation's tickets: the list narrowed to it, named above it, live.
        async with http.get(f"/console/requesters/{lea.id}") as page:
            assert f'org={acme.id}" id="req-org-tickets">Tickets of Acme Énergie' in (
                await page.text()
            )
        await file(server, "Hors organisation", email="zoe@example.fr")
        async with http.get(f"/console/tickets?view=all&org={acme.id}") as page:
            listing = await page.text()
        assert 'id="filtered-org">Tickets of Acme Énergie' in listing
        assert "Export vide" in listing and "Hors organisation" not in listing
        assert f'name="org" value="{acme.id}"' in listing  # the filters form keeps it
        async with http.get("/console/tickets?org=" + "0" * 32) as page:
            assert page.status == 404
        async with http.get(f"/console/tickets.csv?view=all&org={acme.id}") as page:
            exported = await page.text()
        assert "Export vide" in exported and "Hors organisation" not in exported

        # A ticket's requester panel links her page.
        async with http.get(f"/console/t/{first.number}") as page:
            text = await page.text()
        assert f'href="/console/requesters/{lea.id}" id="t-requester-page"' in text
        assert 'id="t-requester-note">&lt;i&gt;VIP&lt;/i&gt;' in text
        # The ticket panel's form without a note (an older page) leaves it as it is.
        async with http.post(
            f"/console/requesters/{lea.id}",
            data={"csrf": csrf, "name": "Léa Dubois-Martin", "back": first.id},
        ) as response:
            assert response.status == 200
        assert (await services.helpdesk.people.get(lea.id)).note.startswith("<i>VIP</i>")

    # Bob, an operator, neither counts nor sees the complaint; no admin links.
    await services.operators.add(
        "bob@desk.test", name="Bob", role="operator", departments=("general",),
        languages=("en",), password=PASSWORD,
    )  # fmt: skip
    async with ClientSession(
        base_url=str(server.make_url("")), cookie_jar=CookieJar(unsafe=True)
    ) as http:
        data = {"csrf": await csrf_of(http, "/console/login"), "email": "bob@desk.test"}
        async with http.post("/console/login", data=data | {"password": PASSWORD}) as response:
            assert response.status == 200
        async with http.get("/console/requesters?q=lea") as page:
            assert "1 (0 open)" in await page.text()
        async with http.get(f"/console/requesters/{lea.id}") as page:
            text = await page.text()
        assert "Plainte" not in text and "Export vide" in text
        assert "/console/orgs/" not in text and "/console/privacy?" not in text

    # Signed out: the login page.
    async with (
        ClientSession(base_url=str(server.make_url(""))) as anonymous,
        anonymous.get("/console/requesters", allow_redirects=False) as response,
    ):
        assert response.status in (302, 303)


async def test_a_new_desk_s_directory_says_who_will_appear(server: Any) -> None:
    await add_ada(server)
    async with ada_session(server) as http:
        async with http.get("/console/requesters") as page:
            text = await page.text()
        assert "No requester yet: people appear here with their first request." in text
        assert "0 requesters" in text
        ticket = await file(server, "Bonjour", email="lea@example.be", name="Léa")
        async with http.get(f"/console/tickets?view=all&requester={ticket.requester_id}") as page:
            text = await page.text()
        # The list narrowed to her names her, a link to her page.
        link = f'<a href="/console/requesters/{ticket.requester_id}" id="filtered-requester">'
        assert link + "Requests of Léa</a>" in text
