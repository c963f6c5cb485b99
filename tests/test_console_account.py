"""``/console/account``: an operator sees their account and changes their own password
(the current one checked and throttled; other sessions end, this browser stays in)."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest
import socketio
from aiohttp import ClientSession, CookieJar

from chatdesk.app import OPERATORS_NS
from chatdesk.web.appkeys import SERVICES

from .clients import OperatorClient
from .test_console_http import PASSWORD, cookie_session, desk, form_csrf, http, login

__all__ = ["desk", "http"]  # the fixtures, shared with the console's HTTP tests

NEW = "a brand new passphrase"


async def _change(http: ClientSession, **fields: str) -> tuple[int, str, str]:
    # As the page's form posts it: with the hidden username for password managers.
    data = {"csrf": await form_csrf(http, "/console/account"), "username": "x@y.z"} | fields
    async with http.post("/console/account", data=data, allow_redirects=False) as response:
        return response.status, response.headers.get("Location", ""), await response.text()


async def test_the_account_page_says_who_and_refuses_bad_changes(
    desk: Any, http: ClientSession
) -> None:
    await login(http, "bob@desk.test")
    async with http.get("/console/account") as response:
        page = await response.text()
    assert response.status == 200
    assert "Bob &lt;b&gt;" in page and "bob@desk.test" in page and "operator" in page
    assert 'href="/console/account"' in page  # the name in the bar leads here
    refusals = [
        ({"current": "wrong one!!", "new": NEW, "confirm": NEW}, "current password is wrong"),
        ({"current": PASSWORD, "new": NEW, "confirm": NEW + "x"}, "two new passwords differ"),
        ({"current": PASSWORD, "new": "short", "confirm": "short"}, "at least 10 characters"),
        (
            {"current": PASSWORD, "new": "password1234", "confirm": "password1234"},
            "too easy to guess",
        ),
        (
            {"current": PASSWORD, "new": "bob@desk.test!", "confirm": "bob@desk.test!"},
            "too easy to guess",
        ),  # their own address
        ({"current": PASSWORD, "new": PASSWORD, "confirm": PASSWORD}, "is the current one"),
    ]
    for fields, said in refusals:
        status, _, page = await _change(http, **fields)
        assert status == 400 and said in page, (fields, status)
    async with http.post(
        "/console/account", data={"current": PASSWORD, "new": NEW, "confirm": NEW}
    ) as response:
        assert response.status == 403  # no CSRF token
    # Nothing changed: the old password still logs in.
    async with ClientSession(
        base_url=str(http._base_url), cookie_jar=CookieJar(unsafe=True)
    ) as other:
        assert (await login(other, "bob@desk.test")).status == 303


async def test_a_change_ends_the_other_sessions_and_keeps_this_one(
    desk: Any, http: ClientSession
) -> None:
    base = str(desk.make_url(""))
    async with cookie_session(desk) as laptop:
        await login(laptop)
        await login(http)
        status, location, _ = await _change(http, current=PASSWORD, new=NEW, confirm=NEW)
        assert status == 303 and location == "/console/account?done=password"
        async with http.get(location) as response:
            assert response.status == 200 and "has been changed" in await response.text()
        async with laptop.get("/console/queue", allow_redirects=False) as response:
            assert response.status == 303  # the other browser is signed out
    async with ClientSession(base_url=base, cookie_jar=CookieJar(unsafe=True)) as again:
        assert (await login(again, password=PASSWORD)).status == 200  # the form again
        assert (await login(again, password=NEW)).status == 303


async def test_wrong_current_passwords_are_throttled_like_logins(http: ClientSession) -> None:
    await login(http)
    for _ in range(5):
        status, _, page = await _change(http, current="not it at all", new=NEW, confirm=NEW)
        assert status == 400 and "current password is wrong" in page
    status, _, page = await _change(http, current=PASSWORD, new=NEW, confirm=NEW)
    assert status == 400 and "Too many wrong passwords" in page


async def test_operators_create_and_revoke_their_own_api_tokens(
    desk: Any, http: ClientSession
) -> None:
    services = desk.app[SERVICES]
    await login(http, "bob@desk.test")
    data = {"csrf": await form_csrf(http, "/console/account"), "action": "token_create"}
    async with http.post("/console/account", data=data | {"name": "CRM <sync>"}) as response:
        page = await response.text()
        assert response.status == 200 and response.headers["Cache-Control"] == "no-store"
    secret = re.findall(r"<code>(cdk_[\w-]+)</code>", page)
    assert len(secret) == 1 and "CRM &lt;sync&gt;" in page
    # The secret works on the API, as Bob.
    api = str(desk.make_url("/api/v1/tickets"))
    async with ClientSession() as program:
        auth = {"Authorization": f"Bearer {secret[0]}"}
        async with program.get(api, headers=auth) as response:
            assert response.status == 200
        # Shown once: the page does not show it again.
        async with http.get("/console/account") as again:
            assert secret[0] not in await again.text()
        # Another operator's token cannot be revoked from Bob's page.
        ada = next(o for o in await services.operators.list() if o.email == "ada@desk.test")
        ada_token, _ = await services.helpdesk.api_tokens.create(ada, name="Ada's")
        status, _, page = await _change_token(http, "token_revoke", id=ada_token.id)
        assert status == 400 and "does not exist or is revoked already" in page
        (bob_token,) = await services.helpdesk.api_tokens.list(
            next(o for o in await services.operators.list() if o.email == "bob@desk.test")
        )
        status, location, _ = await _change_token(http, "token_revoke", id=bob_token.id)
        assert status == 303 and location == "/console/account?done=token_revoked"
        async with program.get(api, headers=auth) as response:
            assert response.status == 401
    assert [t.revoked_at is None for t in await services.helpdesk.api_tokens.list(ada)] == [True]


async def _change_token(http: ClientSession, action: str, **fields: str) -> tuple[int, str, str]:
    data = {"csrf": await form_csrf(http, "/console/account"), "action": action} | fields
    async with http.post("/console/account", data=data, allow_redirects=False) as response:
        return response.status, response.headers.get("Location", ""), await response.text()


async def test_an_operator_turns_their_mail_off_and_on(start_server: Any, tmp_path: Any) -> None:
    server = await start_server(
        smtp_url="smtp://127.0.0.1:9", mail_from="desk@desk.test", public_url="https://desk.test"
    )
    services = server.app[SERVICES]
    bob = await services.operators.add(
        "bob@desk.test", name="Bob", role="operator", departments=("general",),
        languages=("en",), password=PASSWORD,
    )  # fmt: skip
    assert bob.mail_notifications
    async with ClientSession(
        base_url=str(server.make_url("")), cookie_jar=CookieJar(unsafe=True)
    ) as http:
        await login(http, "bob@desk.test")
        async with http.get("/console/account") as response:
            assert re.search(r'name="mail" value="on" checked', await response.text())
        data = {"csrf": await form_csrf(http, "/console/account"), "action": "mail"}
        async with http.post("/console/account", data=data) as response:
            page = await response.text()  # the box unticked: off
        assert "Saved." in page and not re.search(r'name="mail" value="on" checked', page)
        assert not (await services.operators.get(bob.id)).mail_notifications
        async with http.post("/console/account", data=data | {"mail": "yes"}) as response:
            assert response.status == 400  # "on" or nothing
        async with http.post("/console/account", data=data | {"mail": "on"}) as response:
            assert re.search(r'name="mail" value="on" checked', await response.text())


async def test_a_desk_without_mail_says_so_on_the_account_page(
    desk: Any, http: ClientSession
) -> None:
    await login(http, "bob@desk.test")
    async with http.get("/console/account") as response:
        page = await response.text()
    assert "This desk sends operators no e-mail." in page and 'name="mail"' not in page


async def test_an_operator_signs_their_replies(http: ClientSession) -> None:
    await login(http, "bob@desk.test")
    data = {"csrf": await form_csrf(http, "/console/account"), "action": "signature"}
    signature = "Bob Peeters\r\nSupport technique  \r\n+32 2 555 01 01"
    async with http.post("/console/account", data=data | {"signature": signature}) as response:
        page = await response.text()
    assert "Your signature is saved." in page
    assert ">Bob Peeters\nSupport technique\n+32 2 555 01 01</textarea>" in page
    # Too long: said, what was typed kept, the saved one unchanged.
    long = "\n".join(f"line {n}" for n in range(7))
    async with http.post("/console/account", data=data | {"signature": long}) as response:
        assert response.status == 400
        page = await response.text()
    assert "6 lines and 400 characters at most" in page and "line 6</textarea>" in page
    async with http.get("/console/account") as response:
        page = await response.text()
    assert ">Bob Peeters\nSupport technique\n+32 2 555 01 01</textarea>" in page


async def test_signing_out_the_other_sessions_ends_them_and_their_live_consoles(
    desk: Any, http: ClientSession
) -> None:
    base = str(desk.make_url(""))
    async with cookie_session(desk) as laptop:
        await login(laptop)
        await login(http)
        cookie = {"Cookie": f"chatdesk_session={_session_of(laptop)}"}
        console = OperatorClient(base)
        await console.connect(None, headers=cookie)
        try:
            assert (await console.call("status", {"status": "online"}))["ok"]
            data = {"csrf": await form_csrf(http, "/console/account"), "action": "sessions"}
            async with http.post("/console/account", data=data, allow_redirects=False) as sent:
                assert sent.status == 303
                assert sent.headers["Location"] == "/console/account?done=sessions"
            async with http.get("/console/account?done=sessions") as page:
                assert page.status == 200 and "other sessions have ended" in await page.text()
            async with laptop.get("/console/queue", allow_redirects=False) as page:
                assert page.status == 303  # the laptop is signed out
            ack = await console.call("status", {"status": "away"})
            assert ack["ok"] is False and ack["error"]["code"] == "unauthorized"
            await asyncio.wait_for(console.sio.wait(), 10)  # and its connection is cut
        finally:
            await console.close()
        again = OperatorClient(base)
        try:
            with pytest.raises(socketio.exceptions.ConnectionError):
                await again.connect(None, headers=cookie)
            assert again.connect_error["message"] == "unauthorized"
        finally:
            await again.close()
    async with http.get("/console/queue", allow_redirects=False) as page:
        assert page.status == 200  # this browser stays in


def _session_of(http: ClientSession) -> str:
    return next(c.value for c in http.cookie_jar if c.key == "chatdesk_session")


async def test_an_idle_console_of_an_ended_session_is_cut_by_the_sweep(
    desk: Any, http: ClientSession
) -> None:
    await login(http)
    idle = OperatorClient(str(desk.make_url("")))
    await idle.connect(None, headers={"Cookie": f"chatdesk_session={_session_of(http)}"})
    kept = OperatorClient(str(desk.make_url("")))
    services = desk.app[SERVICES]
    bob = next(o for o in await services.operators.list() if o.email == "bob@desk.test")
    token, _ = services.operators.tokens.issue(bob)
    await kept.connect(None, headers={"Cookie": f"chatdesk_session={token}"})
    try:
        ada = next(o for o in await services.operators.list() if o.email == "ada@desk.test")
        await services.operators.end_other_sessions(ada, client="test")
        # Ada's console sends nothing; the sweep cuts it, and only it.
        assert await desk.app[OPERATORS_NS].cut_ended_sessions() == 1
        await asyncio.wait_for(idle.sio.wait(), 10)
        assert kept.sio.connected
        assert (await kept.call("status", {"status": "online"}))["ok"]
        assert await desk.app[OPERATORS_NS].cut_ended_sessions() == 0
    finally:
        await idle.close()
        await kept.close()
