"""The console's E-mail page and the confirmation link's page, over real HTTP."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import ClientSession, CookieJar
from aiohttp.test_utils import TestServer

from chatdesk.helpdesk import NewTicket
from chatdesk.services import Services
from chatdesk.web.appkeys import SERVICES

from ..conftest import StartServer
from ..test_console_http import PASSWORD, add_ada_and_bob, cookie_session, login
from .conftest import FROM, PUBLIC, Sink, mail_from

DESK_FILE = """
[desk]
name = "Ardenne Cloud"

[email]
unknown_senders = "verify"
colour = "#0a66c2"
"""


@pytest.fixture
async def mail_server(start_server: StartServer, sink: Sink, tmp_path: Path) -> TestServer:
    config = tmp_path / "chatdesk.toml"
    config.write_text(DESK_FILE, encoding="utf-8")
    server = await start_server(
        smtp_url=sink.url, mail_from=FROM, public_url=PUBLIC, config_file=config
    )
    return await add_ada_and_bob(server)


@pytest.fixture
async def http(mail_server: TestServer) -> AsyncIterator[ClientSession]:
    async with cookie_session(mail_server) as session:
        yield session


async def test_admins_see_failures_and_send_them_again(
    mail_server: TestServer, http: ClientSession, sink: Sink
) -> None:
    services: Services = mail_server.app[SERVICES]
    assert services.config.email.colour == "#0a66c2"  # the [email] table was read
    sink.refuse.add("gone@example.be")
    ticket, _ = await services.helpdesk.filing.file(
        NewTicket(email="gone@example.be", subject="Aide", lang="fr")
    )
    await services.mail.outbox.run()
    sink.take()  # the operators' "new request": delivered
    await login(http)
    async with http.get("/console/mail") as response:
        assert response.status == 200
        page = await response.text()
    assert "E-mail is on: the desk sends through 127.0.0.1" in page
    assert "gone@example.be" in page and "550" in page
    # What the mail was, in words, and its ticket, one click away.
    assert f'Acknowledgement · <a href="/console/t/{ticket.id}">{ticket.label}</a>' in page
    assert 'href="/console/mail" aria-current="page"' in page
    (mail_id,) = re.findall(r'name="id" value="([0-9a-f]{32})"', page)
    csrf = re.findall(r'name="csrf" value="([^"]+)"', page)[0]
    async with http.post(
        "/console/mail/retry", data={"id": mail_id, "csrf": "wrong"}, allow_redirects=False
    ) as response:
        assert response.status == 403
    sink.refuse.clear()
    async with http.post(
        "/console/mail/retry", data={"id": mail_id, "csrf": csrf}, allow_redirects=False
    ) as response:
        assert response.status == 303
        assert response.headers["Location"] == "/console/mail?retried=1"
    await services.mail.outbox.run()  # or the server's own mail job, already under way
    mail = await sink.next()
    assert sink.take() == []
    assert mail["Message-ID"] == f"<{mail_id}@desk.test>"
    async with http.get("/console/mail") as response:
        assert "No failed delivery." in await response.text()


async def test_operators_are_refused_the_page_and_do_not_see_its_link(
    http: ClientSession,
) -> None:
    await login(http, "bob@desk.test")
    async with http.get("/console/queue") as response:
        assert 'href="/console/mail"' not in await response.text()
    async with http.get("/console/mail") as response:
        assert response.status == 403
        assert "Only admins see the e-mail page." in await response.text()


async def test_without_smtp_the_console_says_e_mail_is_off(
    start_server: StartServer, sink: Sink
) -> None:
    server = await start_server()
    await server.app[SERVICES].operators.add(
        "ada@desk.test", name="Ada", role="admin", departments=("general",),
        languages=("fr",), password=PASSWORD,
    )  # fmt: skip
    async with ClientSession(
        base_url=str(server.make_url("")), cookie_jar=CookieJar(unsafe=True),
        headers={"Accept-Language": "fr"},
    ) as http:  # fmt: skip
        await login(http)
        async with http.get("/console/mail") as response:
            page = await response.text()
    assert "L'e-mail est désactivé" in page.replace("&#39;", "'")
    assert 'data-enabled="off"' in page
    assert "Aucune boîte relevée" in page and "CHATDESK_IMAP_URL" in page


async def test_the_console_names_the_polled_mailbox_and_its_last_error(
    start_server: StartServer,
) -> None:
    # Nothing listens on port 9: the first look fails, and the page says why.
    server = await start_server(imap_url="imap://desk:hunter2@127.0.0.1:9/Support")
    services: Services = server.app[SERVICES]
    assert services.mail.imap is not None
    await services.mail.imap.run()
    await services.operators.add(
        "ada@desk.test", name="Ada", role="admin", departments=("general",),
        languages=("en",), password=PASSWORD,
    )  # fmt: skip
    async with ClientSession(
        base_url=str(server.make_url("")), cookie_jar=CookieJar(unsafe=True)
    ) as http:
        await login(http)
        async with http.get("/console/mail") as response:
            page = await response.text()
    assert "fetched from the mailbox desk@127.0.0.1:9/Support every 60 s" in page
    assert "Last IMAP error seen by this process: [Errno 111] Connection refused" in page
    assert "hunter2" not in page


async def test_the_confirmation_link_shows_a_button_and_only_the_post_files(
    mail_server: TestServer, http: ClientSession, sink: Sink
) -> None:
    services: Services = mail_server.app[SERVICES]
    message = mail_from("zoe@example.be", "Aide VPS", "Mon VPS est lent.")
    received, _ = await services.mail.inbound.receive(
        bytes(message), mail_from="zoe@example.be", recipients=["support@desk.test"]
    )
    assert received.outcome == "held"
    await services.mail.outbox.run()
    (verify,) = sink.take()
    body = verify.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    (link,) = re.findall(rf"{PUBLIC}(/mail/verify/\S+)", body)
    assert link.endswith("?lang=en")
    path = link.split("?")[0]

    # A mail scanner following the link files nothing.
    async with http.get(link.replace("lang=en", "lang=fr")) as response:
        assert response.status == 200
        assert "default-src 'none'" in response.headers["Content-Security-Policy"]
        page = await response.text()
    assert "Confirmer ma demande" in page and '<html lang="fr">' in page
    assert await services._store.helpdesk.find_ticket(1) is None
    csrf = re.findall(r'name="csrf" value="([^"]+)"', page)[0]
    async with http.post(path, data={"csrf": "forged", "lang": "fr"}) as response:
        assert response.status == 403
    async with http.post(path, data={"csrf": csrf, "lang": "fr"}) as response:
        assert response.status == 200
        done = await response.text()
    assert "enregistrée sous le numéro #000001" in done
    ticket = await services._store.helpdesk.find_ticket(1)
    assert ticket is not None and ticket.requester_email == "zoe@example.be"
    async with http.post(path, data={"csrf": csrf, "lang": "fr"}) as response:
        assert response.status in (400, 403)  # used: the cookie went with it
    async with http.get(path + "x") as response:
        page = await response.text()
        csrf = re.findall(r'name="csrf" value="([^"]+)"', page)[0]
    async with http.post(path + "x", data={"csrf": csrf}) as response:
        assert response.status == 400
        assert "not valid" in await response.text()
