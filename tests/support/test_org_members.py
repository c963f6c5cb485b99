"""An organisation admin manages its members from the portal over real HTTP: invites a
colleague (who joins by signing in, or by filing), takes a member out; the limits that keep
the desk's mail from being aimed at strangers; nobody else does it."""

from __future__ import annotations

from chatdesk.events import InvitationCreated
from chatdesk.models import Organisation, OrgRole

from .conftest import SITE_FIELD, Portal, StartPortal
from .test_org import _acme, _sign_in


async def _post(portal: Portal, action: str, email: str) -> tuple[int, str, str]:
    csrf = await portal.csrf("/support/org")
    data = {"csrf": csrf, "lang": "en", "email": email}
    async with portal.http.post(
        f"/support/org/{action}", data=data, allow_redirects=False
    ) as response:
        return response.status, response.headers.get("Location", ""), await response.text()


async def _members(portal: Portal, org: Organisation) -> list[str]:
    return [m.email for m in await portal.services.helpdesk.people.members(org)]


async def test_an_invited_colleague_joins_by_signing_in(start_portal: StartPortal) -> None:
    portal = await start_portal(SITE_FIELD)
    acme = await _acme(portal)
    await _sign_in(portal, "boss@acme.test")
    _, page = await portal.page("/support/org")
    assert "Invite a colleague" in page and 'action="/support/org/invite"' in page
    assert 'id="org-domains"' not in page
    await portal.services.helpdesk.domains.add(acme, "acme.test")
    _, page = await portal.page("/support/org")
    assert "People with an address at acme.test join the organisation by themselves" in page

    status, location, _ = await _post(portal, "invite", "Zoe@Acme.test")
    assert (status, location) == (303, "/support/org?done=invited")
    [created] = portal.published(InvitationCreated)
    assert created.invitation.email == "zoe@acme.test"
    boss = await portal.services.helpdesk.people.find("boss@acme.test")
    assert created.invitation.invited_by == f"requester:{boss.id}"
    _, page = await portal.page(location)
    assert "The invitation is sent." in page
    assert "<strong>zoe@acme.test</strong>" in page and "valid until" in page

    # The same address again, a member's, a wrong one: said, nothing sent.
    status, _, page = await _post(portal, "invite", "zoe@acme.test")
    assert status == 409 and "has an invitation already" in page
    status, _, page = await _post(portal, "invite", "eve@acme.test")
    assert status == 409 and "is a member already" in page
    status, _, page = await _post(portal, "invite", "not-an-address")
    assert status == 400 and "complete e-mail address" in page
    assert 'value="not-an-address"' in page  # what was typed, kept
    assert len(portal.published(InvitationCreated)) == 1

    # Zoe never wrote to us: her address is known by its invitation, so she gets a link,
    # and using it makes her a member.
    await _sign_in(portal, "zoe@acme.test")
    assert "zoe@acme.test" in await _members(portal, acme)
    await _sign_in(portal, "boss@acme.test")
    _, page = await portal.page("/support/org")
    assert "Invitations waiting" not in page


async def test_an_invitation_is_accepted_by_filing_on_an_open_desk(
    start_portal: StartPortal,
) -> None:
    portal = await start_portal(SITE_FIELD)
    acme = await _acme(portal)
    boss = await portal.services.helpdesk.people.find("boss@acme.test")
    await portal.services.helpdesk.orgadmin.invite(boss, "max@example.com")
    response, _ = await portal.file(email="max@example.com", subject="First request")
    assert response.status == 303
    assert "max@example.com" in await _members(portal, acme)


async def test_a_member_of_another_organisation_stays_there(start_portal: StartPortal) -> None:
    portal = await start_portal(SITE_FIELD)
    acme = await _acme(portal)
    people = portal.services.helpdesk.people
    globex = await people.add_organisation("Globex")
    await people.add_member(globex, "hank@globex.test", name="Hank")
    boss = await people.find("boss@acme.test")
    await portal.services.helpdesk.orgadmin.invite(boss, "hank@globex.test")
    await _sign_in(portal, "hank@globex.test")
    assert "hank@globex.test" not in await _members(portal, acme)
    assert "hank@globex.test" in await _members(portal, globex)


async def test_invitations_stop_at_the_member_cap(start_portal: StartPortal) -> None:
    portal = await start_portal(SITE_FIELD)
    acme = await _acme(portal)  # three members
    people = portal.services.helpdesk.people
    await people.set_caps(acme, max_members=4, max_editors_per_site=1)
    await _sign_in(portal, "boss@acme.test")
    status, _, _ = await _post(portal, "invite", "zoe@acme.test")
    assert status == 303
    # Three members and one invitation waiting: the fourth place is promised.
    status, _, page = await _post(portal, "invite", "max@acme.test")
    assert status == 409 and "reached its number of members" in page
    assert len(portal.published(InvitationCreated)) == 1


