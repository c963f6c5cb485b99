"""Two records of one person merged from a requester's page over real HTTP, and an
address detached again: their tickets follow, mail and the form from either address are
theirs, each act is on the audit log, refusals are said and change nothing."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from aiohttp import ClientSession

from chatdesk.web.appkeys import SERVICES

from .test_console_tickets_http import ada_session, add_ada, csrf_of, file


async def post(http: ClientSession, path: str, data: dict[str, str]) -> str:
    """Post a form; return where it sends the browser (303)."""
    async with http.post(path, data=data, allow_redirects=False) as response:
        assert response.status == 303, await response.text()
        return response.headers["Location"]


async def test_an_operator_merges_two_records_and_detaches_an_address(server: Any) -> None:
    await add_ada(server)
    services = server.app[SERVICES]
    store = services._store
    people = services.helpdesk.people
    acme = await people.add_organisation("Acme")
    await people.add_member(acme, "lea@acme.be", name="Léa Dubois")
    at_work = await file(server, "Facture de mars", email="lea@acme.be")
    at_home = await file(server, "Mot de passe", email="lea.dubois@home.be", name="LEA Dubois")
    await file(server, "Autre", email="lea@elsewhere.be", name="Léa")  # one word: no match
    lea = await people.find("lea@acme.be")
    home = await people.find("lea.dubois@home.be")
    home = await people.set_note(home, "Prefers the phone")
    await people.set_note(lea, "Account manager: Tom")
    page = f"/console/requesters/{lea.id}"

    async with ada_session(server) as http:
        csrf = await csrf_of(http, page)
        # Refusals: said on the page (only the codes it knows), nothing changed.
        for email, code in (
            ("nobody@example.be", "unknown_requester"),
            ("lea@acme.be", "same_requester"),
            ("not an address", "invalid_email"),
        ):
            location = await post(http, f"{page}/merge", {"csrf": csrf, "email": email})
            assert location == f"{page}?merge_error={code}#req-addresses-h"
            async with http.get(location) as response:
                assert 'id="merge-error"' in await response.text()
        async with http.get(f"{page}?merge_error=<script>") as response:
            assert 'id="merge-error"' not in await response.text()
        async with http.post(f"{page}/merge", data={"email": "lea.dubois@home.be"}) as response:
            assert response.status == 403  # no CSRF token
        assert await people.find("lea.dubois@home.be") == home

        # Her page suggests the record of the same name (case and accents ignored).
        async with http.get(page) as response:
            text = await response.text()
        (suggested,) = re.findall(r'<ul id="req-namesakes">(.*?)</ul>', text, re.S)
        assert "lea.dubois@home.be" in suggested and "elsewhere" not in suggested
        assert 'aria-label="Merge lea.dubois@home.be into this requester"' in suggested

        # The merge: her home record's ticket, address and note come to her work record.
        location = await post(http, f"{page}/merge", {"csrf": csrf, "email": "lea.dubois@home.be"})
        assert urlsplit(location).query == "done=merged"
        async with http.get(location) as response:
            text = await response.text()
        assert 'id="req-merged"' in text and 'id="req-namesakes"' not in text
        assert '<a href="mailto:lea.dubois@home.be">lea.dubois@home.be</a>' in text
        assert "Mot de passe" in text and "Facture de mars" in text
        assert "Account manager: Tom\n\nPrefers the phone" in text
        async with http.get(f"/console/requesters/{home.id}") as response:
            assert response.status == 404
        async with http.get("/console/requesters?q=home.be") as response:
            assert "Léa Dubois" in await response.text()

        # The ticket moved says so in its history.
        async with http.get(f"/console/t/{at_home.id}") as response:
            assert "requester&#39;s two records merged (one person)" in await response.text()

        # From then on the home address is hers: a new ticket from it is hers.
        again = await file(server, "Encore moi", email="lea.dubois@home.be")
        assert again.requester_id == lea.id
        assert (await people.find("lea.dubois@home.be")).id == lea.id

        # A record of another organisation is not merged into hers.
        other = await people.add_organisation("Other")
        await people.add_member(other, "lea@other.be")
        location = await post(http, f"{page}/merge", {"csrf": csrf, "email": "lea@other.be"})
        assert location.endswith("merge_error=other_organisation#req-addresses-h")

        # Detached: the address is a requester again, with the tickets filed from it.
        location = await post(
            http, f"{page}/detach", {"csrf": csrf, "address": "lea.dubois@home.be"}
        )
        assert urlsplit(location).query == "done=detached"
        detached = await people.find("lea.dubois@home.be")
        assert detached.id != lea.id
        for ticket in (at_home, again):
            assert (await store.helpdesk.get_ticket(ticket.id)).requester_id == detached.id
        assert (await store.helpdesk.get_ticket(at_work.id)).requester_id == lea.id
        location = await post(
            http, f"{page}/detach", {"csrf": csrf, "address": "lea.dubois@home.be"}
        )
        assert location.endswith("merge_error=unknown_address#req-addresses-h")

        # Both acts are on the audit log, naming requesters by id only.
        async with http.get("/console/audit") as response:
            audit = await response.text()
        assert "merged two records of a requester" in audit
        assert "detached an address from a requester" in audit
        assert "home.be" not in audit
