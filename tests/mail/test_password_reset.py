"""A forgotten password: the link by e-mail (through a real SMTP sink), its pages over
real HTTP, and what the service refuses (time, reuse, floods, who may have one)."""

from __future__ import annotations

import re

import pytest
from aiohttp import ClientSession
from aiohttp.test_utils import TestServer

from chatdesk.errors import InvalidPayload, InvalidToken, RateLimited, Unauthorized
from chatdesk.mail.passwords import PasswordResets
from chatdesk.models import AuditAction
from chatdesk.operators import OperatorService, SessionTokens
from chatdesk.services import Services
from chatdesk.store import Store
from chatdesk.web.appkeys import SERVICES

from ..conftest import StartServer
from ..desk import Clock
from ..helpdesk.conftest import operator
from ..test_console_http import PASSWORD, add_ada_and_bob, cookie_session, form_csrf, login
from .conftest import PUBLIC, Sink, deliver, mail_desk
from .test_outbox import parts
from .test_pages import http, mail_server

__all__ = ["http", "mail_server"]  # the fixtures: a mailing desk with Ada and Bob

NEW = "a new and long passphrase"
LINK = re.compile(re.escape(PUBLIC) + r"(/console/password/reset/[A-Za-z0-9_.\-]+)")


async def _ask(http: ClientSession, email: str) -> tuple[int, str]:
    csrf = await form_csrf(http, "/console/password/forgot")
    async with http.post(
        "/console/password/forgot", data={"csrf": csrf, "email": email}
    ) as response:
        return response.status, await response.text()


def _csrf(page: str) -> str:
    """The form's CSRF token (each page of the login gives a new one)."""
    return re.findall(r'name="csrf" value="([^"]+)"', page)[0]


async def _sent(server: TestServer, sink: Sink) -> list[str]:
    """Send what the outbox holds; return the links of the mails with one."""
    await server.app[SERVICES].mail.outbox.run()
    return [m.group(1) for mail in sink.take() if (m := LINK.search(parts(mail)[0]))]


async def test_an_operator_chooses_a_new_password_through_the_link(
    mail_server: TestServer, http: ClientSession, sink: Sink
) -> None:
    async with http.get("/console/login") as response:
        assert 'href="/console/password/forgot"' in await response.text()
    await form_csrf(http, "/console/password/forgot")  # the form first, as a browser
    async with http.post(
        "/console/password/forgot", data={"csrf": "wrong", "email": "ada@desk.test"}
    ) as response:
        assert response.status == 403
    status, page = await _ask(http, " Ada@Desk.test ")
    assert status == 200 and "If Ada@Desk.test has an account here" in page
    await mail_server.app[SERVICES].mail.outbox.run()
    (mail,) = sink.take()
    assert mail["To"] == "ada@desk.test" and mail["Auto-Submitted"] == "auto-generated"
    assert mail["Subject"] == "Ardenne Cloud: choose a new password"
    text, html = parts(mail)
    assert "Hello Ada," in text and "it works once, for 60 minutes" in text
    assert "Choose a password" in html
    match = LINK.search(text)
    assert match is not None
    link = match.group(1)

    async with http.get(link) as response:
        assert response.status == 200
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["Cache-Control"] == "no-store"
        page = await response.text()
    assert "For ada@desk.test." in page and 'autocomplete="new-password"' in page
    form = {"csrf": _csrf(page), "password": NEW, "confirm": NEW + "!", "username": "ada@desk.test"}
    async with http.post(link, data=form) as response:
        assert response.status == 400
        page = await response.text()
    assert "The two new passwords differ." in page
    short = form | {"csrf": _csrf(page), "password": "short", "confirm": "short"}
    async with http.post(link, data=short) as response:
        assert response.status == 400  # the link still works after either
        page = await response.text()
    assert "at least 10 characters" in page
    weak = form | {"csrf": _csrf(page), "password": "azertyuiop1", "confirm": "azertyuiop1"}
    async with http.post(link, data=weak) as response:
        assert response.status == 400  # a keyboard row: refused, the link still works
        page = await response.text()
    assert "This password is too easy to guess" in page
    good = form | {"csrf": _csrf(page), "confirm": NEW}
    async with http.post(link, data=good, allow_redirects=False) as response:
        assert response.status == 303
        assert response.headers["Location"] == "/console/login?reset=done"
    async with http.get("/console/login?reset=done") as response:
        assert "Your new password is saved: sign in with it." in await response.text()

    async with await login(http, password=PASSWORD) as response:
        assert response.status == 200 and "Location" not in response.headers  # the old one
    async with await login(http, password=NEW) as response:
        assert response.headers["Location"] == "/console"
    # Once: the link is spent, and the page says what to do.
    async with http.get(link) as response:
        assert response.status == 400
        page = await response.text()
    assert "This link was used already." in page and 'href="/console/password/forgot"' in page
    services: Services = mail_server.app[SERVICES]
    (admin,) = [o for o in await services.operators.list() if o.email == "ada@desk.test"]
    audit = await services.audit.page(admin)
    (entry,) = [e for e in audit if e.action is AuditAction.PASSWORD_SET]
    assert (entry.actor, entry.target) == ("ada@desk.test", "ada@desk.test")
    assert entry.detail == "by a link sent by e-mail"


