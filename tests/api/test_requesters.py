"""The requesters over the REST API: searched, one requester, their details corrected;
counts as the token's operator may see them; refusals change nothing."""

from __future__ import annotations

from typing import Any

from chatdesk.helpdesk import NewTicket
from chatdesk.wire.apiout import ApiTicketPage
from chatdesk.wire.apipeople import ApiRequesterDetail, ApiRequesterPage

from .conftest import Api, Desk


async def test_requesters_are_searched_shown_and_corrected(api: Api, as_: Any, desk: Desk) -> None:
    services = desk.services
    people = services.helpdesk.people
    acme = await people.add_organisation("Acme Énergie")
    await people.add_member(acme, "lea@acme.be", name="Léa Dubois")
    await services.helpdesk.filing.file(NewTicket("lea@acme.be", "Export vide"))
    await services.helpdesk.filing.file(NewTicket("lea@acme.be", "Plainte", type="complaint"))
    await services.helpdesk.filing.file(NewTicket("tom@example.nl", "Vraag", name="Tom"))
    await services.spam.block(None, "acme.be")

    page = await api.call("GET", "/api/v1/requesters?q=LEA%20energie", ApiRequesterPage)
    assert (page.total, page.page, page.per_page) == (1, 1, 50)
    (lea,) = page.requesters
    assert (lea.email, lea.name, lea.org_role, lea.tickets, lea.active_tickets) == (
        "lea@acme.be",
        "Léa Dubois",
        "member",
        2,  # Ada, an admin, counts the complaint
        2,
    )
    assert lea.organisation is not None and lea.organisation.name == "Acme Énergie"
    assert lea.last_activity is not None
    everyone = await api.call("GET", "/api/v1/requesters?sort=name&per_page=1", ApiRequesterPage)
    assert ([r.name for r in everyone.requesters], everyone.total) == (["Léa Dubois"], 2)
    members = await api.call("GET", f"/api/v1/requesters?organisation={acme.id}", ApiRequesterPage)
    assert [r.email for r in members.requesters] == ["lea@acme.be"]

    detail = await api.call("GET", f"/api/v1/requesters/{lea.id}", ApiRequesterDetail)
    assert (detail.blocked, detail.sites, detail.tickets) == (True, [], 2)
    # Bob, an operator, sees neither the complaint nor its count.
    bob = as_("bob")
    assert (await bob.call("GET", f"/api/v1/requesters/{lea.id}", ApiRequesterDetail)).tickets == 1
    theirs = await bob.call("GET", f"/api/v1/tickets?requester={lea.id}", ApiTicketPage)
    assert [t.subject for t in theirs.tickets] == ["Export vide"]
    acme_tickets = await api.call(
        "GET", f"/api/v1/tickets?organisation={acme.id}&sort=number", ApiTicketPage
    )
    assert [t.subject for t in acme_tickets.tickets] == ["Export vide", "Plainte"]

    changed = await api.call(
        "PATCH", f"/api/v1/requesters/{lea.id}", ApiRequesterDetail,
        json={"phone": "  +32 2 555  01 01 ", "note": "VIP\n"},
    )  # fmt: skip
    assert (changed.name, changed.phone, changed.note) == ("Léa Dubois", "+32 2 555 01 01", "VIP")

    # Refused: unknown requester, bad queries and bodies, no token; nothing changed.
    missing = await api.error("GET", "/api/v1/requesters/" + "0" * 32, 404)
    assert missing.code == "unknown_requester"
    await api.error("PATCH", "/api/v1/requesters/" + "0" * 32, 404, json={"name": "X"})
    for bad in ("sort=email", "page=0", "per_page=101", "organisation=acme", "q=" + "x" * 201):
        await api.error("GET", f"/api/v1/requesters?{bad}", 400)
    await api.error("PATCH", f"/api/v1/requesters/{lea.id}", 400, json={"name": "x" * 101})
    await api.error("PATCH", f"/api/v1/requesters/{lea.id}", 400,
                    json={"name": "Other", "note": "x" * 2001})  # fmt: skip
    await api.error("PATCH", f"/api/v1/requesters/{lea.id}", 400, json={"email": "x@y.z"})
    null = await api.error("PATCH", f"/api/v1/requesters/{lea.id}", 400, data=b"null",
                           headers={"Content-Type": "application/json"})  # fmt: skip
    assert null.code == "invalid_payload"  # not an empty patch
    await api.error("GET", "/api/v1/tickets?requester=lea", 400)
    await as_(None).error("GET", "/api/v1/requesters", 401)
    again = await api.call("GET", f"/api/v1/requesters/{lea.id}", ApiRequesterDetail)
    assert (again.name, again.phone, again.note) == ("Léa Dubois", "+32 2 555 01 01", "VIP")


