"""An organisation admin reads their members' requests in the portal over real HTTP:
listed with links, opened without reply or rating, their public files downloadable;
nobody else reads them, and complaints stay their author's."""

from __future__ import annotations

import re

from chatdesk.events import TicketCreated
from chatdesk.models import TicketChanges, TicketType, utcnow

from .conftest import PNG, SITE_FIELD, StartPortal
from .test_org import SITE, _acme, _sign_in


async def test_the_admin_reads_a_member_s_request_without_writing_on_it(
    start_portal: StartPortal,
) -> None:
    portal = await start_portal(SITE_FIELD)
    await _acme(portal)  # Eve filed "The backup failed" for site 1234
    [eve_s] = [e.ticket for e in portal.published(TicketCreated)]
    services = portal.services
    olga = await services.operators.add(
        "olga@desk.test", name="Olga", role="operator", departments=("general",),
        languages=("en",), password="correct horse battery",
    )  # fmt: skip
    await services.helpdesk.tickets.reply(eve_s.id, olga, "Which backup?")
    await services.helpdesk.tickets.reply(eve_s.id, olga, "Internal: check logs", internal=True)
    response, _ = await portal.file(
        email="eve@acme.test", subject="A screenshot", files=[("shot.png", PNG)], **SITE
    )
    assert response.status == 303
    shot_ticket = [e.ticket for e in portal.published(TicketCreated)][-1]

    await _sign_in(portal, "boss@acme.test")
    _, listing = await portal.page("/support?org=1")
    assert f'href="/support/org/t/{eve_s.id}"' in listing
    _, page = await portal.page(f"/support/org/t/{eve_s.id}")
    assert "A request of Eve" in page and "Which backup?" in page
    assert "check logs" not in page  # internal notes are the team's
    assert "/reply" not in page and "/close" not in page and "/rate" not in page
    assert re.search(r'class="who">Eve\s', page) and ">You" not in page  # hers, not "You"
    assert "The desk answers Eve by" not in page  # answered: no promise left
    assert "We will answer" not in page
    # Its public files download here too.
    _, page = await portal.page(f"/support/org/t/{shot_ticket.id}")
    assert "The desk answers Eve by" in page and "We will answer" not in page  # not "you"
    [href] = re.findall(r'href="(/support/org/t/[^"]+/files/[0-9a-f]+)"', page)
    async with portal.http.get(href) as response:
        assert response.status == 200 and await response.read() == PNG
        assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"


async def test_only_the_organisation_s_admin_reads_them(start_portal: StartPortal) -> None:
    portal = await start_portal(SITE_FIELD)
    await _acme(portal)
    [eve_s] = [e.ticket for e in portal.published(TicketCreated)]
    people = portal.services.helpdesk.people
    globex = await people.add_organisation("Globex")
    await people.add_member(globex, "hank@globex.test", role="admin", name="Hank")
    path = f"/support/org/t/{eve_s.id}"
    # Signed out: to sign in; a member: back to their list; another admin: not found.
    response, _ = await portal.page(path, allow_redirects=False)
    assert response.headers["Location"] == "/support/signin"
    await _sign_in(portal, "ann@example.com")
    response, _ = await portal.page(path, allow_redirects=False)
    assert response.headers["Location"] == "/support"
    await _sign_in(portal, "hank@globex.test")
    response, page = await portal.page(path)
    assert response.status == 404 and "Which backup" not in page
    # A complaint stays its author's, even from their own admin.
    await portal.services._store.helpdesk.change_ticket(
        eve_s.id, TicketChanges(type=TicketType.COMPLAINT), [], expect=None, now=utcnow()
    )
    await _sign_in(portal, "boss@acme.test")
    response, _ = await portal.page(path)
    assert response.status == 404
    _, listing = await portal.page("/support?org=1")
    assert f'href="/support/org/t/{eve_s.id}"' not in listing
