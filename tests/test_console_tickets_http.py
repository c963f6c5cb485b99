"""The console's ticket pages and reports over real HTTP: views with filters, a ticket's
page, replies with files (checked by the core), downloads, reports and their CSV."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from aiohttp import ClientSession, CookieJar, FormData

from chatdesk.helpdesk import Edit, NewTicket
from chatdesk.web.appkeys import SERVICES
from chatdesk.web.reports import csv_cell

PASSWORD = "correct horse battery"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40


async def add_ada(server: Any) -> Any:
    """Add Ada, an admin of the general department, to ``server``'s desk."""
    return await server.app[SERVICES].operators.add(
        "ada@desk.test", name="Ada", role="admin", departments=("general",),
        languages=("en",), password=PASSWORD,
    )  # fmt: skip


@pytest.fixture
async def desk(server: Any) -> Any:
    server.ada = await add_ada(server)
    return server


@pytest.fixture
async def http(desk: Any) -> Any:
    async with ClientSession(
        base_url=str(desk.make_url("")), cookie_jar=CookieJar(unsafe=True)
    ) as session:
        async with session.get("/console/login") as page:
            csrf = re.search(r'name="csrf" value="([^"]+)"', await page.text())
        assert csrf
        data = {"csrf": csrf.group(1), "email": "ada@desk.test", "password": PASSWORD}
        async with session.post("/console/login", data=data) as response:
            assert response.status == 200
        yield session


async def file(desk: Any, subject: str, **kw: Any) -> Any:
    kw.setdefault("email", "lea@example.be")
    ticket, _ = await desk.app[SERVICES].helpdesk.filing.file(
        NewTicket(subject=subject, lang="fr", **kw)
    )
    return ticket


async def login_ada(http: ClientSession) -> None:
    """Log Ada in on ``http`` (its desk started by the test itself)."""
    data = {"csrf": await csrf_of(http, "/console/login"), "email": "ada@desk.test"}
    async with http.post("/console/login", data=data | {"password": PASSWORD}) as response:
        assert response.status == 200


@asynccontextmanager
async def ada_session(server: Any) -> AsyncIterator[ClientSession]:
    """An HTTP session of ``server``'s desk with Ada logged in."""
    async with ClientSession(
        base_url=str(server.make_url("")), cookie_jar=CookieJar(unsafe=True)
    ) as http:
        await login_ada(http)
        yield http


async def csrf_of(http: ClientSession, path: str) -> str:
    async with http.get(path) as page:
        found = re.search(r'name="csrf" value="([^"]+)"', await page.text())
    assert found
    return found.group(1)


async def test_views_and_filters_render_in_the_operators_language(
    desk: Any, http: ClientSession
) -> None:
    await file(desk, "Facture <b>double</b>", department="billing", priority="high")
    await file(desk, "Site en panne", type="incident")
    async with http.get("/console/tickets") as page:
        text = await page.text()
        assert page.status == 200
    assert "Facture &lt;b&gt;double&lt;/b&gt;" in text and "Site en panne" in text
    assert "All open" in text and "Breaching soon" in text
    async with http.get("/console/tickets?view=all&priority=high&q=factu") as page:
        text = await page.text()
    assert "Facture" in text and "Site en panne" not in text
    async with http.get(
        "/console/tickets?view=open&department=billing", headers={"Cookie": ""}
    ) as page:
        assert "Site en panne" not in await page.text()
    for bad in ("view=everything", "page=x", "priority=soon", "sort=priority"):
        async with http.get(f"/console/tickets?{bad}") as page:
            assert page.status == 400, bad
    http.cookie_jar.update_cookies({"chatdesk_console_lang": "nl"})
    async with http.get("/console/tickets?view=pending") as page:
        text = await page.text()
    assert "Wacht op klant" in text and "Geen enkel ticket komt overeen." in text
    assert "Per afdeling:" in text
    # French puts a no-break space before a colon.
    http.cookie_jar.update_cookies({"chatdesk_console_lang": "fr"})
    async with http.get("/console/tickets") as page:
        assert "Par service\u00a0:" in await page.text()


