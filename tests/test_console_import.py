"""Requesters imported from a CSV file uploaded on the console over real HTTP (admins):
checked first (a dry run by default), then imported; mistakes named by line, nothing
written; a file too large, not text or missing said; other operators refused."""

from __future__ import annotations

import io
import re
from typing import Any

from aiohttp import ClientSession, FormData

from chatdesk.web.appkeys import SERVICES

from .test_console_http import add_ada_and_bob, cookie_session, login
from .test_console_tickets_http import ada_session, add_ada, csrf_of

CLIENTS = (
    "\ufeffemail;name;lang;organisation;role\r\n"
    "lea@acme-energie.be;Léa <b>Dubois</b>;fr;Acme Énergie;admin\r\n"
    "tom@acme-energie.be;Tom;nl;Acme Énergie;\r\n"
)


async def upload(
    http: ClientSession, data: bytes, *, filename: str = "clients.csv", **options: str
) -> tuple[int, str]:
    form = FormData()
    form.add_field("csrf", await csrf_of(http, "/console/requesters/import"))
    for name, value in options.items():
        form.add_field(name, value)
    form.add_field("file", io.BytesIO(data), filename=filename, content_type="text/csv")
    async with http.post("/console/requesters/import", data=form) as response:
        return response.status, await response.text()


def _said(page: str, id_: str) -> str:
    found = re.search(rf'id="{id_}">(.*?)</div>', page, re.S)
    assert found, id_
    return re.sub(r"<[^>]+>", " ", found.group(1))


async def test_an_admin_checks_then_imports_a_client_list(server: Any) -> None:
    await add_ada(server)
    people = server.app[SERVICES].helpdesk.people
    async with ada_session(server) as http:
        async with http.get("/console/requesters") as response:
            assert 'href="/console/requesters/import" id="import-link"' in await response.text()
        async with http.get("/console/requesters/import") as response:
            page = await response.text()
        assert response.status == 200 and 'enctype="multipart/form-data"' in page
        assert 'name="dry_run" checked' in page  # a check first, by default

        status, page = await upload(http, CLIENTS.encode(), create_orgs="on", dry_run="on")
        assert status == 200
        assert "the 2 rows would make 2 new requesters" in _said(page, "import-report")
        assert "Organisations to create: Acme Énergie" in page
        assert (await people.organisations()) == []

        status, page = await upload(http, CLIENTS.encode(), create_orgs="on")
        assert status == 200
        report = _said(page, "import-report")
        assert "Imported 2 rows: 2 new requesters, 0 updated, 2 put in an organisation" in report
        lea = await people.find("lea@acme-energie.be")
        assert lea.name == "Léa <b>Dubois</b>" and lea.org_role == "admin"
        async with http.get(f"/console/requesters/{lea.id}") as response:
            assert "Léa &lt;b&gt;Dubois&lt;/b&gt;" in await response.text()

        # Mistakes: each named by the file's name and line; nothing written.
        bad = b"email,lang\nzoe@example.be,fr\nnot an address,fr\nmax@example.be,de\n"
        status, page = await upload(http, bad, filename="<i>b.csv")
        assert status == 400
        mistakes = _said(page, "import-mistakes")
        # (aiohttp's client percent-encodes the file's name; the page escapes it anyway.)
        assert "b.csv:3: &#39;not an address&#39; is not an e-mail address" in mistakes
        assert "b.csv:4: lang: Invalid enum value" in mistakes
        assert "<i>b.csv" not in page
        status, page = await upload(http, b"email\nnew@x.be\n")  # without create_orgs: fine
        assert status == 200
        status, page = await upload(http, b"email,organisation\nnew@x.be,Nope\n")
        assert status == 400 and "clients.csv:2: no organisation" in page
        for data, problem in (
            (b"\xff\xfe\x00e", "import-problem"),
            (b"email\n" + b"x" * (1024**2 + 10), "import-problem"),
        ):
            status, page = await upload(http, data)
            assert status == 400 and f'id="{problem}"' in page, page[:300]
        assert [o.name for o in await people.organisations()] == ["Acme Énergie"]


async def test_an_admin_downloads_the_directory_and_it_imports_as_it_is(server: Any) -> None:
    await add_ada(server)
    people = server.app[SERVICES].helpdesk.people
    acme = await people.add_organisation("Acme")
    await people.add_member(acme, "lea@acme.be", name="=HYPERLINK(x)", role="admin")
    lea = await people.find("lea@acme.be")
    await people.update(lea, name="=HYPERLINK(x)", phone="+32 2 555 01 01")
    await people.set_note(await people.find("lea@acme.be"), "VIP\nCall first")
    await people.requester("tom@example.be", name="Tom", lang="nl")
    async with ada_session(server) as http:
        async with http.get("/console/requesters") as response:
            assert 'id="export-link" download>Download as CSV' in await response.text()
        async with http.get("/console/requesters.csv?sort=name&q=") as response:
            assert response.status == 200
            assert response.headers["Content-Disposition"].endswith('"requesters.csv"')
            body = await response.read()
        lines = body.decode("utf-8-sig").splitlines()
        # A spreadsheet runs nothing of it (a leading apostrophe before = + - @).
        assert lines == [
            "email,name,phone,lang,organisation,role,note",
            "lea@acme.be,'=HYPERLINK(x),'+32 2 555 01 01,,Acme,admin,VIP\\nCall first",
            "tom@example.be,Tom,,nl,,,",
        ]
        # Imported again as it is: nothing changes (the apostrophes are the export's).
        status, page = await upload(http, body)
        assert status == 200
        assert "Imported 2 rows: 0 new requesters, 0 updated, 0 put in an organisation" in page
        async with http.get(f"/console/requesters.csv?org={acme.id}") as response:
            assert len((await response.text()).splitlines()) == 2
        async with http.get("/console/requesters.csv?sort=email") as response:
            assert response.status == 400
        async with http.get("/console/audit") as response:
            audit = await response.text()
        assert audit.count("downloaded the requesters&#39; directory") == 2
        assert "2 requester(s)" in audit and f"1 requester(s) (organisation {acme.id})" in audit


async def test_other_operators_may_not_import(server: Any) -> None:
    await add_ada_and_bob(server)
    async with cookie_session(server) as http:
        await login(http, "bob@desk.test")
        async with http.get("/console/requesters") as response:
            assert "/console/requesters/import" not in await response.text()
        async with http.get("/console/requesters/import") as response:
            assert response.status == 403
        status, _ = await upload(http, CLIENTS.encode(), create_orgs="on")
        assert status == 403
        async with http.get("/console/requesters.csv") as response:
            assert response.status == 403
    assert await server.app[SERVICES].helpdesk.people.organisations() == []