async def test_the_admin_takes_a_member_out(start_portal: StartPortal) -> None:
    portal = await start_portal(SITE_FIELD)
    acme = await _acme(portal)
    people = portal.services.helpdesk.people
    await _sign_in(portal, "boss@acme.test")
    _, page = await portal.page("/support/org")
    assert ">Take Eve out of the organisation</button>" in page
    assert "Take Boss out" not in page  # an admin

    status, location, _ = await _post(portal, "remove", "eve@acme.test")
    assert (status, location) == (303, "/support/org?done=removed")
    _, page = await portal.page(location)
    assert "The member is out of the organisation" in page
    assert "eve@acme.test" not in await _members(portal, acme)
    assert await people.seats(acme) == []  # her seat on site 1234 is free
    eve = await people.find("eve@acme.test")
    assert eve.organisation_id is None and eve.org_role is OrgRole.MEMBER

    # Twice (another tab), an admin, someone of another organisation: refused.
    status, _, page = await _post(portal, "remove", "eve@acme.test")
    assert status == 404 and "not a member any more" in page
    status, _, page = await _post(portal, "remove", "boss@acme.test")
    assert status == 403 and "An admin stays" in page
    globex = await people.add_organisation("Globex")
    await people.add_member(globex, "hank@globex.test", name="Hank")
    status, _, _ = await _post(portal, "remove", "hank@globex.test")
    assert status == 404 and "hank@globex.test" in await _members(portal, globex)


async def test_only_an_admin_invites_or_takes_out(start_portal: StartPortal) -> None:
    portal = await start_portal(SITE_FIELD)
    acme = await _acme(portal)
    await _sign_in(portal, "eve@acme.test")  # a member
    for action, email in (("invite", "zoe@acme.test"), ("remove", "ann@example.com")):
        data = {"email": email}
        async with portal.http.post(
            f"/support/org/{action}", data=data, allow_redirects=False
        ) as response:
            assert (response.status, response.headers["Location"]) == (303, "/support")
    assert "ann@example.com" in await _members(portal, acme)
    # The admin, with a forged form: nothing happens either.
    await _sign_in(portal, "boss@acme.test")
    data = {"csrf": "forged", "email": "ann@example.com"}
    async with portal.http.post("/support/org/remove", data=data) as response:
        assert response.status == 403
    assert "ann@example.com" in await _members(portal, acme)
    assert portal.published(InvitationCreated) == []


async def test_the_admin_withdraws_an_invitation(start_portal: StartPortal) -> None:
    portal = await start_portal(SITE_FIELD)
    acme = await _acme(portal)
    people = portal.services.helpdesk.people
    await people.set_caps(acme, max_members=4, max_editors_per_site=1)
    await _sign_in(portal, "boss@acme.test")
    assert (await _post(portal, "invite", "zoe@acme.test"))[0] == 303
    [invitation] = await portal.services.helpdesk.orgadmin.pending(acme)
    _, page = await portal.page("/support/org")
    assert 'aria-label="Withdraw the invitation of zoe@acme.test"' in page

    csrf = await portal.csrf("/support/org")
    data = {"csrf": csrf, "lang": "en", "id": invitation.id}
    async with portal.http.post("/support/org/withdraw", data=data) as response:
        page = await response.text()
    assert "The invitation is withdrawn" in page and "Invitations waiting" not in page
    # Its place under the cap is free again, and its link no longer joins anyone.
    assert (await _post(portal, "invite", "max@acme.test"))[0] == 303
    assert await portal.services.helpdesk.signin.request("zoe@acme.test", client="t") == []

    # Twice, or another organisation's: 404, nothing changes.
    async with portal.http.post("/support/org/withdraw", data=data) as response:
        assert response.status == 404 and "used or withdrawn already" in await response.text()
    globex = await people.add_organisation("Globex")
    await people.add_member(globex, "hank@globex.test", role="admin", name="Hank")
    hank = await people.find("hank@globex.test")
    theirs, _ = await portal.services.helpdesk.orgadmin.invite(hank, "ivy@globex.test")
    async with portal.http.post("/support/org/withdraw", data=data | {"id": theirs.id}) as response:
        assert response.status == 404
    assert [i.email for i in await portal.services.helpdesk.orgadmin.pending(globex)] == [
        "ivy@globex.test"
    ]


async def test_withdrawing_and_inviting_again_does_not_make_more_mail(
    start_portal: StartPortal,
) -> None:
    portal = await start_portal(SITE_FIELD)
    acme = await _acme(portal)
    orgadmin = portal.services.helpdesk.orgadmin
    await _sign_in(portal, "boss@acme.test")
    for _ in range(3):  # ADDRESS_INVITATIONS a day
        assert (await _post(portal, "invite", "zoe@acme.test"))[0] == 303
        [invitation] = await orgadmin.pending(acme)
        boss = await portal.services.helpdesk.people.find("boss@acme.test")
        await orgadmin.withdraw(boss, invitation.id)
    status, _, page = await _post(portal, "invite", "zoe@acme.test")
    assert status == 429 and "Enough invitations for today" in page
    assert len(portal.published(InvitationCreated)) == 3
    assert (await _post(portal, "invite", "max@acme.test"))[0] == 303  # another address