async def test_a_ticket_page_and_a_reply_with_a_file(desk: Any, http: ClientSession) -> None:
    ticket = await file(desk, "Site en panne", type="incident", name="Léa")
    path = f"/console/t/{ticket.id}"
    async with http.get(f"/console/t/{ticket.number}") as page:
        text = await page.text()
        assert page.status == 200
    assert "Site en panne" in text and "Léa" in text and "First response due" in text
    assert 'value="open"' in text and 'enctype="multipart/form-data"' in text
    async with http.get("/console/t/999999") as page:
        assert page.status == 404
    csrf = await csrf_of(http, path)

    form = FormData()
    form.add_field("csrf", csrf)
    form.add_field("text", "Voici la capture.")
    form.add_field("files", PNG, filename="capture.png", content_type="image/png")
    async with http.post(
        f"{path}/reply", data=form, headers={"Accept": "application/json"}
    ) as response:
        body = await response.json()
        assert response.status == 200, body
    assert body["ok"] and body["ticket"]["status"] == "open"
    page = await desk.app[SERVICES].helpdesk.console.page(desk.ada, ticket.id)
    (shot,) = page["attachments"]
    assert shot["filename"] == "capture.png" and shot["message_id"] == body["message"]["id"]
    async with http.get(f"/console/files/{shot['id']}") as download:
        assert download.status == 200 and await download.read() == PNG
        assert download.headers["Content-Disposition"].startswith("attachment;")
        assert download.headers["X-Content-Type-Options"] == "nosniff"
    async with http.get(path) as again:
        # The screenshot shows in the thread (a raster image, checked on its bytes).
        assert f'<img src="/console/files/{shot["id"]}"' in await again.text()

    evil = FormData()
    evil.add_field("csrf", csrf)
    evil.add_field("text", "Un programme")
    evil.add_field("files", b"MZ\x90\x00" + b"\x00" * 60, filename="photo.png")
    async with http.post(
        f"{path}/reply", data=evil, headers={"Accept": "application/json"}
    ) as response:
        refused = await response.json()
    assert refused["ok"] is False and refused["error"]["code"] == "executable"
    forged = FormData(default_to_multipart=True)
    forged.add_field("csrf", "forged")
    forged.add_field("text", "Hello")
    async with http.post(f"{path}/reply", data=forged) as response:
        assert response.status == 403
    note = FormData(default_to_multipart=True)
    note.add_field("csrf", csrf)
    note.add_field("text", "Note sans JS")
    note.add_field("internal", "on")
    async with http.post(f"{path}/reply", data=note, allow_redirects=False) as response:
        assert response.status == 303 and response.headers["Location"] == path
    page = await desk.app[SERVICES].helpdesk.console.page(desk.ada, ticket.id)
    assert [(m["text"], m["internal"]) for m in page["messages"]][-1] == ("Note sans JS", True)
    async with http.get("/console/files/nope") as missing:
        assert missing.status == 404


async def test_a_reply_can_set_the_ticket_s_status(desk: Any, http: ClientSession) -> None:
    ticket = await file(desk, "Export vide", description="L'export est vide.")
    path = f"/console/t/{ticket.id}"
    async with http.get(path) as page:
        text = await page.text()
    # Offered: the moves a new ticket allows, after the reply's own move to open.
    assert '<select name="status" id="treply-status">' in text
    assert '<option value="pending">pending</option>' in text
    csrf = await csrf_of(http, path)

    async def post(status: str, words: str) -> tuple[int, Any]:
        form = FormData(default_to_multipart=True)
        for key, value in (("csrf", csrf), ("text", words), ("status", status)):
            form.add_field(key, value)
        headers = {"Accept": "application/json"}
        async with http.post(f"{path}/reply", data=form, headers=headers) as response:
            return response.status, await response.json()

    status, body = await post("pending", "Pouvez-vous réessayer ?")
    assert status == 200 and body["ticket"]["status"] == "pending", body
    status, body = await post("reopened", "?")
    assert status == 400 and body["error"]["code"] == "invalid_payload"
    status, body = await post("resolved", "Réglé.")
    assert body["ticket"]["status"] == "resolved"
    async with http.get(path) as page:
        text = await page.text()
    # The service panel says each target was met: answered, then resolved.
    assert '<span class="done">· answered</span>' in text
    assert '<span class="done">· resolved</span>' in text
    status, body = await post("pending", "Encore ?")
    assert status == 409 and body["error"]["code"] == "invalid_transition"
    page = await desk.app[SERVICES].helpdesk.console.page(desk.ada, ticket.id)
    assert [m["text"] for m in page["messages"]][-1] == "Réglé."  # the refused one not posted


