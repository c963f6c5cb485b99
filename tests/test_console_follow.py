"""Following a ticket in the console over real HTTP: the ticket page's button, who follows
it, the *Following* view; a forged or unknown request changes nothing."""

from __future__ import annotations

from typing import Any

from chatdesk.web.appkeys import SERVICES

from .test_console_tickets_http import ada_session, add_ada, csrf_of, file


async def test_an_operator_follows_a_ticket_and_finds_it_in_following(server: Any) -> None:
    ada = await add_ada(server)
    followed = await file(server, "Site lent")
    await file(server, "Facture")
    page = f"/console/t/{followed.id}"
    async with ada_session(server) as http:
        async with http.get(page) as response:
            text = await response.text()
        assert 'aria-pressed="false" aria-describedby="follow-help">Follow</button>' in text
        assert "Followed by" not in text
        csrf = await csrf_of(http, page)
        async with http.post(
            f"{page}/follow", data={"csrf": csrf, "on": "1"}, allow_redirects=False
        ) as response:
            assert response.status == 303 and response.headers["Location"] == page
        async with http.get(page) as response:
            text = await response.text()
        assert 'aria-pressed="true" aria-describedby="follow-help">Stop following</button>' in text
        assert "Followed by Ada." in text
        async with http.get("/console/tickets?view=following") as response:
            listing = await response.text()
        assert listing.count('class="trow') == 1 and "Site lent" in listing
        assert 'href="/console/tickets?view=following" aria-current="page"' in listing

        # Refused: no CSRF token, a wrong value, a ticket that does not exist.
        for data, path in (
            ({"on": "0"}, page), ({"csrf": csrf, "on": "yes"}, page),
            ({"csrf": csrf, "on": "0"}, "/console/t/%23999999"),
        ):  # fmt: skip
            async with http.post(f"{path}/follow", data=data, allow_redirects=False) as response:
                assert response.status in (400, 403), (data, path)
        services = server.app[SERVICES]
        assert (await services.helpdesk.console.page(ada, followed.id))["followers"] == [ada.id]
        async with http.post(
            f"{page}/follow", data={"csrf": csrf, "on": "0"}, allow_redirects=False
        ) as response:
            assert response.status == 303
        async with http.get("/console/tickets?view=following") as response:
            assert 'class="trow' not in await response.text()
    assert (await services.helpdesk.console.page(ada, followed.id))["followers"] == []
