"""Operators' console sessions: each sign-in has its row; the account page lists where the
operator is signed in and ends one; signing out ends a session for good."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest
from aiohttp import ClientSession, CookieJar

from chatdesk.consolesessions import ConsoleSessions
from chatdesk.errors import Unauthorized
from chatdesk.sessions import SESSION_MAX_AGE
from chatdesk.store import Store
from chatdesk.web.appkeys import SERVICES

from .clients import OperatorClient
from .desk import Clock, make_services, operator
from .test_console_http import cookie_session, desk, form_csrf, login

__all__ = ["desk"]

LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15"
    " (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)


async def _signed_in(desk: Any, agent: str, email: str = "ada@desk.test") -> ClientSession:
    http = ClientSession(
        base_url=str(desk.make_url("")), headers={"User-Agent": agent},
        cookie_jar=CookieJar(unsafe=True),
    )  # fmt: skip
    response = await login(http, email)
    assert response.status == 303
    return http


async def _account(http: ClientSession) -> tuple[int, str]:
    async with http.get("/console/account", allow_redirects=False) as response:
        return response.status, await response.text()


def _rows(page: str) -> list[str]:
    table = page.split('class="token-list session-list"', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr[ >].*?</tr>", table, re.S)[1:]  # the head's row left out


async def test_the_account_page_lists_sessions_and_ends_another(desk: Any) -> None:
    laptop, phone = await _signed_in(desk, LINUX), await _signed_in(desk, IPHONE)
    try:
        status, page = await _account(laptop)
        assert status == 200
        this, other = _rows(page)
        assert "Firefox on Linux" in this and "(this browser)" in this and "now" in this
        assert "Sign out" not in this  # this browser signs out with "Log out"
        assert "Safari on iOS" in other and "127.0.0.1" in other and "minute" in other
        (other_id,) = re.findall(r'name="id" value="([0-9a-f]{32})"', other)
        # In French, by the browser's language.
        async with laptop.get("/console/account", headers={"Accept-Language": "fr"}) as r:
            assert "Safari sur iOS" in await r.text()

        csrf = await form_csrf(laptop, "/console/account")
        ended = await laptop.post(
            "/console/account", allow_redirects=False,
            data={"action": "session_end", "id": other_id, "csrf": csrf},
        )  # fmt: skip
        assert ended.status == 303
        assert ended.headers["Location"] == "/console/account?done=session_ended#sessions-h"
        async with phone.get("/console/queue", allow_redirects=False) as response:
            assert response.status == 303  # back to the sign-in page
            assert response.headers["Location"].startswith("/console/login")
        async with laptop.get(ended.headers["Location"]) as response:
            page = await response.text()
        assert "That session has ended" in page and len(_rows(page)) == 1
        # Again: it had ended already; nothing else changes.
        again = await laptop.post(
            "/console/account", allow_redirects=False,
            data={"action": "session_end", "id": other_id, "csrf": csrf},
        )  # fmt: skip
        assert again.headers["Location"] == "/console/account?done=session_gone#sessions-h"
        assert (await _account(laptop))[0] == 200
    finally:
        await laptop.close()
        await phone.close()


async def test_refusals_change_nothing(desk: Any) -> None:
    ada, bob = await _signed_in(desk, LINUX), await _signed_in(desk, IPHONE, "bob@desk.test")
    try:
        services = desk.app[SERVICES]
        bob_op = next(o for o in await services.operators.list() if o.email == "bob@desk.test")
        (bobs,) = await services.operators.sessions.current(bob_op)
        csrf = await form_csrf(ada, "/console/account")
        # Another operator's session: not hers to end.
        other = await ada.post(
            "/console/account", allow_redirects=False,
            data={"action": "session_end", "id": bobs.id, "csrf": csrf},
        )  # fmt: skip
        assert other.headers["Location"].endswith("done=session_gone#sessions-h")
        # A stale form, an id too long.
        stale = await ada.post(
            "/console/account", data={"action": "session_end", "id": bobs.id, "csrf": "old"}
        )
        assert stale.status == 403
        long = await ada.post(
            "/console/account", data={"action": "session_end", "id": "x" * 65, "csrf": csrf}
        )
        assert long.status == 400
        assert (await _account(bob))[0] == 200  # Bob is still signed in
    finally:
        await ada.close()
        await bob.close()


async def test_logging_out_ends_the_session_for_good(desk: Any) -> None:
    async with cookie_session(desk) as http:
        assert (await login(http)).status == 303
        cookie = http.cookie_jar.filter_cookies(desk.make_url("/"))["chatdesk_session"].value
        csrf = await form_csrf(http, "/console/account")
        out = await http.post("/console/logout", data={"csrf": csrf}, allow_redirects=False)
        assert out.status == 303
    # The cookie, copied before, opens nothing any more.
    async with ClientSession(base_url=str(desk.make_url(""))) as thief, thief.get(
        "/console/queue", headers={"Cookie": f"chatdesk_session={cookie}"},
        allow_redirects=False,
    ) as response:  # fmt: skip
        assert response.status == 303


async def test_an_ended_session_s_console_is_cut(desk: Any) -> None:
    laptop, phone = await _signed_in(desk, LINUX), await _signed_in(desk, IPHONE)
    console = OperatorClient(str(desk.make_url("")))
    try:
        cookie = phone.cookie_jar.filter_cookies(desk.make_url("/"))["chatdesk_session"].value
        await console.connect(None, headers={"Cookie": f"chatdesk_session={cookie}"})
        assert (await console.call("inbox", {"view": "queue"}))["ok"] is True
        services = desk.app[SERVICES]
        ada = next(o for o in await services.operators.list() if o.email == "ada@desk.test")
        phone_session = next(
            s for s in await services.operators.sessions.current(ada) if "iPhone" in s.agent
        )
        assert await services.operators.sessions.end(ada, phone_session.id, client="test")
        refused = await console.call("inbox", {"view": "queue"})
        assert refused["ok"] is False and refused["error"]["code"] == "unauthorized"
        await asyncio.wait_for(console.sio.wait(), 5)  # and cut
        assert (await _account(laptop))[0] == 200  # the laptop's session goes on
    finally:
        await console.close()
        await laptop.close()
        await phone.close()


async def test_a_session_is_checked_used_and_purged(store: Store, clock: Clock) -> None:
    desk = make_services(store, clock)
    ann = await operator(desk, "Ann", online=False)
    token, _ = await desk.operators.sessions.open(ann, client="192.0.2.7", agent=LINUX)
    session = await desk.operators.session(token)
    (row,) = await desk.operators.sessions.current(ann)
    assert session.session_id == row.id and (row.ip, row.agent) == ("192.0.2.7", LINUX)
    # A cookie from before sessions had rows still works until it expires.
    legacy, _ = desk.operators.tokens.issue(ann)
    assert (await desk.operators.session(legacy)).session_id == ""
    # The desk's clock moved by days (as tests do) ends no session: they live by the
    # wall clock, as their cookies do.
    clock.advance(days=2)
    await desk.operators.sessions.purge()
    assert await desk.operators.sessions.current(ann) == [row]

    # The sessions' own clock moved: the last use written (at most every 15 minutes),
    # then twelve hours after the sign-in the row is not listed, and the job deletes it.
    bea = await operator(desk, "Bea", online=False)
    sessions = ConsoleSessions(store, desk.operators.tokens, clock=clock)
    await sessions.open(bea, client="192.0.2.8", agent=IPHONE)
    (mine,) = await sessions.current(bea)
    clock.advance(minutes=10)
    await sessions.check(bea, mine.id)
    assert await store.console_sessions.get_session(mine.id) == mine  # not yet written
    clock.advance(minutes=10)
    await sessions.check(bea, mine.id)
    touched = await store.console_sessions.get_session(mine.id)
    assert touched is not None and touched.seen_at == clock.now
    with pytest.raises(Unauthorized):  # not Ann's
        await sessions.check(ann, mine.id)
    clock.advance(seconds=SESSION_MAX_AGE.total_seconds())
    assert await sessions.current(bea) == []
    await sessions.purge()
    assert await store.console_sessions.get_session(mine.id) is None
    with pytest.raises(Unauthorized):
        await sessions.check(bea, mine.id)
