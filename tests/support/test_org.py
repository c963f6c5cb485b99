"""An organisation admin's page in the portal (``/support/org``) over real HTTP: members,
site seats and freeing one, so the editor the full site refused may file; nobody else gets
in, and nobody frees a seat of another organisation."""

from __future__ import annotations

import re

from chatdesk.models import Organisation
from chatdesk.web.supportbase import SESSION_COOKIE

from .conftest import SITE_FIELD, Portal, StartPortal

SITE = {"field.site_id": "1234"}


async def _sign_in(portal: Portal, email: str) -> None:
    """Sign ``email`` in as its link would (the link itself is tested in test_signin_http)."""
    signin = portal.services.helpdesk.signin
    (event,) = await signin.request(email, client="test")
    _, session = await signin.use_link(event.link.rsplit("/", 1)[1])
    portal.http.cookie_jar.update_cookies({SESSION_COOKIE: session}, portal.server.make_url("/"))


async def _free(portal: Portal, email: str, site: str = "1234") -> tuple[int, str, str]:
    csrf = await portal.csrf("/support/org")
    data = {"csrf": csrf, "lang": "en", "site": site, "email": email}
    async with portal.http.post("/support/org", data=data, allow_redirects=False) as response:
        return response.status, response.headers.get("Location", ""), await response.text()


async def _acme(portal: Portal) -> Organisation:
    """Acme, one editor per site: Eve holds site 1234; Boss is its admin, Ann a member."""
    people = portal.services.helpdesk.people
    acme = await people.add_organisation("Acme", max_editors_per_site=1)
    await people.add_member(acme, "boss@acme.test", role="admin", name="Boss")
    await people.add_member(acme, "eve@acme.test", name="Eve")
    await people.add_member(acme, "ann@example.com", name="Ann")
    assert (await portal.file(email="eve@acme.test", **SITE))[0].status == 303
    return acme


async def test_the_admin_frees_a_seat_and_the_refused_member_files(
    start_portal: StartPortal,
) -> None:
    portal = await start_portal(SITE_FIELD)
    await _acme(portal)
    response, page = await portal.file(**SITE)
    assert response.status == 409 and "under “My organisation”" in page

    await _sign_in(portal, "boss@acme.test")
    response, page = await portal.page("/support/org")
    assert response.status == 200 and "<h1>Acme</h1>" in page
    assert 'href="/support/org" aria-current="page">My organisation' in page
    # The site, its count against the cap, its editor with a button; every member.
    assert "<strong>1234</strong>" in page and "(1 of 1)" in page
    assert "Seats per site: 1." in page
    assert re.search(r"Eve <span class=\"muted\">eve@acme.test</span>", page)
    assert 'aria-label="Free the seat of Eve on 1234"' in page
    for member in ("boss@acme.test", "eve@acme.test", "ann@example.com"):
        assert member in page
    assert ">Admin<" in page and ">Member<" in page

    status, location, _ = await _free(portal, "eve@acme.test")
    assert (status, location) == (303, "/support/org?freed=1")
    _, page = await portal.page(location)
    assert "The seat is free" in page and "No member is an editor of a site yet." in page
    people = portal.services.helpdesk.people
    assert await people.seats(await people.organisation("Acme")) == []
    # Ann, refused before, now takes the seat.
    response, _ = await portal.file(**SITE)
    assert response.status == 303

    # Freeing it again (another tab, a double click) says so, and changes nothing.
    status, _, page = await _free(portal, "eve@acme.test")
    assert status == 404 and "This person holds no seat on this site any more." in page


async def test_only_the_organisation_s_admin_gets_in_and_only_for_its_own_seats(
    start_portal: StartPortal,
) -> None:
    portal = await start_portal(SITE_FIELD)
    await _acme(portal)
    people = portal.services.helpdesk.people
    other = await people.add_organisation("Globex")
    await people.add_member(other, "hank@globex.test", role="admin", name="Hank")

    # Signed out: to the sign-in page; a member who is not an admin: to their list.
    response, _ = await portal.page("/support/org", allow_redirects=False)
    assert (response.status, response.headers["Location"]) == (303, "/support/signin")
    await _sign_in(portal, "eve@acme.test")
    response, page = await portal.page("/support", allow_redirects=False)
    assert 'href="/support/org"' not in page
    response, _ = await portal.page("/support/org", allow_redirects=False)
    assert (response.status, response.headers["Location"]) == (303, "/support")
    async with portal.http.post("/support/org", data={"site": "1234", "email": "eve@acme.test"},
                                allow_redirects=False) as response:  # fmt: skip
        assert response.status == 303 and response.headers["Location"] == "/support"

    # Another organisation's admin sees only theirs and cannot free Acme's seat.
    await _sign_in(portal, "hank@globex.test")
    _, page = await portal.page("/support/org")
    assert "<h1>Globex</h1>" in page and "eve@acme.test" not in page
    status, _, page = await _free(portal, "eve@acme.test")
    assert status == 404 and "no seat on this site" in page
    acme = await people.organisation("Acme")
    assert [e.email for _, e in await people.seats(acme)] == ["eve@acme.test"]

    # A form without its CSRF token frees nothing.
    await _sign_in(portal, "boss@acme.test")
    data = {"csrf": "forged", "site": "1234", "email": "eve@acme.test"}
    async with portal.http.post("/support/org", data=data) as response:
        assert response.status == 403 and "This form has expired" in await response.text()
    assert [e.email for _, e in await people.seats(acme)] == ["eve@acme.test"]