async def test_a_description_is_shown_once(desk: Any, http: ClientSession) -> None:
    ticket = await file(
        desk, "Export vide", name="Léa Martin", description="L'export CSV est vide depuis ce matin."
    )
    async with http.get(f"/console/t/{ticket.number}") as page:
        text = await page.text()
    # The form's description is the thread's first message: not repeated above it (the
    # split panel's menu names it too, further down).
    thread = (
        text.partition('id="timeline"')[0]
        + text.partition('id="timeline"')[2].partition("</ol>")[0]
    )
    assert thread.count("L&#39;export CSV est vide depuis ce matin.") == 1
    assert 'class="description"' not in text
    # The history names the requester, as it names operators.
    assert re.search(r'<span class="who">Léa Martin</span>\s+filed the ticket', text)


async def test_the_history_names_people_in_cc_who_answered(desk: Any, http: ClientSession) -> None:
    services = desk.app[SERVICES]
    ticket = await file(desk, "Export vide", name="Léa Martin", cc=["marc@example.be"])
    await services.helpdesk.tickets.change(desk.ada, ticket.id, Edit(status="pending"))
    marc = await services.helpdesk.people.requester("marc@example.be", name="Marc Dupont")
    await services.helpdesk.tickets.reply(ticket.id, marc, "Toujours vide.", colleague=True)
    async with http.get(f"/console/t/{ticket.number}") as page:
        text = await page.text()
    assert re.search(r'<span class="who">Marc Dupont</span>\s+status', text)
    assert "Public replies are also sent to: <span>marc@example.be</span>" in text


async def test_reports_page_and_csv_exports(desk: Any, http: ClientSession) -> None:
    services = desk.app[SERVICES]
    eve = await services.operators.add(
        "eve@desk.test", name="=HYPERLINK(1)", role="operator", departments=("general",),
        languages=("en",), password=PASSWORD,
    )  # fmt: skip
    ticket = await file(desk, "Site en panne")
    await services.helpdesk.tickets.reply(ticket.id, desk.ada, "On regarde.")
    await services.helpdesk.tickets.change(desk.ada, ticket.id, Edit(assignee=eve.id))
    async with http.get("/console/reports") as page:
        text = await page.text()
        assert page.status == 200
    assert "Tickets per day" in text and 'id="report-data"' in text
    # The charts: their own bundle, on this page only, and their names in the page's words.
    assert '<script src="/console/assets/reports.js" defer>' in text
    found = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', text)
    assert found is not None
    chart = json.loads(found.group(1))
    assert chart["labels"] == {
        "day": "Day", "opened": "Opened", "closed_n": "Closed", "breaches": "SLA breaches",
    }  # fmt: skip
    assert len(chart["days"]) == len(chart["opened"]) == 30  # the last 30 days
    async with http.get("/console/tickets") as page:
        assert "reports.js" not in await page.text()
    assert "Help centre" in text and "Nothing in this period" in text
    async with http.get("/console/reports?from=2026-12-01&to=2026-11-01") as page:
        assert page.status == 400 and "366 days" in await page.text()
    async with http.get("/console/reports?from=yesterday") as page:
        assert page.status == 400
    async with http.get("/console/reports.csv?table=department") as response:
        assert response.status == 200 and response.content_type == "text/csv"
        assert "attachment" in response.headers["Content-Disposition"]
        rows = list(csv.reader(io.StringIO((await response.read()).decode("utf-8-sig"))))
    assert rows[0][0] == "Department" and rows[1][0] == "General"  # its name, not its id
    assert rows[1][1:4] == ["1", "0", "1"]  # opened, closed, first responses
    async with http.get("/console/reports.csv?table=days") as response:
        days = list(csv.reader(io.StringIO((await response.read()).decode("utf-8-sig"))))
    assert days[0] == ["Day", "Opened", "Closed", "SLA breaches"] and len(days) == 31
    async with http.get("/console/reports.csv?table=operator") as response:
        operators = list(csv.reader(io.StringIO((await response.read()).decode("utf-8-sig"))))
    assert operators[1][0] == "'=HYPERLINK(1)"  # no formula in a spreadsheet
    async with http.get("/console/reports.csv?table=secrets") as response:
        assert response.status == 400