async def test_nobody_learns_which_addresses_have_an_account(
    mail_server: TestServer, http: ClientSession, sink: Sink
) -> None:
    services: Services = mail_server.app[SERVICES]
    (admin,) = [o for o in await services.operators.list() if o.email == "ada@desk.test"]
    await services.operator_admin.set_disabled(admin, "bob@desk.test", True)
    for email in ("nobody@desk.test", "bob@desk.test"):  # unknown; disabled
        status, page = await _ask(http, email)
        assert status == 200 and f"If {email} has an account here" in page
    assert await _sent(mail_server, sink) == []
    status, page = await _ask(http, "not an address")
    assert status == 400 and "This is not an e-mail address." in page
    async with http.get("/console/password/reset/forged.token") as response:
        assert response.status == 400
        assert "This link is not valid." in await response.text()


async def test_a_desk_without_mail_says_to_ask_an_admin(start_server: StartServer) -> None:
    server = await add_ada_and_bob(await start_server())
    async with cookie_session(server) as http:
        async with http.get("/console/login") as response:
            assert "/console/password/forgot" not in await response.text()
        async with http.get("/console/password/forgot") as response:
            page = await response.text()
    assert "ask an administrator to set a new password" in page and "<form" not in page


async def test_a_link_lasts_an_hour_and_floods_are_refused(
    store: Store, clock: Clock, sink: Sink
) -> None:
    desk = mail_desk(store, clock, sink)
    ann = await operator(desk, "Ann")
    resets = desk.password_resets
    assert resets is not None
    await resets.request("ann@desk.test", client="198.51.100.7")
    (mail,) = await deliver(desk, sink)
    assert mail["Subject"] == "Ardenne Cloud\u00a0: choisir un nouveau mot de passe"  # hers
    match = LINK.search(parts(mail)[0])
    assert match is not None
    token = match.group(1).rpartition("/")[2]
    assert await resets.check(token) == (ann, False)  # a reset, not an invitation
    clock.advance(minutes=61)
    with pytest.raises(InvalidToken) as expired:
        await resets.check(token)
    assert expired.value.code == "link_expired"

    # A new link; the old ones die with the password it sets.
    await resets.request("ann@desk.test", client="198.51.100.7")
    await resets.request("ann@desk.test", client="198.51.100.7")
    first, second = [
        LINK.search(parts(m)[0]).group(1).rpartition("/")[2]  # type: ignore[union-attr]
        for m in await deliver(desk, sink)
    ]
    with pytest.raises(InvalidPayload):
        await resets.reset(first, "short", client="198.51.100.7")
    for _ in range(5):  # she tried and tried: locked out for 15 minutes...
        with pytest.raises(Unauthorized):
            await desk.operators.login("ann@desk.test", "guess work", client="198.51.100.7")
    with pytest.raises(RateLimited):
        await desk.operators.login("ann@desk.test", "guess work", client="198.51.100.7")
    await resets.reset(first, NEW, client="198.51.100.7")
    (told,) = await deliver(desk, sink)  # her password changed: she is told
    assert told["Subject"] == "Ardenne Cloud\u00a0: votre mot de passe a changé"
    assert "a été changé le " in parts(told)[0] and "Mot de passe oublié ?" in parts(told)[0]
    # ...until the link proved the address is hers.
    assert (await desk.operators.login("ann@desk.test", NEW, client="198.51.100.7")).id == ann.id
    for token in (first, second):
        with pytest.raises(InvalidToken) as used:
            await resets.reset(token, NEW + "2", client="198.51.100.7")
        assert used.value.code == "link_used"

    # Three links an hour per address (a fourth is dropped, quietly); ten requests in
    # 15 minutes from one client (the eleventh is refused).
    await resets.request("ann@desk.test", client="203.0.113.9")
    assert await deliver(desk, sink) == []
    for n in range(9):  # with the one above: ten
        await resets.request(f"x{n}@desk.test", client="203.0.113.9")
    with pytest.raises(RateLimited):
        await resets.request("ann@desk.test", client="203.0.113.9")


