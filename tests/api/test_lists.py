"""Ticket lists through the API: pages, filters, sorting and full text in fr/nl/en."""

from __future__ import annotations

from typing import Any

from chatdesk.wire.apiout import ApiReply, ApiTicket, ApiTicketPage

from .conftest import Api, Desk, ticket_body


async def file(api: Api, **overrides: Any) -> ApiTicket:
    ticket: ApiTicket = await api.call(
        "POST", "/api/v1/tickets", ApiTicket, status=201, json=ticket_body(**overrides)
    )
    return ticket


async def numbers(api: Api, query: str) -> list[str]:
    page = await api.call("GET", f"/api/v1/tickets?{query}", ApiTicketPage)
    return [t.number for t in page.tickets]


async def test_pages(api: Api) -> None:
    for i in range(5):
        await file(api, subject=f"Question {i}")
    seen = []
    for page_no in (1, 2, 3):
        page = await api.call(
            "GET", f"/api/v1/tickets?sort=number&per_page=2&page={page_no}", ApiTicketPage
        )
        assert (page.total, page.page, page.per_page) == (5, page_no, 2)
        seen += [t.number for t in page.tickets]
    assert sorted(seen) == [f"#00000{i}" for i in range(1, 6)] and len(set(seen)) == 5
    assert await numbers(api, "per_page=2&page=4") == []


async def test_filters(api: Api, desk: Desk) -> None:
    first = await file(api, department="billing", priority="low")
    second = await file(api, type="idea")
    third = await file(api, type="incident", fields={"site_id": "0001"}, priority="urgent")
    path = f"/api/v1/tickets/{second.id}"
    await api.call(
        "PATCH", path, ApiTicket, json={"status": "pending", "assignee": "ada@desk.test"}
    )
    await api.call("PATCH", f"/api/v1/tickets/{third.id}", ApiTicket,
                   json={"assignee": desk.ids["bob"]})  # fmt: skip
    assert await numbers(api, "status=pending") == [second.number]
    assert set(await numbers(api, "status=new,pending")) == {
        first.number, second.number, third.number,
    }  # fmt: skip
    assert await numbers(api, "department=billing") == [first.number]
    assert await numbers(api, "type=idea,incident&sort=number") == [second.number, third.number]
    assert await numbers(api, "assignee=me") == [second.number]
    assert await numbers(api, "assignee=none") == [first.number]
    assert await numbers(api, "assignee=BOB@desk.test") == [third.number]
    assert await numbers(api, f"assignee={desk.ids['bob']}") == [third.number]
    # The urgent ticket is due first; the low one last.
    due = await numbers(api, "sort=due")
    assert due[0] == third.number and due[-1] in (first.number, second.number)
    assert await numbers(api, "sort=number") == [first.number, second.number, third.number]


async def test_full_text_in_three_languages(api: Api) -> None:
    fr = await file(api, subject="Mon réseau est très lent", lang="fr",
                    description="Depuis lundi, les pages s'affichent lentement.")  # fmt: skip
    nl = await file(api, subject="Wachtwoord vergeten", lang="nl",
                    description="Ik kan niet meer inloggen op de webmail.")  # fmt: skip
    en = await file(api, subject="The printer prints blank pages", lang="en",
                    type="incident", fields={"site_id": "4321"})  # fmt: skip
    await api.call("POST", f"/api/v1/tickets/{nl.id}/messages", ApiReply, status=201,
                   json={"text": "Herstart de router en probeer opnieuw."})  # fmt: skip
    cases = {
        "reseau": [fr], "RÉSEAU": [fr], "rés lent": [fr], "affichent": [fr],
        "wachtw": [nl], "inloggen webmail": [nl], "herstart": [nl],
        "printer blank": [en], "4321": [en], "pages": [fr, en],
        "printer réseau": [], "%22OR%22": [], "*": [], "NEAR(a b)": [],
    }  # fmt: skip
    for q, expected in cases.items():
        got = await numbers(api, f"q={q}&sort=number")
        assert got == [t.number for t in expected], (q, got)