async def test_reports_show_the_help_centre(desk: Any, http: ClientSession) -> None:
    services = desk.app[SERVICES]
    await services.help.viewed("password-reset", "en")
    await services.help.viewed("password-reset", "en", user_agent="Googlebot/2.1")  # not counted
    await services.help.search("=cmd|' /C calc'!A0 how to fly a plane", "en", client="10.0.0.9")
    async with http.get("/console/reports") as page:
        text = await page.text()
    assert "Articles" in text and "password-reset" in text  # no knowledge here: its id
    assert "Searches without a good result" in text and "how to fly a plane" in text
    async with http.get("/console/reports.csv?table=help") as response:
        rows = list(csv.reader(io.StringIO((await response.read()).decode("utf-8-sig"))))
    assert rows[0][:4] == ["Article", "id", "Views", "Tickets avoided"]
    assert rows[0][-1] == "Quoted by operators"  # added last: older columns keep their place
    assert rows[1][1:3] == ["password-reset", "1"] and rows[1][-1] == "0"
    async with http.get("/console/reports.csv?table=help_searches") as response:
        searches = list(csv.reader(io.StringIO((await response.read()).decode("utf-8-sig"))))
    assert searches[1][0].startswith("'=cmd")  # no formula in a spreadsheet


def test_csv_cells_never_start_a_formula() -> None:
    assert [csv_cell(v) for v in ("=1+1", "+33", "-2", "@SUM(A1)", "\tx", "ok", None, 3, 1.5)] == [
        "'=1+1", "'+33", "'-2", "'@SUM(A1)", "'\tx", "ok", "", "3", "1.50",
    ]  # fmt: skip


async def test_pages_need_a_login(desk: Any) -> None:
    async with ClientSession(base_url=str(desk.make_url(""))) as anonymous:
        for path in ("/console/tickets", "/console/reports", "/console/reports.csv?table=days"):
            async with anonymous.get(path, allow_redirects=False) as response:
                assert response.status == 303, path
                assert response.headers["Location"].startswith("/console/login")


async def test_a_conversation_page_offers_to_turn_it_into_a_ticket(
    desk: Any, http: ClientSession
) -> None:
    services = desk.app[SERVICES]
    _, conversation = await services._store.conversations.create_visitor(
        lang="fr", page="/", now=services.routing.clock()
    )
    await services.escalation.visitor_asked(conversation.id)
    async with http.get(f"/console/c/{conversation.id}") as page:
        text = await page.text()
    assert "Turn into a ticket" in text and 'id="to-ticket-form"' in text
    assert '<option value="incident">incident</option>' in text


async def test_a_priority_no_longer_offered_stays_on_its_ticket_s_page(
    desk: Any, start_server: Any, tmp_path: Any
) -> None:
    urgent = await file(desk, "Filed while urgent was offered", priority="urgent")
    config = tmp_path / "chatdesk.toml"
    config.write_text('[helpdesk]\npriorities = ["normal", "high"]\n', encoding="utf-8")
    later = await start_server(config_file=config)  # the same data, the new file
    async with ada_session(later) as http:
        async with http.get(f"/console/t/{urgent.number}") as page:
            text = await page.text()
        async with http.get("/console/tickets") as page:
            listing = await page.text()
    select = text[
        text.index('name="priority"') : text.index("</select>", text.index('name="priority"'))
    ]
    assert re.findall(r'<option value="(\w+)"', select) == ["normal", "high", "urgent"]
    assert 'value="urgent" selected' in select
    assert 'name="priority" value="urgent"' not in listing  # the filters offer the desk's


