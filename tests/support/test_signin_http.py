"""E-mail sign-in to the portal over real HTTP: one message whatever the address, single
use, expiry, throttles, the requester's list, an organisation admin's list, sign out."""

from __future__ import annotations

from aiohttp import FormData

from chatdesk.events import SignInRequested, TicketCreated

from .conftest import Portal

SENT = "If this address is known to us, a sign-in link is on its way."


async def _ask(portal: Portal, email: str, **headers: str) -> tuple[int, str]:
    csrf = await portal.csrf("/support/signin")
    data = {"csrf": csrf, "email": email, "lang": "en"}
    async with portal.http.post("/support/signin", data=data, headers=headers) as response:
        return response.status, await response.text()


async def _use(portal: Portal, link: str) -> tuple[int, str, str]:
    csrf = await portal.csrf(link)
    async with portal.http.post(link, data={"csrf": csrf}, allow_redirects=False) as response:
        return response.status, response.headers.get("Location", ""), await response.text()


async def test_known_and_unknown_addresses_read_the_same(portal: Portal) -> None:
    await portal.services.helpdesk.people.requester("ann@example.com", name="Ann")
    known = await _ask(portal, "Ann@Example.com")
    unknown = await _ask(portal, "nobody@example.com")
    assert known[0] == unknown[0] == 200
    assert SENT in known[1] and SENT in unknown[1]
    # Nothing more on the page: the link goes only by e-mail (SignInRequested).
    assert "/support/signin/" not in known[1]
    [event] = portal.published(SignInRequested)
    assert event.requester.email == "ann@example.com" and event.link.startswith("/support/signin/")


async def test_a_link_signs_in_once_and_lists_the_requester_s_tickets(portal: Portal) -> None:
    response, _ = await portal.file(subject="Mine")
    assert response.status == 303
    await _ask(portal, "ann@example.com")
    [event] = portal.published(SignInRequested)
    response, page = await portal.page(event.link)
    assert response.status == 200 and "Sign in as ann@example.com?" in page
    status, location, _ = await _use(portal, event.link)
    assert (status, location) == (303, "/support")
    cookie = portal.http.cookie_jar.filter_cookies(portal.server.make_url("/support"))
    assert "chatdesk_requester" in cookie
    _, page = await portal.page("/support")
    [ticket] = [e.ticket for e in portal.published(TicketCreated)]
    assert "Signed in as ann@example.com" in page and ticket.label in page and "Mine" in page
    # The link was used: a second use (another browser) is refused.
    portal.http.cookie_jar.clear()
    status, _, page = await _use(portal, event.link)
    assert status == 400 and "was used already" in page
    response, _ = await portal.page("/support", allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == "/support/signin"


async def test_a_link_expires_after_15_minutes(portal: Portal) -> None:
    await portal.services.helpdesk.people.requester("ann@example.com")
    await _ask(portal, "ann@example.com")
    [event] = portal.published(SignInRequested)
    portal.clock.advance(minutes=16)
    response, page = await portal.page(event.link)
    assert response.status == 400 and "This sign-in link has expired" in page
    status, _, page = await _use(portal, event.link)
    assert status == 400 and "has expired" in page


async def test_requests_are_throttled(portal: Portal) -> None:
    await portal.services.helpdesk.people.requester("ann@example.com")
    for _ in range(4):
        assert (await _ask(portal, "ann@example.com"))[0] == 200
    # Three links per address per window; the fourth request reads the same.
    assert len(portal.published(SignInRequested)) == 3
    for i in range(6):
        await _ask(portal, f"x{i}@example.com")
    status, page = await _ask(portal, "ann@example.com")
    assert status == 429 and "Too many attempts" in page


async def test_an_organisation_admin_sees_the_organisation_s_tickets(portal: Portal) -> None:
    people = portal.services.helpdesk.people
    acme = await people.add_organisation("Acme")
    await people.add_member(acme, "boss@acme.test", role="admin", name="Boss")
    await people.add_member(acme, "eve@acme.test", name="Eve")
    assert (await portal.file(email="eve@acme.test", subject="Eve's problem"))[0].status == 303
    assert (await portal.file(email="boss@acme.test", subject="Boss's problem"))[0].status == 303
    await _ask(portal, "boss@acme.test")
    [event] = portal.published(SignInRequested)
    await _use(portal, event.link)
    _, page = await portal.page("/support")
    assert "Boss&#39;s problem" in page and "Eve&#39;s problem" not in page
    _, page = await portal.page("/support?org=1")
    assert "Boss&#39;s problem" in page and "Eve&#39;s problem" in page and "Eve" in page
    # Only one's own tickets open (a follow link acts as its requester).
    assert page.count('href="/support/t/') == 1


async def test_signing_out_ends_the_session(portal: Portal) -> None:
    await portal.services.helpdesk.people.requester("ann@example.com")
    await _ask(portal, "ann@example.com")
    [event] = portal.published(SignInRequested)
    await _use(portal, event.link)
    csrf = await portal.csrf("/support")
    form = FormData({"csrf": csrf})
    async with portal.http.post("/support/signout", data=form) as response:
        assert "You are signed out." in await response.text()
    response, _ = await portal.page("/support", allow_redirects=False)
    assert response.status == 303


async def test_a_forged_sign_in_link_is_refused(portal: Portal) -> None:
    response, page = await portal.page("/support/signin/forged.token")
    assert response.status == 400 and "This sign-in link is not valid" in page
