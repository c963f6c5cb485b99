"""A sign-in from a browser new to the operator mails them (through a real SMTP sink,
real HTTP): not their first sign-in ever, not a browser that knows them, not twice."""

from __future__ import annotations

import re
from contextlib import AsyncExitStack

import pytest
from aiohttp import ClientSession
from aiohttp.test_utils import TestServer

from chatdesk.mail.signins import describe_agent
from chatdesk.services import Services
from chatdesk.sessions import DEVICE_COOKIE
from chatdesk.web.appkeys import SERVICES

from ..conftest import StartServer
from ..test_console_http import PASSWORD, add_ada_and_bob, cookie_session, login
from .conftest import PUBLIC, Sink
from .test_outbox import parts
from .test_pages import http, mail_server

__all__ = ["http", "mail_server"]  # the fixtures: a mailing desk with Ada and Bob

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
PHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)


async def _sign_in(http: ClientSession, email: str, agent: str = FIREFOX) -> None:
    """Sign in as a browser does: the form, the redirect, the console's first page."""
    http.headers["User-Agent"] = agent
    response = await login(http, email)
    assert response.status == 303, email
    async with http.get("/console") as page:
        assert page.status == 200


async def _mails(server: TestServer, sink: Sink) -> list[object]:
    await server.app[SERVICES].mail.outbox.run()
    return list(sink.take())


async def test_a_browser_new_to_the_operator_mails_them_once(
    mail_server: TestServer, http: ClientSession, sink: Sink
) -> None:
    # The first sign-in ever is expected: no mail.
    await _sign_in(http, "ada@desk.test")
    assert await _mails(mail_server, sink) == []
    assert DEVICE_COOKIE in {c.key for c in http.cookie_jar}
    # The same browser, signed out and in again: it knows her.
    http.cookie_jar.clear(lambda c: c.key != DEVICE_COOKIE)
    await _sign_in(http, "ada@desk.test")
    assert await _mails(mail_server, sink) == []
    async with AsyncExitStack() as stack:
        phone = await stack.enter_async_context(cookie_session(mail_server))
        await _sign_in(phone, "ada@desk.test", PHONE)
        (mail,) = await _mails(mail_server, sink)
        assert mail["To"] == "ada@desk.test"  # type: ignore[index]
        assert mail["Subject"] == "Ardenne Cloud: a new sign-in to your account"  # type: ignore[index]
        assert mail["Auto-Submitted"] == "auto-generated"  # type: ignore[index]
        text, html = parts(mail)
        assert "Hello Ada," in text and "from a browser you had never signed in on" in text
        assert "Safari on iOS" in text and "127.0.0.1" in text
        assert f"{PUBLIC}/console/account#sessions-h" in text
        assert "lists the browsers you are signed in on" in text
        assert "Open my account" in html and "change your password now" in text
        # Now the phone knows her too; and a wrong password never mails.
        phone.cookie_jar.clear(lambda c: c.key != DEVICE_COOKIE)
        await _sign_in(phone, "ada@desk.test", PHONE)
        stranger = await stack.enter_async_context(cookie_session(mail_server))
        assert (await login(stranger, "ada@desk.test", "not the password")).status == 200
        assert await _mails(mail_server, sink) == []
        # A forged device cookie is a browser that knows nobody.
        forged = await stack.enter_async_context(cookie_session(mail_server))
        forged.cookie_jar.update_cookies({DEVICE_COOKIE: "WyJhZGEiXQ.forged.sig"})
        await _sign_in(forged, "ada@desk.test")
        assert len(await _mails(mail_server, sink)) == 1


async def test_the_mail_is_in_the_operator_s_language_and_names_what_it_can(
    mail_server: TestServer, sink: Sink
) -> None:
    services: Services = mail_server.app[SERVICES]
    await services.operators.add(
        "chloe@desk.test", name="Chloé", role="operator", departments=("general",),
        languages=("fr",), password=PASSWORD,
    )  # fmt: skip
    async with cookie_session(mail_server) as first, cookie_session(mail_server) as other:
        await _sign_in(first, "chloe@desk.test")
        await _sign_in(other, "chloe@desk.test", "curl/8.5")
    (mail,) = await _mails(mail_server, sink)
    assert mail["Subject"] == "Ardenne Cloud\u00a0: nouvelle connexion à votre compte"  # type: ignore[index]
    text, _ = parts(mail)
    assert "Bonjour Chloé," in text and re.search(r"Navigateur\s:\sinconnu Adresse IP\s:", text)


async def test_a_desk_without_mail_signs_in_as_before(start_server: StartServer) -> None:
    server = await add_ada_and_bob(await start_server())
    for _ in range(2):
        async with cookie_session(server) as http:
            await _sign_in(http, "bob@desk.test")


@pytest.mark.parametrize(
    ("agent", "named"),
    [
        (FIREFOX, ("Firefox", "Windows")),
        (PHONE, ("Safari", "iOS")),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like "
            "Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
            ("Edge", "macOS"),
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Mobile Safari/537.36",
            ("Chrome", "Android"),
        ),
        (
            "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
            ("Firefox", "Linux"),
        ),
        (
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "HeadlessChrome/156.0.0.0 Safari/537.36",
            ("Chrome", "Linux"),
        ),
        ("<script>alert(1)</script>", ("", "")),
        ("", ("", "")),
    ],
)
def test_browsers_are_named_in_our_own_words(agent: str, named: tuple[str, str]) -> None:
    assert describe_agent(agent) == named
