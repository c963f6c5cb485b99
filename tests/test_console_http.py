"""Login, CSRF, throttling, logout and the console pages over real HTTP."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from aiohttp import ClientSession, CookieJar

from chatdesk.helpdesk import NewTicket
from chatdesk.models import Author, MessageDraft
from chatdesk.web.appkeys import SERVICES

PASSWORD = "correct horse battery"


@pytest.fixture
async def desk(server: Any) -> Any:
    services = server.app[SERVICES]
    await services.operators.add(
        "ada@desk.test",
        name="Ada",
        role="admin",
        departments=("general",),
        languages=("en",),
        password=PASSWORD,
    )
    await services.operators.add(
        "bob@desk.test",
        name="Bob <b>",
        role="operator",
        departments=("general",),
        languages=("en",),
        password=PASSWORD,
    )
    return server


@pytest.fixture
async def http(desk: Any) -> Any:
    async with cookie_session(desk) as session:
        yield session


@asynccontextmanager
async def cookie_session(server: Any) -> AsyncIterator[ClientSession]:
    """An HTTP client of ``server`` that keeps its cookies, as a browser does."""
    # unsafe=True: keep cookies from an IP address (the test server is on 127.0.0.1).
    async with ClientSession(
        base_url=str(server.make_url("")), cookie_jar=CookieJar(unsafe=True)
    ) as session:
        yield session


async def add_ada_and_bob(server: Any) -> Any:
    """Add Ada (an admin) and Bob (an operator), both of the general department, to
    ``server``'s desk; return the server."""
    for email, role in (("ada@desk.test", "admin"), ("bob@desk.test", "operator")):
        await server.app[SERVICES].operators.add(
            email, name=email[:3].title(), role=role, departments=("general",),
            languages=("en",), password=PASSWORD,
        )  # fmt: skip
    return server


async def form_csrf(http: ClientSession, path: str = "/console/login") -> str:
    async with http.get(path) as response:
        page = await response.text()
    match = re.search(r'name="csrf" value="([^"]+)"', page)
    assert match, page
    return match.group(1)


async def login(
    http: ClientSession,
    email: str = "ada@desk.test",
    password: str = PASSWORD,
    next_: str = "/console",
) -> Any:
    csrf = await form_csrf(http)
    return await http.post(
        "/console/login",
        allow_redirects=False,
        data={
            "csrf": csrf,
            "email": email,
            "password": password,
            "next": next_,
        },
    )


async def test_console_requires_login(http: ClientSession) -> None:
    async with http.get("/console/queue", allow_redirects=False) as response:
        assert response.status == 303
        assert response.headers["Location"] == "/console/login?next=/console/queue"