async def test_operators_read_priorities_by_the_names_the_desk_gave_them(
    start_server: Any, tmp_path: Any
) -> None:
    config = tmp_path / "chatdesk.toml"
    config.write_text(
        '[helpdesk]\npriorities = ["normal", "high"]\n[priorities.normal]\n'
        'label = { fr = "Régulière", en = "Regular" }\nresolution = "2d"\n'
        '[priorities.high]\ncalendar = "24/7"\n',
        encoding="utf-8",
    )
    server = await start_server(config_file=config)
    await add_ada(server)
    ticket = await file(server, "Site lent")
    async with ada_session(server) as http:
        http.cookie_jar.update_cookies({"chatdesk_console_lang": "fr"})
        async with http.get("/console/reports") as page:
            report = await page.text()
        async with http.get(f"/console/t/{ticket.id}") as page:
            text = await page.text()
    # The targets table: the offered priorities, which one counts every hour of every day,
    # whole days said as days.
    targets = report[report.index('class="figures targets"') :]
    targets = targets[: targets.index("</table>")]
    assert 'haute <span class="hint">(24 h/24, 7 j/7)</span>' in targets
    assert "Régulière</th>" in targets and "<td>2 j</td>" in targets
    assert "urgente" not in targets and "basse" not in targets
    # The requester chose "Régulière": the operator reads the same word, not "normale";
    # a priority the desk did not rename keeps the console's word.
    assert '<option value="normal" selected>Régulière</option>' in text
    assert '<option value="high" >haute</option>' in text
    names = re.search(r'<script type="application/json" id="priority-names">(.*?)</script>', text)
    assert names and json.loads(names[1]) == {"normal": "Régulière"}  # for console.js


async def test_an_operator_files_a_ticket_for_a_caller(desk: Any, http: ClientSession) -> None:
    async with http.get("/console/tickets") as page:
        assert 'href="/console/tickets/new"' in await page.text()
    csrf = await csrf_of(http, "/console/tickets/new")
    form = {"csrf": csrf, "channel": "phone", "email": "marc@", "name": "Marc Dupont",
            "lang": "fr", "subject": "Export des factures", "cc": "compta@client.be",
            "description": "Il veut ses factures en CSV."}  # fmt: skip
    async with http.post("/console/tickets/new", data=form | {"csrf": "forged"}) as refused:
        assert refused.status == 403
    async with http.post("/console/tickets/new", data=form) as page:
        # Refused with the reason, and what was typed kept.
        assert page.status == 400
        text = await page.text()
    assert 'role="alert"' in text and "is not an e-mail address" in text
    assert 'value="Export des factures"' in text and "Il veut ses factures en CSV." in text
    form["email"] = "Marc@Client.be"
    async with http.post("/console/tickets/new", data=form, allow_redirects=False) as done:
        assert done.status == 303
        location = done.headers["Location"]
    services = desk.app[SERVICES]
    ticket = await services._store.helpdesk.get_ticket(location.rsplit("/", 1)[1])
    assert ticket is not None
    assert (ticket.channel.value, ticket.requester_email, ticket.requester_name) == (
        "phone",
        "marc@client.be",
        "Marc Dupont",
    )
    assert ticket.cc == {"compta@client.be"} and ticket.description == form["description"]
    [created] = [e for e in await services._store.helpdesk.list_ticket_events(ticket.id)
                 if e.kind == "created"]  # fmt: skip
    assert created.actor_id == desk.ada.id  # filed by Ada, on Marc's behalf
    # Another request from Marc: his page offers the form with his details filled in.
    async with http.get(location) as page:
        text = await page.text()
    [prefill] = re.findall(r'href="(/console/tickets/new\?[^"]+)"', text)
    async with http.get(prefill.replace("&amp;", "&")) as page:
        text = await page.text()
    assert 'value="marc@client.be"' in text and 'value="Marc Dupont"' in text


async def test_an_operator_writes_to_a_customer_first(desk: Any, http: ClientSession) -> None:
    services = desk.app[SERVICES]
    csrf = await csrf_of(http, "/console/tickets/new")
    form = {"csrf": csrf, "channel": "outbound", "email": "zoe@client.be", "lang": "fr",
            "subject": "Votre carte a expiré", "description": ""}  # fmt: skip
    async with http.post("/console/tickets/new", data=form) as page:
        assert page.status == 400  # nothing to send
    form["description"] = "Bonjour, votre carte expire ce mois-ci : mettez-la à jour."
    async with http.post("/console/tickets/new", data=form, allow_redirects=False) as done:
        assert done.status == 303
    ticket = await services._store.helpdesk.get_ticket(done.headers["Location"].rsplit("/", 1)[1])
    assert ticket is not None and ticket.channel.value == "email"
    # The thread starts with Ada's message: answered, hers, open.
    [message] = await services._store.helpdesk.list_ticket_messages(ticket.id)
    assert (message.author.value, message.text) == ("operator", form["description"])
    assert ticket.operator_id == desk.ada.id and ticket.status.value == "open"
    assert ticket.first_response_at is not None
