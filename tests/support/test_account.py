"""A requester's own account page in the portal over real HTTP: their details, changed by
them only, the download of what the desk holds about them, signing out elsewhere."""

from __future__ import annotations

import json

from aiohttp import ClientSession

from chatdesk.events import TicketCreated
from chatdesk.web.supportbase import SESSION_COOKIE

from .conftest import Portal, StartPortal
from .test_org import _sign_in


async def _save(portal: Portal, **values: str) -> tuple[int, str, str]:
    csrf = await portal.csrf("/support/account")
    data = {"csrf": csrf, "lang": "en"} | values
    async with portal.http.post("/support/account", data=data, allow_redirects=False) as response:
        return response.status, response.headers.get("Location", ""), await response.text()


async def test_a_requester_changes_their_details_and_downloads_their_data(
    portal: Portal,
) -> None:
    assert (await portal.file(email="ann@example.com", name="Ann"))[0].status == 303
    await _sign_in(portal, "ann@example.com")
    _, page = await portal.page("/support/account")
    assert 'href="/support/account" aria-current="page">My account' in page
    assert 'name="name" value="Ann"' in page

    status, location, _ = await _save(portal, name="  Ann   Peeters ", phone="+32 2 555 01 01")
    assert (status, location) == (303, "/support/account?saved=1")
    _, page = await portal.page(location)
    assert "Your details are saved." in page and 'value="Ann Peeters"' in page
    ann = await portal.services.helpdesk.people.find("ann@example.com")
    assert (ann.name, ann.phone) == ("Ann Peeters", "+32 2 555 01 01")
    # The ticket keeps the name it was filed with.
    [created] = portal.published(TicketCreated)
    assert created.ticket.requester_name == "Ann"

    # Too long: said, what was typed kept, nothing changed.
    status, _, page = await _save(portal, name="A" * 101, phone="")
    assert status == 400 and "100 characters at most" in page and "A" * 101 in page
    assert (await portal.services.helpdesk.people.find("ann@example.com")).name == "Ann Peeters"

    async with portal.http.get("/support/account/export") as response:
        assert response.status == 200
        assert "attachment" in response.headers["Content-Disposition"]
        assert "no-store" in response.headers["Cache-Control"]
        data = json.loads(await response.read())
    assert data["requester"]["email"] == "ann@example.com"
    assert [t["ticket"]["subject"] for t in data["tickets"]] == ["The backup failed"]


async def test_the_account_is_only_its_own_requester_s(portal: Portal) -> None:
    for path in ("/support/account", "/support/account/export"):
        response, _ = await portal.page(path, allow_redirects=False)
        assert (response.status, response.headers["Location"]) == (303, "/support/signin")
    assert (await portal.file(email="ann@example.com", name="Ann"))[0].status == 303
    await _sign_in(portal, "ann@example.com")
    data = {"csrf": "forged", "name": "Mallory"}
    async with portal.http.post("/support/account", data=data) as response:
        assert response.status == 403
    assert (await portal.services.helpdesk.people.find("ann@example.com")).name == "Ann"


async def test_a_signed_in_requester_finds_the_form_filled_in(portal: Portal) -> None:
    assert (await portal.file(email="ann@example.com", name="Ann", phone="+32 2 555 01 01"))[
        0
    ].status == 303
    _, page = await portal.page("/support/new")
    assert 'value="ann@example.com"' not in page  # anonymous: nothing
    await _sign_in(portal, "ann@example.com")
    _, page = await portal.page("/support/new?type=incident")
    assert 'name="email" value="ann@example.com"' in page
    assert 'value="Ann"' in page and 'value="+32 2 555 01 01"' in page


async def test_the_page_says_how_long_closed_requests_keep_what_names_you(
    start_portal: StartPortal,
) -> None:
    portal = await start_portal()
    assert (await portal.file(email="ann@example.com", name="Ann"))[0].status == 303
    await _sign_in(portal, "ann@example.com")
    _, page = await portal.page("/support/account")
    assert "after a request is closed" not in page  # kept: nothing to say
    portal = await start_portal("[privacy]\nanonymise_tickets_after_days = 730\n")
    assert (await portal.file(email="ann@example.com", name="Ann"))[0].status == 303
    await _sign_in(portal, "ann@example.com")
    _, page = await portal.page("/support/account?lang=fr")
    assert "730 jours après la clôture" in page


async def test_a_requester_signs_out_of_their_other_browsers(portal: Portal) -> None:
    assert (await portal.file(email="ann@example.com", name="Ann"))[0].status == 303
    signin = portal.services.helpdesk.signin
    # Two browsers: a shared computer's (signed in first) and this one.
    (event,) = await signin.request("ann@example.com", client="test")
    _, shared = await signin.use_link(event.link.rsplit("/", 1)[1])
    await _sign_in(portal, "ann@example.com")
    other = {"Cookie": f"{SESSION_COOKIE}={shared}"}
    async with ClientSession(base_url=str(portal.server.make_url(""))) as elsewhere:
        async with elsewhere.get("/support", headers=other, allow_redirects=False) as response:
            assert response.status == 200

        csrf = await portal.csrf("/support/account")
        # A forged form ends nothing.
        data = {"csrf": "forged", "lang": "en"}
        async with portal.http.post("/support/account/sessions", data=data) as response:
            assert response.status == 403
        async with elsewhere.get("/support", headers=other, allow_redirects=False) as response:
            assert response.status == 200

        data = {"csrf": csrf, "lang": "en"}
        async with portal.http.post(
            "/support/account/sessions", data=data, allow_redirects=False
        ) as response:
            assert (response.status, response.headers["Location"]) == (
                303,
                "/support/account?done=sessions",
            )
        _, page = await portal.page("/support/account?done=sessions")
        assert "Your other browsers are signed out." in page  # this one stays signed in
        async with elsewhere.get("/support", headers=other, allow_redirects=False) as response:
            assert (response.status, response.headers["Location"]) == (303, "/support/signin")
        # A new link signs the other browser in again.
        (event,) = await signin.request("ann@example.com", client="test")
        _, again = await signin.use_link(event.link.rsplit("/", 1)[1])
        fresh = {"Cookie": f"{SESSION_COOKIE}={again}"}
        async with elsewhere.get("/support", headers=fresh, allow_redirects=False) as response:
            assert response.status == 200


async def test_a_merged_requester_signs_in_with_either_address_and_sees_both(
    portal: Portal,
) -> None:
    assert (await portal.file(email="ann@example.com", name="Ann"))[0].status == 303
    assert (await portal.file(email="ann@home.example", subject="Mot de passe"))[0].status == 303
    people = portal.services.helpdesk.people
    ann, home = await people.find("ann@example.com"), await people.find("ann@home.example")
    await portal.services.privacy.merge(None, home, ann)
    await _sign_in(portal, "ann@home.example")
    _, page = await portal.page("/support/account")
    assert "Signed in as ann@example.com" in page
    assert 'id="account-addresses">Your other addresses: ann@home.example.' in page
    _, listing = await portal.page("/support")
    assert "The backup failed" in listing and "Mot de passe" in listing