async def test_login_sets_a_safe_cookie_and_opens_the_console(http: ClientSession) -> None:
    response = await login(http)
    assert response.status == 303 and response.headers["Location"] == "/console"
    cookie = response.cookies["chatdesk_session"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["path"] == "/"
    async with http.get("/console/queue") as page:
        text = await page.text()
        assert page.status == 200 and "Ada" in text
        assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
        assert page.headers["X-Frame-Options"] == "DENY"
        assert page.headers["Cache-Control"] == "no-store"


async def test_wrong_password_and_throttling(http: ClientSession) -> None:
    for _ in range(5):
        response = await login(http, password="wrong password!")
        assert response.status == 200
        assert "Wrong e-mail or password" in await response.text()
    # Even the right password is refused while throttled.
    response = await login(http)
    assert response.status == 429
    assert "too many failed logins" in (await response.text()).lower()


async def test_unknown_email_is_indistinguishable(http: ClientSession) -> None:
    response = await login(http, email="nobody@desk.test")
    assert response.status == 200 and "Wrong e-mail or password" in await response.text()


async def test_login_without_csrf_is_refused(http: ClientSession) -> None:
    response = await http.post(
        "/console/login",
        allow_redirects=False,
        data={"email": "ada@desk.test", "password": PASSWORD},
    )
    assert response.status == 403


async def test_no_open_redirect_after_login(http: ClientSession) -> None:
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        await http.post("/console/logout")
        http.cookie_jar.clear()
        response = await login(http, next_=target)
        assert response.headers["Location"] == "/console"


async def test_logout_needs_the_csrf_token(http: ClientSession) -> None:
    await login(http)
    response = await http.post("/console/logout", allow_redirects=False, data={"csrf": "nope"})
    assert response.status == 403
    csrf = await form_csrf(http, "/console/queue")
    response = await http.post("/console/logout", allow_redirects=False, data={"csrf": csrf})
    assert response.status == 303
    async with http.get("/console/queue", allow_redirects=False) as page:
        assert page.status == 303


async def test_disabling_ends_the_session(desk: Any, http: ClientSession) -> None:
    await login(http, "bob@desk.test")
    async with http.get("/console/queue") as page:
        assert page.status == 200
        assert "Bob &lt;b&gt;" in await page.text()  # escaped
    await desk.app[SERVICES].operators.set_disabled("bob@desk.test", True)
    async with http.get("/console/queue", allow_redirects=False) as page:
        assert page.status == 303


async def test_conversation_page_escapes_visitor_text(desk: Any, http: ClientSession) -> None:
    services = desk.app[SERVICES]
    _, conversation = await services._store.conversations.create_visitor(
        lang="en", page="/", now=services.routing.clock()
    )
    await services._store.conversations.append_message(
        conversation.id, MessageDraft(Author.VISITOR, "<script>alert(1)</script> help")
    )
    await services.escalation.visitor_asked(conversation.id)
    await login(http)
    async with http.get(f"/console/c/{conversation.id}") as page:
        text = await page.text()
        assert page.status == 200
        assert "<script>alert(1)</script>" not in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt; help" in text
        assert "#000001" in text
    async with http.get("/console/c/nope") as page:
        assert page.status == 404


async def test_canned_responses_page(http: ClientSession) -> None:
    await login(http, "bob@desk.test")
    csrf = await form_csrf(http, "/console/canned")
    denied = await http.post(
        "/console/canned",
        allow_redirects=False,
        data={"csrf": csrf, "shortcut": "hi", "lang": "en", "text": "Hi"},
    )
    assert denied.status == 403
    await http.post("/console/logout", data={"csrf": csrf})
    await login(http)
    csrf = await form_csrf(http, "/console/canned")
    saved = await http.post(
        "/console/canned",
        allow_redirects=False,
        data={"csrf": csrf, "shortcut": "hi", "lang": "en", "text": "Hi!"},
    )
    assert saved.status == 303
    bad = await http.post(
        "/console/canned", data={"csrf": csrf, "shortcut": "Bad One", "lang": "en", "text": "x"}
    )
    assert bad.status == 400
    async with http.get("/console/canned") as page:
        assert "/hi" in await page.text()
    then = await http.post(
        "/console/canned",
        allow_redirects=False,
        data={"csrf": csrf, "shortcut": "done", "lang": "en", "text": "Fixed.",
              "status": "resolved", "tags": "Billing , Panne Réseau"},
    )  # fmt: skip
    assert then.status == 303
    async with http.get("/console/canned") as page:
        assert re.search(
            r"<td>/done</td><td>en</td><td>Fixed.</td><td>resolved</td><td>"
            r'<span class="badge tag">billing</span> <span class="badge tag">panne-réseau</span>',
            await page.text(),
        )
    wrong = await http.post(
        "/console/canned",
        data={"csrf": csrf, "shortcut": "x", "lang": "en", "text": "x", "tags": "a!b"},
    )
    assert wrong.status == 400
    # Deleting from the console's form (the path that once failed on its csrf field).
    deleted = await http.post(
        "/console/canned",
        allow_redirects=False,
        data={"csrf": csrf, "action": "delete", "shortcut": "hi", "lang": "en"},
    )
    assert deleted.status == 303, await deleted.text()
    async with http.get("/console/canned") as page:
        assert "/hi" not in await page.text()


async def test_failed_login_is_logged_without_the_password(
    http: ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        await login(http, password="wrong password!")
    assert "failed login for ada@desk.test" in caplog.text
    assert "wrong password!" not in caplog.text


async def test_console_assets(http: ClientSession) -> None:
    async with http.get("/console/assets/console.css") as response:
        assert response.status == 200 and response.content_type == "text/css"
        etag = response.headers["ETag"]
    async with http.get("/console/assets/console.css", headers={"If-None-Match": etag}) as again:
        assert again.status == 304
    async with http.get("/console/assets/other.js") as missing:
        assert missing.status == 404


async def test_one_operators_typos_do_not_lock_out_the_others(http: ClientSession) -> None:
    # Behind a proxy every client has the same address: Bob's failures must not block Ada.
    for _ in range(5):
        await login(http, "bob@desk.test", password="wrong password!")
    assert (await login(http, "bob@desk.test")).status == 429
    response = await login(http, "ada@desk.test")
    assert response.status == 303


async def test_a_note_s_mention_reads_in_the_ticket_s_history(
    desk: Any, http: ClientSession
) -> None:
    services = desk.app[SERVICES]
    ticket, _ = await services.helpdesk.filing.file(
        NewTicket(email="lea@example.be", subject="Site en panne", lang="fr")
    )
    ada = next(o for o in await services.operators.list() if o.name == "Ada")
    await services.helpdesk.tickets.reply(ticket.id, ada, "@Bob, serveur 3 ?", internal=True)
    await login(http)
    async with http.get(f"/console/t/{ticket.id}") as response:
        page = await response.text()
    # Bob's name is escaped as every name is ("Bob <b>").
    assert "named Bob &lt;b&gt; in a note" in page
