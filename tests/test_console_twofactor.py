"""Two-step sign-in over real HTTP: an operator sets it up from a QR code's key, keeps
their recovery codes, then signs in with password and code (each code once, wrong ones
throttled, a slow second step starts again); turning it off needs a code; an admin turns
it off for someone who lost their phone; a desk may require it (``[security]``)."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pyotp
import pytest
from aiohttp import ClientSession, CookieJar

from chatdesk.deskconfig import load_desk_config
from chatdesk.errors import ConfigError
from chatdesk.models import utcnow
from chatdesk.web.appkeys import SERVICES

from .test_console_http import PASSWORD, desk, form_csrf, http, login
from .test_operator_socket import refused

__all__ = ["desk", "http"]


async def _post(
    http: ClientSession, path: str, form_page: str, **data: str
) -> tuple[int, str, str]:
    data = {"csrf": await form_csrf(http, form_page)} | data
    async with http.post(path, data=data, allow_redirects=False) as response:
        return response.status, response.headers.get("Location", ""), await response.text()


async def _enrol(http: ClientSession) -> tuple[pyotp.TOTP, list[str], str]:
    """Set two-step sign-in up as the page asks; return the app, the recovery codes and
    the code that turned it on."""
    async with http.get("/console/account/2fa") as response:
        page = await response.text()
        assert response.headers["Cache-Control"] == "no-store"
    assert "<svg" in page and "Scan this code" in page
    key = re.search(r'class="totp-key">([A-Z2-7 ]+)<', page)
    token = re.search(r'name="token" value="([^"]+)"', page)
    assert key and token
    app = pyotp.TOTP(key.group(1).replace(" ", ""))
    wrong = "000000" if app.now() != "000000" else "111111"
    status, _, page = await _post(http, "/console/account/2fa", "/console/account/2fa",
                                  token=token.group(1), code=wrong)  # fmt: skip
    assert status == 400 and "does not match" in page and "<svg" in page  # the same key again
    used = app.now()
    status, _, page = await _post(http, "/console/account/2fa", "/console/account/2fa",
                                  token=token.group(1), code=used)  # fmt: skip
    assert status == 200 and "Two-step sign-in is on" in page
    codes = re.findall(r"<code>([0-9a-f]{5}-[0-9a-f]{5})</code>", page)
    assert len(codes) == 10 and len(set(codes)) == 10
    return app, codes, used


async def _sign_in(base: str, code: str | None = None) -> tuple[ClientSession, int, str, str]:
    """Log in as Ada with her password (then ``code``); return the browser and the last
    answer: status, location, page."""
    browser = ClientSession(base_url=base, cookie_jar=CookieJar(unsafe=True))
    response = await login(browser, next_="/console/tickets")
    assert response.status == 303
    location = response.headers["Location"]
    assert location == "/console/login/code?next=/console/tickets"
    async with browser.get("/console/queue", allow_redirects=False) as queue:
        assert queue.status == 303  # no session before the code
    async with browser.get(location) as response:
        page = await response.text()
    assert "authenticator app shows for" in page
    if code is None:
        return browser, response.status, location, page
    status, location, page = await _post(browser, "/console/login/code", location,
                                         code=code, next="/console/tickets")  # fmt: skip
    return browser, status, location, page


async def test_set_up_then_sign_in_with_a_code_once(desk: Any, http: ClientSession) -> None:
    base = str(desk.make_url(""))
    async with ClientSession(base_url=base, cookie_jar=CookieJar(unsafe=True)) as laptop:
        await login(laptop)
        await login(http)
        async with http.get("/console/account") as response:
            assert "Set up two-step sign-in" in await response.text()
        app, codes, used = await _enrol(http)
        # Turning it on ended the other sessions; this browser stays in.
        async with laptop.get("/console/queue", allow_redirects=False) as response:
            assert response.status == 303
    async with http.get("/console/account") as response:
        page = await response.text()
    assert "Recovery codes left: 10." in page and "Turn off" in page

    # The code used to set it up does not sign in again (the same time step).
    browser, status, _, page = await _sign_in(base, used)
    assert status == 200 and "wrong or was used already" in page
    await browser.close()
    # The next step's code (clocks drift: one step either side) signs in, to `next`.
    later = app.at(utcnow() + timedelta(seconds=30))
    browser, status, location, _ = await _sign_in(base, later)
    assert (status, location) == (303, "/console/tickets")
    async with browser.get("/console/tickets") as response:
        assert response.status == 200
    await browser.close()
    # A recovery code, typed loosely, once.
    browser, status, _, _ = await _sign_in(base, f" {codes[0].upper()} ")
    assert status == 303
    await browser.close()
    browser, status, _, page = await _sign_in(base, codes[0])
    assert status == 200 and "wrong or was used already" in page
    await browser.close()
    async with http.get("/console/account") as response:
        assert "Recovery codes left: 9." in await response.text()


async def test_wrong_codes_are_throttled_and_a_slow_step_starts_again(
    desk: Any, http: ClientSession
) -> None:
    await login(http)
    _, codes, _ = await _enrol(http)
    base = str(desk.make_url(""))
    browser, _, location, _ = await _sign_in(base)
    for guess in ("123456", "654321", "000001", "999999", "424242"):
        status, _, page = await _post(browser, "/console/login/code", location, code=guess)
        assert status == 200 and "wrong or was used already" in page
    status, _, page = await _post(browser, "/console/login/code", location, code=codes[1])
    assert status == 429 and "Too many wrong codes" in page  # even a right one, for now
    # A forged or stale step: the password again.
    browser.cookie_jar.clear(lambda cookie: cookie.key == "chatdesk_2fa")
    browser.cookie_jar.update_cookies({"chatdesk_2fa": "forged"}, desk.make_url("/console/"))
    async with browser.get(location) as response:
        page = await response.text()
    assert "took too long" in page and 'name="password"' in page
    await browser.close()


async def test_turning_it_off_needs_a_code_and_an_admin_can_for_a_lost_phone(
    desk: Any, http: ClientSession
) -> None:
    services = desk.app[SERVICES]
    await login(http, "bob@desk.test")
    _, codes, _ = await _enrol(http)
    status, location, _ = await _post(http, "/console/account/2fa/off", "/console/account",
                                      code="12345")  # fmt: skip
    assert (status, location) == (303, "/console/account?error=wrong_code#twofa")
    async with http.get(location) as response:
        assert "wrong or was used already" in await response.text()
    status, location, _ = await _post(http, "/console/account/2fa/off", "/console/account",
                                      code=codes[3])  # fmt: skip
    assert location == "/console/account?done=twofa_off#twofa"
    async with http.get(location) as response:
        page = await response.text()
    assert "Two-step sign-in is off." in page and "Set up two-step sign-in" in page

    # On again; Bob loses his phone: Ada, an admin, turns it off for him.
    await _enrol(http)
    bob = await services.operators.get((await services.operators.list())[1].id)
    assert bob is not None and bob.two_factor
    async with ClientSession(
        base_url=str(desk.make_url("")), cookie_jar=CookieJar(unsafe=True)
    ) as ada:
        await login(ada)
        async with ada.get("/console/operators") as response:
            page = await response.text()
        assert "Turn two-step sign-in off" in page and ">2-step<" in page
        status, location, _ = await _post(ada, "/console/operators", "/console/operators",
                                          action="reset_2fa", email="bob@desk.test")  # fmt: skip
        assert (status, location) == (303, "/console/operators?done=reset_2fa")
    async with http.get("/console/queue", allow_redirects=False) as response:
        assert response.status == 303  # Bob's sessions ended
    response = await login(http, "bob@desk.test")
    assert response.headers["Location"] == "/console"  # the password alone again


async def test_a_desk_that_requires_it_of_admins(
    start_server: Any, tmp_path: Path, new_client: Any
) -> None:
    config = tmp_path / "chatdesk.toml"
    config.write_text('[security]\ntwo_factor = "admins"\n', encoding="utf-8")
    server = await start_server(config_file=config)
    services = server.app[SERVICES]
    for email, role in (("ada@desk.test", "admin"), ("bob@desk.test", "operator")):
        await services.operators.add(email, name=email[:3].title(), role=role,
                                     departments=("general",), languages=("en",),
                                     password=PASSWORD)  # fmt: skip
    base = str(server.make_url(""))
    async with ClientSession(base_url=base, cookie_jar=CookieJar(unsafe=True)) as ada:
        await login(ada)
        # Nothing but the set-up page, and no socket, until it is set up.
        for path in ("/console/queue", "/console/tickets", "/console/account"):
            async with ada.get(path, allow_redirects=False) as response:
                assert response.headers["Location"] == "/console/account/2fa", path
        async with ada.get("/console/account/2fa") as response:
            page = await response.text()
        assert "asks administrators to sign in in two steps" in page and "Cancel" not in page
        cookie = "; ".join(f"{c.key}={c.value}" for c in ada.cookie_jar)
        assert (await refused(server, new_client, {"Cookie": cookie}))["message"] == (
            "two_factor_required"
        )
        _, codes, _ = await _enrol(ada)
        async with ada.get("/console/tickets") as response:
            assert response.status == 200
        async with ada.get("/console/account") as response:
            page = await response.text()
        assert "requires it of your account" in page and "/console/account/2fa/off" not in page
        _, location, _ = await _post(ada, "/console/account/2fa/off", "/console/account",
                                     code=codes[0])  # fmt: skip
        assert location == "/console/account?error=required#twofa"
        assert (await services.operators.get((await services.operators.list())[0].id)).two_factor
    # An operator is not asked.
    async with ClientSession(base_url=base, cookie_jar=CookieJar(unsafe=True)) as bob:
        assert (await login(bob, "bob@desk.test")).headers["Location"] == "/console"
        async with bob.get("/console/tickets") as response:
            assert response.status == 200


def test_the_setting_is_checked(tmp_path: Path) -> None:
    config = tmp_path / "chatdesk.toml"
    config.write_text('[security]\ntwo_factor = "sometimes"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[security\] two_factor"):
        load_desk_config(config)


async def test_new_recovery_codes_replace_the_old_ones(desk: Any, http: ClientSession) -> None:
    await login(http)
    _, old, _ = await _enrol(http)
    status, location, _ = await _post(http, "/console/account/2fa/codes", "/console/account",
                                       code="12345")  # fmt: skip
    assert location == "/console/account?error=wrong_code#twofa"
    status, _, page = await _post(http, "/console/account/2fa/codes", "/console/account",
                                  code=old[0])  # fmt: skip
    assert status == 200 and "Your new recovery codes" in page
    new = re.findall(r"<code>([0-9a-f]{5}-[0-9a-f]{5})</code>", page)
    assert len(new) == 10 and not set(new) & set(old)
    async with http.get("/console/account") as response:
        assert "Recovery codes left: 10." in await response.text()  # still signed in
    base = str(desk.make_url(""))
    browser, status, _, _ = await _sign_in(base, old[1])
    assert status == 200  # an old code: refused
    await browser.close()
    browser, status, _, _ = await _sign_in(base, new[0])
    assert status == 303
    await browser.close()
