"""Tags in the console over real HTTP: on the ticket page, in the list's rows, and the list
narrowed to one tag; a hold's date in the ticket's history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from chatdesk.helpdesk import Edit
from chatdesk.models import format_ts
from chatdesk.web.appkeys import SERVICES

from .test_console_tickets_http import ada_session, add_ada, file


async def test_tags_show_and_narrow_the_list(server: Any) -> None:
    ada = await add_ada(server)
    tagged = await file(server, "Facture en double")
    await file(server, "Site lent")
    tickets = server.app[SERVICES].helpdesk.tickets
    await tickets.change(ada, tagged.id, Edit(tags=["facture", "Client VIP"]))
    async with ada_session(server) as http:
        async with http.get(f"/console/t/{tagged.number}") as page:
            text = await page.text()
        assert 'href="/console/tickets?view=all&amp;tag=client-vip">client-vip</a>' in text
        assert 'name="tags" type="text"' in text and 'value="client-vip, facture"' in text
        assert "tags: none → client-vip, facture" in text  # the history row
        async with http.get("/console/tickets?view=all&tag=client-vip") as page:
            listing = await page.text()
    assert "Tagged client-vip" in listing and listing.count('class="trow') == 1
    assert '<span class="badge tag">facture</span>' in listing
    assert 'name="tag" value="client-vip"' in listing  # the filters form keeps it


async def test_reports_count_per_tag(server: Any) -> None:
    ada = await add_ada(server)
    tickets = server.app[SERVICES].helpdesk.tickets
    for subject, tags in (("Facture", ["facture"]), ("Panne", ["facture", "panne"]), ("Rien", [])):
        ticket = await file(server, subject)
        await tickets.change(ada, ticket.id, Edit(tags=tags))
    async with ada_session(server) as http:
        async with http.get("/console/reports") as page:
            text = await page.text()
        async with http.get("/console/reports.csv?table=tag") as response:
            assert response.status == 200
            rows = (await response.text()).splitlines()
    assert "By tag" in text and '<th scope="row">panne</th>' in text
    assert [r.split(",")[:2] for r in rows[1:]] == [["facture", "2"], ["panne", "1"]]


async def test_a_view_exports_as_csv_with_its_filters(server: Any) -> None:
    ada = await add_ada(server)
    tickets = server.app[SERVICES].helpdesk.tickets
    for subject, tags in (("=HYPERLINK(1)", ["facture"]), ("Panne", ["facture"]), ("Rien", [])):
        ticket = await file(server, subject, name="Léa Dupont")
        await tickets.change(ada, ticket.id, Edit(tags=tags))
    async with ada_session(server) as http:
        async with http.get("/console/tickets?view=all&tag=facture") as page:
            text = await page.text()
        assert 'href="/console/tickets.csv?view=all&amp;tag=facture"' in text
        async with http.get("/console/tickets.csv?view=all&tag=facture&sort=created") as response:
            assert response.status == 200
            assert response.headers["Content-Type"].startswith("text/csv")
            body = (await response.read()).decode("utf-8-sig")
    header, *rows = [r.split(",") for r in body.splitlines()]
    assert header[:3] == ["Number", "Subject", "Status"]
    assert [r[1] for r in rows] == ["Panne", "'=HYPERLINK(1)"]  # never a formula
    assert all(r[6] == "Léa Dupont" and r[9] == "facture" for r in rows)


async def test_a_hold_s_date_reads_in_the_ticket_s_history(server: Any) -> None:
    ada = await add_ada(server)
    ticket = await file(server, "Attente du registrar")
    until = (datetime.now(UTC) + timedelta(days=2)).replace(microsecond=0)
    tickets = server.app[SERVICES].helpdesk.tickets
    await tickets.change(ada, ticket.id, Edit(status="on_hold", hold_until=until.isoformat()))
    await tickets.change(ada, ticket.id, Edit(hold_until=""))
    async with ada_session(server) as http, http.get(f"/console/t/{ticket.number}") as page:
        text = await page.text()
    assert f'on hold until <time datetime="{format_ts(until)}">' in text
    assert "hold date removed" in text


async def test_a_hold_s_date_shows_on_the_ticket_s_header_and_row(server: Any) -> None:
    ada = await add_ada(server)
    ticket = await file(server, "Attente du fournisseur")
    until = (datetime.now(UTC) + timedelta(days=2)).replace(microsecond=0)
    tickets = server.app[SERVICES].helpdesk.tickets
    async with ada_session(server) as http:
        async with http.get(f"/console/t/{ticket.number}") as page:
            assert '<span class="badge hold" id="t-hold" hidden>' in await page.text()
        await tickets.change(ada, ticket.id, Edit(status="on_hold", hold_until=until.isoformat()))
        chip = f'until <time datetime="{format_ts(until)}">'
        async with http.get(f"/console/t/{ticket.number}") as page:
            text = await page.text()
        assert f'<span class="badge hold" id="t-hold">{chip}' in text
        async with http.get("/console/tickets?view=all") as page:
            assert f'<span class="badge hold">{chip}' in await page.text()