async def test_no_link_where_the_desk_wants_single_sign_on(
    store: Store, clock: Clock, sink: Sink
) -> None:
    desk = mail_desk(store, clock, sink)
    await operator(desk, "Ann")
    await operator(desk, "Ada", "admin")
    sso_only = OperatorService(
        store, SessionTokens("s" * 40), departments=desk.config.departments,
        password_sign_in="admins", clock=clock,
    )  # fmt: skip
    resets = PasswordResets(
        store, sso_only, desk.mail.outbox, "s" * 40, public_url=PUBLIC, clock=clock
    )
    await resets.request("ann@desk.test", client="198.51.100.7")  # signs in through SSO
    await resets.request("ada@desk.test", client="198.51.100.7")  # an admin may not
    assert [m["To"] for m in await deliver(desk, sink)] == ["ada@desk.test"]


async def test_an_invitation_lasts_a_week(store: Store, clock: Clock, sink: Sink) -> None:
    desk = mail_desk(store, clock, sink)
    ada = await operator(desk, "Ada", "admin")
    zoe = await desk.operator_admin.add(
        ada, "zoe@desk.test", name="Zoé", role="operator", departments=("general",),
        languages=("en",), password=None,
    )  # fmt: skip
    (mail,) = await deliver(desk, sink)
    assert mail["Subject"] == "Ardenne Cloud: your account on the console"
    text = parts(mail)[0]
    assert "Ada made you an account on the Ardenne Cloud console" in text
    assert "it works once, for 7 days" in text
    match = LINK.search(text)
    assert match is not None
    token = match.group(1).rpartition("/")[2]
    resets = desk.password_resets
    assert resets is not None
    sent = clock.now  # the invitation is pending from its mail on
    clock.advance(days=6, hours=23)
    found, invited = await resets.check(token)
    assert (found.id, invited, found.invited_at) == (zoe.id, True, sent)
    clock.advance(hours=2)
    with pytest.raises(InvalidToken) as expired:
        await resets.reset(token, NEW, client="198.51.100.7")
    assert expired.value.code == "link_expired"


async def test_an_operator_hears_of_every_new_password_but_their_first(
    store: Store, clock: Clock, sink: Sink
) -> None:
    desk = mail_desk(store, clock, sink)
    ada = await operator(desk, "Ada", "admin")
    ann = await operator(desk, "Ann")
    await desk.operators.change_own_password(ann, "correct horse battery", NEW, client="x")
    await desk.operator_admin.set_password(ada, "ann@desk.test", NEW + " again")
    mails = await deliver(desk, sink)
    assert [m["To"] for m in mails] == ["ann@desk.test"] * 2
    assert all("votre mot de passe a changé" in str(m["Subject"]) for m in mails)
    # An invited operator's first password is no news to them.
    await desk.operator_admin.add(
        ada, "zoe@desk.test", name="Zoé", role="operator", departments=("general",),
        languages=("en",), password=None,
    )  # fmt: skip
    (invitation,) = await deliver(desk, sink)
    match = LINK.search(parts(invitation)[0])
    assert match is not None and desk.password_resets is not None
    await desk.password_resets.reset(match.group(1).rpartition("/")[2], NEW, client="x")
    assert await deliver(desk, sink) == []