async def test_two_records_of_one_person_are_merged_and_an_address_detached(
    api: Api, desk: Desk
) -> None:
    services = desk.services
    await services.helpdesk.filing.file(NewTicket("lea@acme.be", "Export vide", name="Léa"))
    await services.helpdesk.filing.file(NewTicket("lea.dubois@home.be", "Mot de passe"))
    lea = await services.helpdesk.people.find("lea@acme.be")
    home = await services.helpdesk.people.find("lea.dubois@home.be")

    # Her home record goes into her work record (named by address, or by id).
    merged = await api.call(
        "POST", f"/api/v1/requesters/{home.id}/merge", ApiRequesterDetail,
        json={"into": "LEA@acme.be"},
    )  # fmt: skip
    assert (merged.id, merged.addresses, merged.tickets) == (lea.id, ["lea.dubois@home.be"], 2)
    assert (await api.error("GET", f"/api/v1/requesters/{home.id}", 404)).code == (
        "unknown_requester"
    )
    found = await api.call("GET", "/api/v1/requesters?q=home.be", ApiRequesterPage)
    assert [r.id for r in found.requesters] == [lea.id]
    # Refused: into themselves, into nobody, a bad body; nothing changed.
    same = await api.error("POST", f"/api/v1/requesters/{lea.id}/merge", 409, json={"into": lea.id})
    assert same.code == "same_requester"
    await api.error("POST", f"/api/v1/requesters/{lea.id}/merge", 404, json={"into": "x@y.be"})
    await api.error("POST", f"/api/v1/requesters/{lea.id}/merge", 400, json={"to": lea.id})

    # The home address detached again: a requester of its own, with its ticket.
    detached = await api.call(
        "POST", f"/api/v1/requesters/{lea.id}/detach", ApiRequesterDetail,
        json={"address": "lea.dubois@home.be"}, status=201,
    )  # fmt: skip
    assert (detached.email, detached.tickets, detached.addresses) == ("lea.dubois@home.be", 1, [])
    missing = await api.error(
        "POST", f"/api/v1/requesters/{lea.id}/detach", 404, json={"address": "lea.dubois@home.be"}
    )
    assert missing.code == "unknown_address"
    await api.error("POST", f"/api/v1/requesters/{lea.id}/detach", 400, json={"address": "nope"})
    after = await api.call("GET", f"/api/v1/requesters/{lea.id}", ApiRequesterDetail)
    assert (after.addresses, after.tickets) == ([], 1)


async def test_a_crm_creates_and_updates_requesters(api: Api, as_: Any, desk: Desk) -> None:
    created = await api.call(
        "POST", "/api/v1/requesters", ApiRequesterDetail, status=201,
        json={"email": " Lea@Acme.be ", "name": " Léa   Dubois ", "lang": "fr", "note": "VIP"},
    )  # fmt: skip
    assert (created.email, created.name, created.lang, created.note, created.tickets) == (
        "lea@acme.be", "Léa Dubois", "fr", "VIP", 0,
    )  # fmt: skip
    got, headers, _ = await api.raw("POST", "/api/v1/requesters", json={"email": "x@acme.be"})
    assert got == 201 and headers["Location"].startswith("/api/v1/requesters/")
    # Known already: a detail given replaces, one left out or empty leaves it (200).
    again = await as_("bob").call(
        "POST", "/api/v1/requesters", ApiRequesterDetail,
        json={"email": "lea@acme.be", "phone": "+32 2 555 01 01", "name": ""},
    )  # fmt: skip
    assert (again.id, again.name, again.phone, again.note) == (
        created.id, "Léa Dubois", "+32 2 555 01 01", "VIP",
    )  # fmt: skip
    # By another address of theirs (merged): the same person.
    found = await api.call("GET", "/api/v1/requesters?q=x%40acme", ApiRequesterPage)
    other = found.requesters[0].id
    merge = f"/api/v1/requesters/{other}/merge"
    await api.call("POST", merge, ApiRequesterDetail, json={"into": created.id})
    same = await api.call("POST", "/api/v1/requesters", ApiRequesterDetail,
                          json={"email": "X@acme.be"})  # fmt: skip
    assert same.id == created.id and same.addresses == ["x@acme.be"]
    # Refused: no address, a bad one, a language the desk does not speak, a long name.
    for body, code in (
        ({}, 400), ({"email": "nope"}, 400), ({"email": "a@b.be", "lang": "de"}, 400),
        ({"email": "a@b.be", "name": "x" * 101}, 400), ({"email": "a@b.be", "org": "X"}, 400),
    ):  # fmt: skip
        await api.error("POST", "/api/v1/requesters", code, json=body)
    page = await api.call("GET", "/api/v1/requesters", ApiRequesterPage)
    assert page.total == 1
