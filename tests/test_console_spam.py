"""Spam in the console over real HTTP: the ticket page's *Mark as spam* (with the sender
blocked), the block list page for admins (add, refuse, unblock; 403 for operators), and
the chat's offline form refusing a blocked address."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import ClientSession
from aiohttp.test_utils import TestServer

from chatdesk.helpdesk import NewTicket
from chatdesk.models import Status
from chatdesk.services import Services
from chatdesk.web.appkeys import SERVICES

from .conftest import StartServer
from .test_console_admin_http import _page, _post
from .test_console_http import add_ada_and_bob, cookie_session, form_csrf, login

PAGE = "/console/blocked"


@pytest.fixture
async def desk(start_server: StartServer) -> TestServer:
    return await add_ada_and_bob(await start_server())


@pytest.fixture
async def http(desk: TestServer) -> AsyncIterator[ClientSession]:
    async with cookie_session(desk) as session:
        yield session


async def _spam(http: ClientSession, ref: str, csrf: str, **data: str) -> int:
    async with http.post(
        f"/console/t/{ref}/spam", data={"csrf": csrf, **data}, allow_redirects=False
    ) as response:
        assert response.status != 303 or response.headers["Location"].startswith("/console/t/")
        return response.status


async def _file(desk: TestServer, email: str, subject: str) -> Any:
    services: Services = desk.app[SERVICES]
    ticket, _ = await services.helpdesk.filing.file(NewTicket(email, subject, "Achetez"))
    return ticket


async def test_an_operator_marks_a_ticket_as_spam_and_blocks_its_sender(
    desk: TestServer, http: ClientSession
) -> None:
    services: Services = desk.app[SERVICES]
    spam = await _file(desk, "promo@spam.example", "Offre du jour")
    page = f"/console/t/{spam.id}"
    await login(http, "bob@desk.test")
    status, text = await _page(http, page)
    assert status == 200 and "<summary>Mark as spam…</summary>" in text
    assert 'name="block" value="1" checked> Also block promo@spam.example' in text
    # A forged post (no CSRF token) changes nothing.
    async with http.post(f"{page}/spam", data={"block": "1"}, allow_redirects=False) as r:
        assert r.status == 403
    assert await services.helpdesk.blocks.find("promo@spam.example") is None
    csrf = await form_csrf(http, page)
    assert await _spam(http, spam.id, csrf, block="1") == 303
    after = await services._store.helpdesk.get_ticket(spam.id)
    assert after is not None and after.status is Status.CLOSED and after.tags == {"spam"}
    status, text = await _page(http, page)
    assert 'class="badge blocked" id="t-blocked">Blocked sender</span>' in text
    assert "Mark as spam…" not in text  # nothing left to do here
    assert 'href="/console/blocked"' not in text  # Bob is no admin: no link to the list
    # The next one from them is refused where they file; an operator's filing is not.
    with pytest.raises(Exception, match="We do not accept requests from this address"):
        await _file(desk, "promo@spam.example", "Offre 2")
    # Another ticket, marked without blocking (the box unticked sends nothing).
    other = await _file(desk, "lea@example.be", "Bonjour")
    assert await _spam(http, other.id, csrf) == 303
    assert await services.helpdesk.blocks.find("lea@example.be") is None
    assert await _spam(http, "%23999999", csrf, block="1") == 400
    assert await _spam(http, other.id, csrf, block="yes") == 400


async def test_admins_keep_the_block_list_and_operators_get_a_403(
    desk: TestServer, http: ClientSession
) -> None:
    await login(http, "bob@desk.test")
    status, text = await _page(http, PAGE)
    assert status == 403 and "Only admins see the block list." in text
    assert f'href="{PAGE}"' not in text
    assert (await _post(http, PAGE, action="block", pattern="x.example"))[0] == 403
    async with cookie_session(desk) as admin:
        await login(admin)
        await _admin_keeps_the_list(desk, admin)


async def _admin_keeps_the_list(desk: TestServer, http: ClientSession) -> None:
    status, text = await _page(http, PAGE)
    assert status == 200 and "No address or domain is blocked." in text
    assert 'href="/console/mail" aria-current="page"' in text  # under E-mail
    status, location, _ = await _post(
        http, PAGE, action="block", pattern="*@Spam.Example", note="offres  chaque lundi"
    )
    assert (status, location) == (303, f"{PAGE}?added=spam.example")
    status, text = await _page(http, location)
    assert "spam.example is blocked." in text
    entry = '<span class="blocked-pattern">spam.example</span> <small>(domain and subdomains)'
    assert entry in text
    assert '<small class="blocked-note">offres chaque lundi</small>' in text
    assert '<td data-label="By">Ada</td>' in text and "never" in text
    # Refusals are said on the page, with what was typed kept.
    status, _, text = await _post(http, PAGE, action="block", pattern="nonsense")
    assert status == 400 and "“nonsense” is neither an e-mail address nor a domain" in text
    assert 'value="nonsense"' in text
    status, _, text = await _post(http, PAGE, action="block", pattern="spam.example")
    assert status == 400 and "spam.example is blocked already." in text
    status, _, text = await _post(http, PAGE, action="block", pattern="a.example", note="x" * 201)
    assert status == 400 and "A note is 200 characters at most." in text
    # A link cannot make the page claim a block.
    _, text = await _page(http, f"{PAGE}?added=evil.example&removed=spam.example")
    assert "evil.example is blocked." not in text and "is no longer blocked" not in text
    services: Services = desk.app[SERVICES]
    with pytest.raises(Exception, match="We do not accept"):
        await _file(desk, "x@mail.spam.example", "Offre")
    _, text = await _page(http, PAGE)
    assert '<td data-label="Stopped">1</td>' in text
    # An operator still files for them (a phone call); the ticket says who blocks them.
    phoned, _ = await services.helpdesk.filing.file(
        NewTicket("x@mail.spam.example", "Appel", channel="phone"), operator=await _ada(services)
    )
    _, text = await _page(http, f"/console/t/{phoned.id}")
    assert '<a href="/console/blocked">Blocked sender (spam.example)</a>' in text
    assert "Also block" not in text  # blocked already: only marking is offered
    _, text = await _page(http, "/console/mail")
    assert "spam senders: 1." in text and f'<a href="{PAGE}">The block list</a>' in text
    status, location, _ = await _post(http, PAGE, action="unblock", pattern="spam.example")
    assert (status, location) == (303, f"{PAGE}?removed=spam.example")
    _, text = await _page(http, location)
    assert (
        "spam.example is no longer blocked." in text and "No address or domain is blocked." in text
    )
    status, _, text = await _post(http, PAGE, action="unblock", pattern="spam.example")
    assert status == 400 and "spam.example is not blocked." in text
    audit = [e.action.value for e in await services.audit.page(await _ada(services))]
    assert audit == ["sender_unblocked", "sender_blocked"]


async def _ada(services: Services) -> Any:
    return next(o for o in await services.operators.list() if o.email == "ada@desk.test")


async def test_the_chat_refuses_a_blocked_address_in_its_offline_form(
    desk: TestServer, new_client: Any
) -> None:
    await desk.app[SERVICES].spam.block(None, "spam.example")
    v = new_client(desk)
    await v.connect({"lang": "nl"})
    assert (await v.call("escalate", {}))["ok"]
    refused = await v.call("contact", {"email": "promo@spam.example"})
    assert refused["ok"] is False and refused["error"]["code"] == "blocked"
    assert refused["error"]["message"] == "Wij aanvaarden geen aanvragen van dit adres."
    store = desk.app[SERVICES]._store
    ticket = await store.tickets.current_ticket(v.session["conversation_id"])
    assert ticket is not None and ticket.requester_email in ("", None)
    assert await store.requesters.find_requester("promo@spam.example") is None
    assert (await v.call("contact", {"email": "lea@example.be"}))["ok"] is True


async def test_an_admin_sees_the_blocked_chat_visitors_and_lifts_a_block(
    desk: TestServer, http: ClientSession
) -> None:
    services: Services = desk.app[SERVICES]
    ada = await _ada(services)
    session = await services.conversations.visitor_connected(token=None, lang="nl", page="/")
    cid = session.conversation.id
    await services.escalation.visitor_asked(cid)
    await services.routing.claim(ada, cid)
    await services.routing.block(ada, cid, 7)
    await login(http, "ada@desk.test")
    status, text = await _page(http, PAGE)
    assert status == 200 and f'<a href="/console/c/{cid}">the conversation</a>' in text
    assert "<small>(Nederlands)</small>" in text and '<td data-label="Blocked by">Ada</td>' in text
    status, location, _ = await _post(http, PAGE, action="lift", conversation_id=cid)
    assert (status, location) == (303, "/console/blocked?lifted=1")
    status, text = await _page(http, location)
    assert "The block is lifted" in text and 'id="no-blocked-visitors"' in text
    assert await services.inbox.blocked_until(cid) is None
    # Nothing to lift, or a forged id: said on the page, nothing changes.
    status, _, text = await _post(http, PAGE, action="lift", conversation_id="f" * 32)
    assert status == 400
